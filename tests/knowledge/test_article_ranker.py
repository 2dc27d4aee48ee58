"""The fitted article ranker: its data, its evidence from labelled questions, its figures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from knowledge.article_ranker import (
    FEATURES,
    LABELLED_FILE,
    LabelledQuestions,
    load_labelled,
    load_model,
)
from knowledge.law_search import ArticleIndex, default_article_index
from knowledge.lawtext import default_corpus
from tests.conftest import FIGURES

STARD = Path(os.environ.get("STARD_DIR", "/work/shared/stard"))
# Measured on STARD dev's 189 questions whose laws we ship: hit@1 0.333, hit@3 0.460 (the
# lexical order over the same texts: 0.286 / 0.392).
STARD_HIT1_FLOOR, STARD_HIT3_FLOOR = 0.31, 0.43


@pytest.fixture(scope="module")
def index() -> ArticleIndex:
    return default_article_index()


def test_the_stored_ranker_matches_its_features_and_costs() -> None:
    model = load_model()
    assert model is not None, "refit with python -m bench.fit_article_ranker --write"
    assert len(model.weights) == len(model.mean) == len(model.scale) == len(FEATURES)
    assert 0 < model.threshold < 1 and 0 <= model.trust < 1
    assert model.neighbours > 0


def test_labelled_questions_name_articles_of_our_texts() -> None:
    records = load_labelled()
    assert len(records) == 1235  # STARD's whole train split, and nothing of dev
    corpus = default_corpus()
    ours = [g for _, _, gold in records for g in gold if corpus.by_id(g) is not None]
    assert len(ours) > 1000
    assert (LABELLED_FILE.parent / "STARD-LICENSE").read_text().startswith("MIT License")


def test_similar_labelled_questions_are_found_and_one_can_be_left_out(
    index: ArticleIndex,
) -> None:
    records = load_labelled()[:50]
    labelled = LabelledQuestions(records, index)
    number, text, gold = records[1]
    terms = index.tokenize(text)
    nearest = labelled.nearest(labelled.similarities(terms), 3)
    assert nearest[0].gold == gold and nearest[0].similarity > 0.95
    left_out = labelled.nearest(labelled.similarities(terms, exclude=number), 3)
    assert all(n.similarity < 0.999 for n in left_out)


def test_a_question_worded_like_a_labelled_one_gets_its_article_first(
    index: ArticleIndex,
) -> None:
    # STARD train asks "谁可以成为个体工商户？" (《民法典》第五十四条); a user words it otherwise.
    result = index.search("哪些人可以登记成为个体工商户")
    assert result.hits[0].article.id == "民法典#54"
    assert result.hits[0].confidence > 0


def test_the_labour_questions_of_the_lexicon_keep_their_articles(index: ArticleIndex) -> None:
    result = index.search("员工要辞职,公司能扣他工资吗")
    ids = [hit.article.id for hit in result.hits]
    assert "劳动合同法#37" in ids
    assert any(hit.covers & {"扣工资"} for hit in result.hits)


@pytest.mark.skipif(not (STARD / "dev.jsonl").exists(), reason="STARD not available")
def test_stard_dev_article_hit_rates(index: ArticleIndex) -> None:
    from bench.legal_answers import index_rates, load_stard

    items = load_stard("dev", default_corpus())
    rates = index_rates(items)
    FIGURES.append(
        f"STARD dev article index on {len(items)} questions: hit@1 {rates['hit@1']:.3f}, "
        f"hit@3 {rates['hit@3']:.3f}"
    )
    assert rates["hit@1"] >= STARD_HIT1_FLOOR
    assert rates["hit@3"] >= STARD_HIT3_FLOOR
