"""The knowledge answer action: what the user reads for a question."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge import ActionAnswerKnowledge, ActionReplyInContext, wants_checkup_form
from knowledge.answer import LEGAL_DISCLAIMER
from knowledge.followup import Topic
from tests.actions.helpers import tracker


async def answer(t) -> tuple:
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerKnowledge().run(dispatcher, t, {})
    return dispatcher.messages, events


def slot(events: list, name: str) -> object:
    """The value the action leaves in a slot (the last it sets)."""
    return [e["value"] for e in events if e.get("name") == name][-1]


async def test_residence_permit_question_gets_a_sourced_answer() -> None:
    messages, events = await answer(tracker("外地户口在沈阳怎么办居住证", "residence_permit"))
    (message,) = messages
    assert "居住证" in message["text"]
    assert "依据:" in message["text"]
    assert slot(events, "kb_entry").startswith("residence_permit.")
    assert slot(events, "kb_topic")["service"] == "居住证办理"
    titles = [b["title"] for b in message["buttons"]]
    assert set(titles) & {"所需材料", "办理流程", "办理地点", "法律依据"}


async def test_legal_answer_carries_the_disclaimer() -> None:
    messages, _ = await answer(tracker("员工不签劳动合同公司要付双倍工资吗", "legal_question"))
    assert LEGAL_DISCLAIMER in messages[0]["text"]
    assert "劳动合同法" in messages[0]["text"]


async def test_section_asked_for_is_answered_directly() -> None:
    messages, events = await answer(tracker("居住证需要什么条件", "residence_permit"))
    assert "办理条件" in messages[0]["text"]
    assert slot(events, "kb_entry") == "residence_permit.eligibility"


async def test_section_button_shows_that_section() -> None:
    first, events = await answer(tracker("外地户口在沈阳怎么办居住证", "residence_permit"))
    entry_id = slot(events, "kb_entry")
    button = first[0]["buttons"][0]
    section = button["payload"].split('"kb_section": "')[1].split('"')[0]
    entities = [
        {"entity": "kb_entry", "value": entry_id},
        {"entity": "kb_section", "value": section},
    ]
    messages, _ = await answer(tracker(button["payload"], "inform", entities))
    assert button["title"] in messages[0]["text"]
    assert messages[0]["text"] != first[0]["text"]


async def test_nothing_relevant_is_said_honestly() -> None:
    messages, events = await answer(tracker("火星移民签证怎么办", "out_of_scope"))
    assert "12345" in messages[0]["text"]
    assert not any(e.get("name") == "kb_entry" and e.get("value") for e in events)


async def test_fallback_choice_searches_the_original_words() -> None:
    earlier = [
        {
            "event": "user",
            "text": "二手房过户水电气能一起办吗",
            "parse_data": {"intent": {"name": "nlu_fallback", "confidence": 1.0}},
        }
    ]
    messages, _ = await answer(tracker("/yijianshi", "yijianshi", events=earlier))
    assert "水电气" in messages[0]["text"] or "二手房" in messages[0]["text"]


async def test_bare_value_without_a_task_asks_what_it_is_for() -> None:
    city = [{"entity": "city", "value": "沈阳"}]
    messages, events = await answer(tracker("沈阳", "inform", city))
    assert messages[0]["response"] == "utter_ask_topic"
    assert events == []


async def test_service_name_alone_is_answered() -> None:
    service = [{"entity": "service_item", "value": "居住证签注"}]
    messages, _ = await answer(tracker("签注", "inform", service))
    assert "签注" in messages[0]["text"]


RESIDENCE_TOPIC = {
    "kind": "entry",
    "entry": "residence_permit.overview",
    "service": "居住证办理",
    "city": "沈阳",
    "query": "外地户口在沈阳怎么办居住证",
    "articles": [],
    "case": None,
}


async def test_a_follow_up_nlu_could_not_place_is_answered_within_the_topic() -> None:
    t = tracker("多久能拿到", "nlu_fallback", slots={"kb_topic": RESIDENCE_TOPIC})
    messages, events = await answer(t)
    assert "5至20分钟" in messages[0]["text"]
    assert slot(events, "kb_entry") == "residence_permit.overview"


async def test_an_unplaceable_message_goes_to_the_two_stage_fallback() -> None:
    messages, events = await answer(tracker("那个东西弄完了没有呢", "nlu_fallback"))
    assert messages == []
    assert events == [{"event": "followup", "name": "action_two_stage_fallback", "timestamp": None}]


async def test_a_follow_up_mistaken_for_a_goodbye_is_answered() -> None:
    dispatcher = CollectingDispatcher()
    t = tracker("那要钱吗", "goodbye", slots={"kb_topic": RESIDENCE_TOPIC})
    await ActionReplyInContext().run(dispatcher, t, {})
    assert "工本费" in dispatcher.messages[0]["text"]


async def test_thanks_alone_gets_the_stock_reply_and_keeps_the_topic() -> None:
    dispatcher = CollectingDispatcher()
    t = tracker("好的谢谢", "thank", slots={"kb_topic": RESIDENCE_TOPIC})
    events = await ActionReplyInContext().run(dispatcher, t, {})
    assert dispatcher.messages[0]["response"] == "utter_you_are_welcome"
    assert events == []


async def test_a_greeting_clears_the_topic() -> None:
    dispatcher = CollectingDispatcher()
    t = tracker("你好", "greet", slots={"kb_topic": RESIDENCE_TOPIC})
    events = await ActionReplyInContext().run(dispatcher, t, {})
    assert dispatcher.messages[0]["response"] == "utter_greet"
    assert {"kb_topic", "kb_entry"} == {e["name"] for e in events if e["value"] is None}


async def test_a_place_taken_for_a_greeting_follows_the_topic() -> None:
    dispatcher = CollectingDispatcher()
    t = tracker("在大连呢", "greet", slots={"kb_topic": RESIDENCE_TOPIC})
    events = await ActionReplyInContext().run(dispatcher, t, {})
    assert "utter_greet" not in [m.get("response") for m in dispatcher.messages]
    assert "居住证" in dispatcher.messages[0]["text"]
    assert slot(events, "kb_topic")["city"] == "大连"


async def test_thanks_and_goodbye_nlu_could_not_place_get_a_goodbye() -> None:
    messages, events = await answer(tracker("谢谢拜拜", "nlu_fallback"))
    assert messages[0]["response"] == "utter_goodbye"
    assert not any(e.get("event") == "followup" for e in events)


async def test_a_question_taken_for_a_yes_is_answered_within_the_topic() -> None:
    dispatcher = CollectingDispatcher()
    t = tracker("嘎哈非得办这个证,有啥用啊", "affirm", slots={"kb_topic": RESIDENCE_TOPIC})
    await ActionReplyInContext().run(dispatcher, t, {})
    assert "utter_ok" not in [m.get("response") for m in dispatcher.messages]
    assert "居住证" in dispatcher.messages[0]["text"]


async def test_a_new_question_after_changing_the_subject_is_answered() -> None:
    t = tracker(
        "换个问题,公司被列入经营异常名录了咋办",
        "credit_repair",
        slots={"kb_topic": RESIDENCE_TOPIC},
    )
    messages, events = await answer(t)
    assert "异常名录" in messages[0]["text"]
    assert slot(events, "kb_entry").startswith("credit_repair.")


REPHRASE_ASKED = [
    {
        "event": "bot",
        "text": "抱歉,我没太明白。能换个说法再说一遍吗?",
        "metadata": {"utter_action": "utter_ask_rephrase"},
    }
]


async def test_a_vague_yes_after_the_rephrase_request_points_to_12345() -> None:
    dispatcher = CollectingDispatcher()
    t = tracker("就是那个呗你懂的", "affirm", events=REPHRASE_ASKED)
    await ActionReplyInContext().run(dispatcher, t, {})
    assert [m["response"] for m in dispatcher.messages] == ["utter_default"]


async def test_a_plain_okay_after_the_rephrase_request_is_still_an_okay() -> None:
    dispatcher = CollectingDispatcher()
    await ActionReplyInContext().run(
        dispatcher, tracker("好的", "affirm", events=REPHRASE_ASKED), {}
    )
    assert [m["response"] for m in dispatcher.messages] == ["utter_ok"]


async def test_a_yes_after_an_answer_gets_the_okay() -> None:
    dispatcher = CollectingDispatcher()
    answered = [{"event": "bot", "text": "居住证……", "metadata": {}}]
    await ActionReplyInContext().run(
        dispatcher, tracker("就是那个呗你懂的", "affirm", events=answered), {}
    )
    assert [m["response"] for m in dispatcher.messages] == ["utter_ok"]


async def test_nothing_else_taken_for_a_no_closes_the_conversation() -> None:
    dispatcher = CollectingDispatcher()
    await ActionReplyInContext().run(dispatcher, tracker("没别的了", "deny"), {})
    assert [m["response"] for m in dispatcher.messages] == ["utter_goodbye"]


async def test_a_plain_no_thanks_is_still_acknowledged_as_a_no() -> None:
    dispatcher = CollectingDispatcher()
    await ActionReplyInContext().run(dispatcher, tracker("不用了", "deny"), {})
    assert [m["response"] for m in dispatcher.messages] == ["utter_deny_ack"]


@pytest.mark.parametrize(
    "text", ["帮我申请", "那我们想申请一个", "咱们也打算报名", "我们要申请", "那就申请吧"]
)
def test_wanting_to_apply_right_after_the_checkup_guide_starts_the_form(text: str) -> None:
    guide = Topic("entry", "legal_checkup.free_checkup", None, None, "企业怎么申请法治体检")
    assert wants_checkup_form("nlu_fallback", text, guide, None)


def test_asking_how_to_apply_after_the_guide_is_no_application() -> None:
    guide = Topic("entry", "legal_checkup.free_checkup", None, None, "企业怎么申请法治体检")
    assert not wants_checkup_form("legal_checkup", "怎么申请", guide, None)
    assert not wants_checkup_form("legal_checkup", "申请要什么条件", guide, None)
