"""A booking asked right after a service's answer takes that service; otherwise it asks."""

from __future__ import annotations

from typing import Any, AsyncIterator, Dict, List, Optional

import httpx
import pytest
import respx
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import service_client
from actions.appointments import ValidateAppointmentForm, topic_service
from bot.settings import get_settings
from knowledge.followup import Topic
from tests.actions.helpers import tracker

API = get_settings().service_api_url
RESIDENCE = Topic("entry", "residence_permit.overview", "居住证办理", None, "居住证怎么办")


@pytest.fixture(autouse=True)
async def fresh_client() -> AsyncIterator[None]:
    service_client._client = None
    yield
    if service_client._client is not None:
        await service_client._client.aclose()
    service_client._client = None


def answered(topic: Optional[Topic], question: str = "居住证怎么办") -> List[Dict[str, Any]]:
    """The events of a turn whose reply was a knowledge answer setting `topic`."""
    return [
        {"event": "user", "text": question, "parse_data": {"intent": {"name": "residence_permit"}}},
        {"event": "action", "name": "action_answer_knowledge"},
        {"event": "slot", "name": "kb_topic", "value": topic.to_slot() if topic else None},
        {"event": "bot", "text": "办理居住证……"},
        {"event": "action", "name": "action_listen"},
    ]


def booking_request(
    text: str = "帮我预约一下",
    earlier: Optional[List[Dict[str, Any]]] = None,
    entities: Optional[List[Dict[str, Any]]] = None,
) -> Tracker:
    events = answered(RESIDENCE) if earlier is None else earlier
    slots = {"kb_topic": RESIDENCE.to_slot()}
    return tracker(text, "appointment_book", entities=entities, slots=slots, events=events)


def test_the_service_just_answered_is_the_one_booked() -> None:
    assert topic_service(booking_request()) == "居住证办理"


def test_a_service_named_in_the_request_wins() -> None:
    named = [{"entity": "service_item", "value": "驾驶证补换领"}]
    assert topic_service(booking_request("帮我约驾照", entities=named)) is None


def test_a_topic_from_turns_ago_is_not_carried() -> None:
    later = [
        {"event": "user", "text": "谢谢", "parse_data": {"intent": {"name": "thank"}}},
        {"event": "bot", "text": "不客气"},
        {"event": "action", "name": "action_listen"},
    ]
    assert topic_service(booking_request(earlier=answered(RESIDENCE) + later)) is None


def test_an_answer_with_no_service_carries_nothing() -> None:
    legal = Topic("law", None, None, None, "加班费怎么算", ("劳动法#44",))
    request = tracker(
        "帮我预约一下",
        "appointment_book",
        slots={"kb_topic": legal.to_slot()},
        events=answered(legal, "加班费怎么算"),
    )
    assert topic_service(request) is None


def test_nothing_is_carried_once_the_form_runs() -> None:
    request = booking_request()
    request.active_loop = {"name": "appointment_form"}
    assert topic_service(request) is None


@respx.mock
async def test_the_carried_service_is_checked_and_told_to_the_user() -> None:
    respx.get(f"{API}/v1/halls").mock(return_value=httpx.Response(200, json={"halls": []}))
    dispatcher = CollectingDispatcher()
    request = booking_request()
    form = ValidateAppointmentForm()
    extracted = await form.extract_service_item(dispatcher, request, {})
    assert extracted == {"service_item": "居住证办理"}
    # What rasa-sdk does with an extraction before validating the turn's values.
    request.events.append({"event": "slot", "name": "service_item", "value": "居住证办理"})
    events = await form.get_validation_events(dispatcher, request, {})
    assert {"event": "slot", "name": "service_item", "value": "居住证办理"} in [
        {k: e.get(k) for k in ("event", "name", "value")} for e in events
    ]
    assert "居住证办理" in dispatcher.messages[-1]["text"]


@respx.mock
async def test_a_carried_service_that_cannot_be_booked_is_explained() -> None:
    respx.get(f"{API}/v1/halls").mock(
        return_value=httpx.Response(
            422, json={"error": "unknown_service", "message": "不支持预约的事项"}
        )
    )
    dispatcher = CollectingDispatcher()
    topic = Topic("entry", "legal_aid.conditions", "法律援助", None, "法律援助条件")
    request = tracker(
        "帮我预约一下",
        "appointment_book",
        slots={"kb_topic": topic.to_slot()},
        events=answered(topic, "法律援助条件"),
    )
    request.events.append({"event": "slot", "name": "service_item", "value": "法律援助"})
    events = await ValidateAppointmentForm().get_validation_events(dispatcher, request, {})
    assert {"event": "slot", "name": "service_item", "value": None} in [
        {k: e.get(k) for k in ("event", "name", "value")} for e in events
    ]
    assert "暂不支持在线预约" in dispatcher.messages[0]["text"]
