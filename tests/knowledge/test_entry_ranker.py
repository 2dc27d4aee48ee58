"""The fitted entry ranker: its evidence, its order, and what it leaves to BM25's scores."""

from __future__ import annotations

import json
from pathlib import Path

from knowledge.entry_ranker import FEATURES, EntryRanker, load_ranker
from knowledge.search import KnowledgeIndex, default_index, ranked_index
from knowledge.store import default_entries


def test_every_feature_of_every_candidate_is_between_zero_and_one() -> None:
    index = ranked_index()
    for question, intent in (("驾照磨坏了看不清咋换", "driver_license"), ("仲裁收钱吗", None)):
        found = index.candidates(question, intent, 10)
        assert found
        for _, vector in found:
            assert len(vector) == len(FEATURES)
            assert all(0.0 <= x <= 1.0 for x in vector)


def test_a_question_worded_like_an_entry_and_naming_its_section_finds_that_entry() -> None:
    index = ranked_index()
    ((hit, vector),) = [
        (h, x)
        for h, x in index.candidates("居住证要带什么材料", "residence_permit", 10)
        if h.entry.id == "residence_permit.materials"
    ]
    assert vector[FEATURES.index("section_present")] == 1.0
    assert vector[FEATURES.index("intent_match")] == 1.0
    assert index.search("居住证要带什么材料", intent="residence_permit").hits[0].entry is hit.entry


def test_reordering_keeps_bm25s_scores_in_bm25s_order() -> None:
    plain = KnowledgeIndex(default_entries())
    ranked = ranked_index()
    question = "在沈阳办居住证上哪去"
    before = plain.search(question, intent="residence_permit", limit=10).hits
    after = ranked.search(question, intent="residence_permit", limit=10).hits
    assert [h.score for h in after] == [h.score for h in before]
    assert {h.entry.id for h in after} <= {
        h.entry.id for h in plain.search(question, limit=30).hits
    }


def test_a_ranker_that_prefers_title_likeness_puts_the_entry_named_by_its_title_first() -> None:
    weights = tuple(10.0 if name == "title_likeness" else 0.0 for name in FEATURES)
    index = KnowledgeIndex(default_entries(), ranker=EntryRanker(weights, 0.0, 10))
    title = next(e for e in default_entries() if e.id == "driver_license.lost").title
    assert index.search(title).hits[0].entry.id == "driver_license.lost"


def test_weights_for_other_features_are_not_read(tmp_path: Path) -> None:
    stored = tmp_path / "ranker.json"
    stored.write_text(json.dumps({"features": ["a"], "weights": [1.0], "intercept": 0.0}))
    assert load_ranker(stored) is None
    assert load_ranker(tmp_path / "missing.json") is None
    fitted = EntryRanker(tuple(0.5 for _ in FEATURES), -1.0, 10)
    stored.write_text(fitted.to_json({"fit": "test"}))
    assert load_ranker(stored) == fitted


def test_the_stored_ranker_is_fitted_and_the_answering_index_keeps_bm25s_order() -> None:
    assert ranked_index().ranker == load_ranker()
    assert ranked_index().ranker is not None
    assert default_index().ranker is None
