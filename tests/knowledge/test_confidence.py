"""The legal-answer confidence model: stored weights, its decisions and what the user reads."""

from __future__ import annotations

import json

from knowledge.confidence import FEATURES, MODEL_FILE, Evidence, cost_threshold, load_model
from knowledge.resolve import default_resolver


def test_the_stored_model_reads_the_features_it_was_fitted_on() -> None:
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    assert tuple(data["features"]) == FEATURES
    assert "STARD train" in data["fitted_on"]["fit"]
    assert load_model() is not None


def test_a_model_fitted_on_other_features_is_not_used(tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    data["features"] = data["features"][:-1]
    path = tmp_path / "model.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert load_model(path) is None


def test_a_wrong_answer_costing_two_declines_needs_even_odds() -> None:
    assert cost_threshold() == 0.5


def test_a_question_worded_like_ours_is_answered_and_weak_evidence_declined() -> None:
    model = load_model()
    assert model is not None
    answer = default_resolver().respond("试用期员工辞职要提前几天说", intent="legal_question")
    assert "三日" in answer.reply.text
    assert answer.evidence is not None and model.answers(answer.evidence)
    weak = Evidence(is_entry=True, likeness=0.05, entry_score=0.1, key_concepts=0, length=60)
    assert not model.answers(weak)


def test_articles_the_ranker_doubts_are_declined_and_those_it_is_sure_of_given() -> None:
    model = load_model()
    assert model is not None

    def article(confidence: float) -> Evidence:
        return Evidence(
            is_entry=False,
            article_score=1.0,
            article_confidence=confidence,
            key_concepts=1,
            concepts_covered=1.0,
            length=30,
        )

    assert not model.answers(article(0.05))
    assert model.answers(article(0.9))
    assert model.probability(article(0.9)) > model.probability(article(0.05))
