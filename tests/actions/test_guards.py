"""A lookup or cancellation form starts only when the words are about one."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.guards import ActionCheckTransaction
from tests.actions.helpers import tracker


async def check(text: str, intent: str) -> tuple:
    dispatcher = CollectingDispatcher()
    events = await ActionCheckTransaction().run(dispatcher, tracker(text, intent), {})
    return dispatcher.messages, events


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("取消我明天的预约", "appointment_cancel"),
        ("工单2026110300017办到哪了", "case_status"),
        ("我约的是几点", "appointment_query"),
        ('/appointment_cancel{"appointment_id": "AP7K3M9Q2X"}', "appointment_cancel"),
    ],
)
async def test_a_real_transaction_starts_its_form(text: str, intent: str) -> None:
    messages, events = await check(text, intent)
    assert messages == [] and events == []


async def test_a_consumer_question_taken_for_a_cancellation_is_answered() -> None:
    messages, events = await check("网上买的衣服不想要了能退吗", "appointment_cancel")
    assert "七日" in messages[0]["text"] or "7日" in messages[0]["text"]
    assert events[-1] == {"event": "followup", "name": "action_listen", "timestamp": None}


async def test_a_complaint_question_taken_for_a_case_lookup_is_answered() -> None:
    messages, _ = await check("投诉了一般多久有反馈,会不会不了了之", "case_status")
    assert messages and "请发一下要查询的编号" not in messages[0]["text"]
