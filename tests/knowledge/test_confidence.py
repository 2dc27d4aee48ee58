"""The legal-answer confidence model: stored weights, its decisions and what the user reads."""

from __future__ import annotations

import json

from knowledge.confidence import FEATURES, MODEL_FILE, Evidence, cost_threshold, load_model
from knowledge.resolve import Resolver, default_resolver
from knowledge.search import default_index


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


def test_a_question_the_articles_barely_match_is_declined_not_answered_wrongly() -> None:
    question = "楼上漏水把我家天花板泡坏了找谁赔"
    ungated = Resolver(default_index(), model=None).respond(question, intent="legal_question")
    answer = default_resolver().respond(question, intent="legal_question")
    # The rules alone quote articles on product and construction quality, none on a neighbour's
    # leak.
    assert "相关法律规定如下" in ungated.reply.text
    assert "相关法律规定如下" not in answer.reply.text
    assert answer.kind.declines
    assert "12348" in answer.reply.text
