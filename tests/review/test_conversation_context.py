"""An inbox item shows its conversation, and a trainer decides what kind of miss it was:
a follow-up becomes a development dialogue case, a knowledge gap goes to the editors' list."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.review.decisions import mark_followup, mark_knowledge_gap
from bot.review.inbox import Inbox
from bot.review.knowledge_gaps import gap_groups, gaps_markdown
from bot.review.labels import LabelError, dismiss_item
from bot.review.sources import default_candidates, export
from knowledge.answer import NOT_FOUND
from tests.dialogue.multiturn.runner import parse_dialogues

from .conftest import parse_data, store_conversations
from .rasa_stores import action, bot, user

PHONE = "13812345678"
PERMIT_ANSWER = "外地户口在沈阳办居住证,需要先办理居住登记满半年……"
WHERE = "在哪办"
DOG = "养狗要办证吗去哪办"
DOG_AGAIN = "宠物狗办证去哪办"
OUT_OF_SCOPE = "抱歉,这个问题不在我能解答的范围内。您可以拨打12345政务服务便民热线咨询。"
LOW = parse_data("residence_permit", 0.41, [("residence_permit", 0.41), ("appointment_book", 0.3)])
SURE = parse_data("residence_permit", 0.97, [("residence_permit", 0.97)])
FAQ = parse_data("faq_general", 0.93, [("faq_general", 0.93)])


@pytest.fixture
def exported(tmp_path: Path, inbox: Inbox) -> Inbox:
    tracker_db = tmp_path / "rasa_tracker.db"
    store_conversations(
        tracker_db,
        {
            "wx-openid-1": [
                action("action_listen"),
                user(f"外地户口在沈阳怎么办居住证 我电话{PHONE}", SURE),
                bot(PERMIT_ANSWER),
                user(WHERE, LOW),
                bot("您想了解哪一条?\n1. 预约办理"),
            ],
            # Understood with confidence, but the knowledge base had nothing to say.
            "wx-openid-2": [user(DOG, FAQ), bot(NOT_FOUND)],
            "wx-openid-3": [user(DOG_AGAIN, FAQ), bot(NOT_FOUND)],
            "web-4": [user("帮我订张去北京的火车票", FAQ), bot(OUT_OF_SCOPE, "utter_out_of_scope")],
            "web-5": [user("居住证到期了怎么续", SURE), bot(PERMIT_ANSWER)],
        },
    )
    export(inbox, default_candidates(tracker_db, "", f"sqlite:///{tmp_path / 'fb.db'}", 0.6))
    return inbox


def _item(inbox: Inbox, text: str) -> int:
    (found,) = [i.id for i in inbox.items() if i.text == text]
    return found


def test_an_item_keeps_its_conversation_masked_with_ranking_and_answer(
    exported: Inbox, tmp_path: Path
) -> None:
    item_id = _item(exported, WHERE)
    (seen,) = exported.occurrences([item_id])[item_id]
    assert [(t["role"], t["text"]) for t in seen.context] == [
        ("user", "外地户口在沈阳怎么办居住证 我电话138****5678"),
        ("bot", PERMIT_ANSWER),
        ("user", WHERE),
        ("bot", "您想了解哪一条?\n1. 预约办理"),
    ]
    assert [t.get("current", False) for t in seen.context] == [False, False, True, False]
    assert [r["name"] for r in seen.ranking] == ["residence_permit", "appointment_book"]
    assert seen.answer == "您想了解哪一条?\n1. 预约办理"
    assert not seen.declined
    assert PHONE.encode() not in (tmp_path / "var" / "review.db").read_bytes()
    # A question answered confidently and specifically is not in the inbox at all.
    assert "居住证到期了怎么续" not in {i.text for i in exported.items()}


def test_declined_questions_are_exported_and_grouped_as_knowledge_gaps(exported: Inbox) -> None:
    dog = exported.get(_item(exported, DOG))
    assert dog.reasons == ["declined"]
    groups = gap_groups(exported)
    assert [sorted(i.text for i in g.items) for g in groups] == [
        sorted([DOG, DOG_AGAIN]),
        ["帮我订张去北京的火车票"],
    ]
    assert groups[0].count == 2
    assert groups[0].first_seen <= groups[0].last_seen
    text = gaps_markdown(groups)
    assert "提问 2 次" in text and f"用户:{DOG} ←" in text
    # Decided otherwise (here: noise), it leaves the editors' list.
    dismiss_item(exported, _item(exported, "帮我订张去北京的火车票"), "zhang.wei")
    assert [g.question for g in gap_groups(exported)] == [groups[0].question]


def test_a_follow_up_becomes_a_development_dialogue_case(exported: Inbox, tmp_path: Path) -> None:
    cases = tmp_path / "review.yml"
    item = mark_followup(exported, _item(exported, WHERE), "zhang.wei", cases)
    assert item.status == "followup"
    assert "review_" in item.note
    (dialogue,) = parse_dialogues(yaml.safe_load(cases.read_text(encoding="utf-8")))
    assert [t.user for t in dialogue.turns] == [
        "外地户口在沈阳怎么办居住证 我电话138****5678",
        WHERE,
    ]
    assert "fallback" in dialogue.turns[-1].reject and "menu" in dialogue.turns[-1].reject
    assert PHONE not in cases.read_text(encoding="utf-8")
    # Marking it again writes no second case; the audit names the trainer.
    mark_followup(exported, item.id, "zhang.wei", cases)
    assert len(parse_dialogues(yaml.safe_load(cases.read_text(encoding="utf-8")))) == 1
    assert exported.audit_log()[0]["action"] == "followup"
    assert exported.audit_log()[0]["actor"] == "zhang.wei"


def test_a_first_message_cannot_be_a_follow_up(exported: Inbox, tmp_path: Path) -> None:
    with pytest.raises(LabelError, match="之前没有用户的消息"):
        mark_followup(exported, _item(exported, DOG), "zhang.wei", tmp_path / "review.yml")
    assert not (tmp_path / "review.yml").exists()


def test_a_trainer_marks_a_knowledge_gap(exported: Inbox) -> None:
    item = mark_knowledge_gap(exported, _item(exported, WHERE), "li.na", "没有办理地点的条目")
    assert item.status == "knowledge_gap"
    assert WHERE in {i.text for g in gap_groups(exported) for i in g.items}
    assert exported.audit_log()[0]["actor"] == "li.na"


def test_the_command_line_marks_a_follow_up_and_writes_the_gap_list(
    exported: Inbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    from bot.review.__main__ import main
    from bot.settings import get_settings

    cases = tmp_path / "cases.yml"
    monkeypatch.setenv("VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("REVIEW_DIALOGUE_FILE", str(cases))
    get_settings.cache_clear()
    try:
        assert main(["label", str(_item(exported, WHERE)), "--followup"]) == 0
        assert "追问" in capsys.readouterr().out
        assert main(["label", str(_item(exported, DOG)), "--followup"]) == 2
        assert "之前没有用户的消息" in capsys.readouterr().err
        out = tmp_path / "gaps.md"
        assert main(["gaps", "--out", str(out)]) == 0
        assert f"[{_item(exported, DOG)}] {DOG}" in out.read_text(encoding="utf-8")
    finally:
        get_settings.cache_clear()
    assert len(parse_dialogues(yaml.safe_load(cases.read_text(encoding="utf-8")))) == 1
