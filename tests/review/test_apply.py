"""Applying labels: one example added per item, duplicates refused, conflicts warned about."""

from __future__ import annotations

import difflib
from collections import Counter
from pathlib import Path

import pytest
import yaml

from bot.review.apply import REAL_QUESTIONS, Workspace, apply_labels
from bot.review.inbox import Candidate, Inbox
from bot.review.labels import LabelError, label_item
from bot.review.nludata import find_clashes, load_examples
from knowledge.store import load_entries

NEW_TEXT = "俺们单位给交的那个养老钱搁哪嘎达能查着"


def _add(inbox: Inbox, text: str, intent: str = "out_of_scope") -> int:
    inbox.add(Candidate("tracker", text, text, intent, 0.3, "low_confidence"))
    return next(item.id for item in inbox.items() if item.text == text)


def _files(directory: Path) -> dict:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(directory.glob("*.yml"))}


def test_applying_a_label_adds_exactly_one_example(inbox: Inbox, workspace: Workspace) -> None:
    before = _files(workspace.nlu_dir)
    counts = Counter(e.intent for e in load_examples(workspace.nlu_dir))
    item_id = _add(inbox, NEW_TEXT)
    label_item(inbox, item_id, "test", intent="social_security")

    report = apply_labels(inbox, workspace, "test")

    assert [o.status for o in report.outcomes] == ["applied"]
    after = _files(workspace.nlu_dir)
    changed = [name for name in after if after[name] != before[name]]
    assert changed == ["social_security.yml"]
    diff = difflib.ndiff(before[changed[0]].splitlines(), after[changed[0]].splitlines())
    assert [line for line in diff if line[:2] in ("+ ", "- ")] == [f"+     - {NEW_TEXT}"]
    new_counts = Counter(e.intent for e in load_examples(workspace.nlu_dir))
    assert new_counts - counts == Counter({"social_security": 1})
    assert inbox.get(item_id).status == "applied"
    actions = [entry["action"] for entry in inbox.audit_log()]
    assert actions == ["apply", "label"]  # newest first


def test_entities_are_written_as_rasa_annotations(inbox: Inbox, workspace: Workspace) -> None:
    text = "俺想约下礼拜三去铁岭办那个驾照补领"
    item_id = _add(inbox, text)
    entities = [
        {"entity": "city", "text": "铁岭"},
        {"entity": "service_item", "text": "驾照补领", "value": "驾驶证补换领"},
    ]
    label_item(inbox, item_id, "test", intent="appointment_book", entities=entities)
    apply_labels(inbox, workspace, "test")
    lines = (workspace.nlu_dir / "appointment_book.yml").read_text(encoding="utf-8").splitlines()
    expected = (
        "    - 俺想约下礼拜三去[铁岭](city)办那个"
        '[驾照补领]{"entity": "service_item", "value": "驾驶证补换领"}'
    )
    assert lines[-1] == expected


def test_a_duplicate_is_refused_and_nothing_is_written(inbox: Inbox, workspace: Workspace) -> None:
    existing = next(e for e in load_examples(workspace.nlu_dir) if e.intent == "driver_license")
    other = next(e for e in load_examples(workspace.nlu_dir) if e.intent == "greet")
    before = _files(workspace.nlu_dir)
    same_intent, other_intent = _add(inbox, existing.text + "?"), _add(inbox, other.text)
    label_item(inbox, same_intent, "test", intent="driver_license")
    label_item(inbox, other_intent, "test", intent="thank")

    report = apply_labels(inbox, workspace, "test")

    assert [o.status for o in report.outcomes] == ["refused", "refused"]
    messages = {o.item_id: o.message for o in report.outcomes}
    assert "已有相同样例" in messages[same_intent]
    assert "冲突" in messages[other_intent] and "greet" in messages[other_intent]
    assert _files(workspace.nlu_dir) == before
    assert inbox.get(same_intent).status == "refused"


def test_a_near_duplicate_under_another_intent_is_warned_about(
    inbox: Inbox, workspace: Workspace
) -> None:
    examples = load_examples(workspace.nlu_dir)
    source = next(
        e
        for e in examples
        if e.intent == "residence_permit" and len(e.key) >= 12 and e.text == e.key
    )
    text = source.text + "呀"
    assert not find_clashes(text, "social_security", examples).duplicates
    item_id = _add(inbox, text)
    label_item(inbox, item_id, "test", intent="social_security")

    (outcome,) = apply_labels(inbox, workspace, "test").outcomes

    assert outcome.status == "applied"
    assert any("residence_permit" in w and source.text in w for w in outcome.warnings)
    assert "可能冲突" in inbox.get(item_id).note


def test_held_out_evaluation_text_is_refused(inbox: Inbox, workspace: Workspace) -> None:
    held_out = load_examples(workspace.held_out[0].parent)
    example = next(e for e in held_out if e.file == workspace.held_out[0].name)
    item_id = _add(inbox, example.text)
    label_item(inbox, item_id, "test", intent=example.intent)
    (outcome,) = apply_labels(inbox, workspace, "test").outcomes
    assert (outcome.status, "评测集" in outcome.message) == ("refused", True)


def test_a_real_question_of_the_evaluation_set_is_refused(
    inbox: Inbox, workspace: Workspace
) -> None:
    real = yaml.safe_load(REAL_QUESTIONS.read_text(encoding="utf-8"))["questions"][0]
    item_id = _add(inbox, real["text"])
    label_item(inbox, item_id, "test", intent=real["intent"])
    (outcome,) = apply_labels(inbox, workspace, "test").outcomes
    assert (outcome.status, "评测集" in outcome.message) == ("refused", True)


def test_unknown_names_are_rejected_in_chinese(inbox: Inbox) -> None:
    item_id = _add(inbox, NEW_TEXT)
    with pytest.raises(LabelError, match="未知意图"):
        label_item(inbox, item_id, "test", intent="pension_query")
    with pytest.raises(LabelError, match="未知实体类型"):
        label_item(
            inbox, item_id, "test", intent="inform", entities=[{"entity": "x", "text": "单位"}]
        )
    with pytest.raises(LabelError, match="不在句子中"):
        label_item(
            inbox, item_id, "test", intent="inform", entities=[{"entity": "city", "text": "沈阳"}]
        )
    assert inbox.get(item_id).status == "open"


def test_knowledge_labels_extend_sample_questions_or_go_to_the_report(
    inbox: Inbox, workspace: Workspace
) -> None:
    entry = load_entries(workspace.knowledge_dir)[0]
    fresh = _add(inbox, "那个投诉的地儿搁哪嘎达找啊")
    known = _add(inbox, entry.questions[0] + "?")
    label_item(inbox, fresh, "test", kb_entry=entry.id)
    label_item(inbox, known, "test", kb_entry=entry.id)

    outcomes = {o.item_id: o for o in apply_labels(inbox, workspace, "test").outcomes}

    assert outcomes[fresh].status == "applied"
    reloaded = {e.id: e for e in load_entries(workspace.knowledge_dir)}
    assert reloaded[entry.id].questions == [*entry.questions, "那个投诉的地儿搁哪嘎达找啊"]
    assert outcomes[known].status == "knowledge_pending"
    assert "已有相同的示例问题" in inbox.get(known).note
