"""The knowledge answer action: what the user reads for a question."""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge import ActionAnswerKnowledge
from knowledge.answer import LEGAL_DISCLAIMER
from tests.actions.helpers import tracker


async def answer(t) -> tuple:
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerKnowledge().run(dispatcher, t, {})
    return dispatcher.messages, events


async def test_residence_permit_question_gets_a_sourced_answer() -> None:
    messages, events = await answer(tracker("外地户口在沈阳怎么办居住证", "residence_permit"))
    (message,) = messages
    assert "居住证" in message["text"]
    assert "依据:" in message["text"]
    assert events and events[0]["name"] == "kb_entry"
    assert events[0]["value"].startswith("residence_permit.")
    titles = [b["title"] for b in message["buttons"]]
    assert set(titles) & {"所需材料", "办理流程", "办理地点", "法律依据"}


async def test_legal_answer_carries_the_disclaimer() -> None:
    messages, _ = await answer(tracker("员工不签劳动合同公司要付双倍工资吗", "legal_question"))
    assert LEGAL_DISCLAIMER in messages[0]["text"]
    assert "劳动合同法" in messages[0]["text"]


async def test_section_asked_for_is_answered_directly() -> None:
    messages, events = await answer(tracker("居住证需要什么条件", "residence_permit"))
    assert "办理条件" in messages[0]["text"]
    assert events[0]["value"] == "residence_permit.eligibility"


async def test_section_button_shows_that_section() -> None:
    first, events = await answer(tracker("外地户口在沈阳怎么办居住证", "residence_permit"))
    entry_id = events[0]["value"]
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
    assert events == [] or events[0]["name"] == "kb_entry"


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
