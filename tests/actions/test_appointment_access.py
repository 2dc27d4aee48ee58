"""The dialogue shows or cancels an appointment only for its booker, asking anyone else for the
phone number, and never books twice when a confirmed booking is retried on another replica."""

from __future__ import annotations

import json
from typing import Any, AsyncIterator, Dict, List

import httpx
import pytest
import respx
from rasa_sdk.executor import CollectingDispatcher

from actions import service_client
from actions.appointment_lookup import (
    ActionCancelAppointment,
    ActionQueryAppointment,
    ValidateAppointmentCancelForm,
    ValidateAppointmentQueryForm,
)
from actions.appointments import ActionSubmitAppointment
from bot.settings import get_settings
from tests.actions.helpers import tracker

API = get_settings().service_api_url
APPOINTMENT_ID = "AP7K3M9Q2X"
BOOKED = {
    "appointment_id": APPOINTMENT_ID,
    "status": "booked",
    "hall": {"hall_id": "shenyang-01", "name": "演示沈阳市政务服务中心", "city": "沈阳"},
    "service": "驾驶证补换领",
    "start": "2030-01-07T09:00:00+08:00",
    "end": "2030-01-07T09:30:00+08:00",
}
NOT_FOUND = {"error": "appointment_not_found", "message": "没有找到与所填信息相符的预约"}
BOOKING = {
    "service_item": "驾驶证补换领",
    "city": "沈阳",
    "hall_id": "shenyang-01",
    "appointment_time": "2030-01-07T09:00:00+08:00",
    "person_name": "王小明",
    "phone": "13700000001",
    "id_number": "11010519491231002X",
    "booking_confirmed": True,
}


@pytest.fixture(autouse=True)
async def fresh_client() -> AsyncIterator[None]:
    service_client._client = None
    yield
    if service_client._client is not None:
        await service_client._client.aclose()
    service_client._client = None


def _visible_only_to(booker: str) -> respx.Route:
    """The API's rule: the booker's channel identity or the right phone opens the appointment."""

    def answer(request: httpx.Request) -> httpx.Response:
        params = request.url.params
        if params.get("channel_user") == booker or params.get("phone") == BOOKING["phone"]:
            return httpx.Response(200, json=BOOKED)
        return httpx.Response(404, json=NOT_FOUND)

    return respx.get(f"{API}/v1/appointments/{APPOINTMENT_ID}").mock(side_effect=answer)


def _texts(dispatcher: CollectingDispatcher) -> str:
    return "\n".join(m.get("text") or "" for m in dispatcher.messages)


@respx.mock
async def test_the_booker_sees_the_appointment_by_its_number_alone() -> None:
    route = _visible_only_to("wechat:booker")
    t = tracker(
        "查一下",
        "appointment_query",
        slots={"appointment_id": APPOINTMENT_ID},
        sender_id="wechat:booker",
    )
    form = ValidateAppointmentQueryForm()
    assert await form.required_slots([], CollectingDispatcher(), t, {}) == []
    dispatcher = CollectingDispatcher()
    await ActionQueryAppointment().run(dispatcher, t, {})
    assert APPOINTMENT_ID in _texts(dispatcher)
    assert route.calls.last.request.url.params["channel_user"] == "wechat:booker"


@respx.mock
async def test_someone_else_with_the_number_is_asked_for_the_phone() -> None:
    _visible_only_to("wechat:booker")
    t = tracker(
        "查一下AP7K3M9Q2X",
        "appointment_query",
        slots={"appointment_id": APPOINTMENT_ID},
        sender_id="wechat:stranger",
    )
    dispatcher = CollectingDispatcher()
    required = await ValidateAppointmentQueryForm().required_slots([], dispatcher, t, {})
    assert required == ["phone"]
    assert "手机号" in _texts(dispatcher) and "驾驶证" not in _texts(dispatcher)

    with_phone = tracker(
        "13700000001",
        "inform",
        slots={"appointment_id": APPOINTMENT_ID, "phone": BOOKING["phone"]},
        sender_id="wechat:stranger",
    )
    shown = CollectingDispatcher()
    await ActionQueryAppointment().run(shown, with_phone, {})
    assert APPOINTMENT_ID in _texts(shown)


@respx.mock
async def test_a_wrong_phone_shows_nothing_and_is_forgotten() -> None:
    _visible_only_to("wechat:booker")
    t = tracker(
        "13700000009",
        "inform",
        slots={"appointment_id": APPOINTMENT_ID, "phone": "13700000009"},
        sender_id="wechat:stranger",
    )
    dispatcher = CollectingDispatcher()
    events = await ActionQueryAppointment().run(dispatcher, t, {})
    assert "驾驶证" not in _texts(dispatcher) and "没有找到" in _texts(dispatcher)
    cleared = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert cleared["phone"] is None and cleared["appointment_id"] is None


@respx.mock
async def test_cancelling_someone_elses_appointment_needs_the_phone() -> None:
    _visible_only_to("wechat:booker")
    t = tracker(f"取消{APPOINTMENT_ID}", "appointment_cancel", sender_id="web:stranger")
    form = ValidateAppointmentCancelForm()
    dispatcher = CollectingDispatcher()
    slots = await form.validate_appointment_id(APPOINTMENT_ID, {}, dispatcher, t)
    assert slots["appointment_id"] == APPOINTMENT_ID
    assert "手机号" in _texts(dispatcher)
    t.slots["appointment_id"] = APPOINTMENT_ID
    required = await form.required_slots([], CollectingDispatcher(), t, {})
    assert required == ["appointment_id", "phone", "cancel_confirmed"]


@respx.mock
async def test_the_cancellation_carries_the_proof() -> None:
    route = respx.post(f"{API}/v1/appointments/{APPOINTMENT_ID}/cancel").mock(
        return_value=httpx.Response(200, json={**BOOKED, "status": "cancelled"})
    )
    t = tracker(
        "确认",
        "affirm",
        sender_id="web:stranger",
        slots={
            "appointment_id": APPOINTMENT_ID,
            "phone": BOOKING["phone"],
            "cancel_confirmed": True,
        },
    )
    dispatcher = CollectingDispatcher()
    await ActionCancelAppointment().run(dispatcher, t, {})
    assert "已取消" in _texts(dispatcher)
    sent = json.loads(route.calls.last.request.content)
    assert sent == {"phone": BOOKING["phone"], "channel_user": "web:stranger"}


async def _submit(slots: Dict[str, Any], sender: str) -> List[httpx.Request]:
    """Every booking request sent so far, this one last."""
    route = respx.post(f"{API}/v1/appointments").mock(return_value=httpx.Response(201, json=BOOKED))
    await ActionSubmitAppointment().run(
        CollectingDispatcher(), tracker("确认", "affirm", slots=slots, sender_id=sender), {}
    )
    return [call.request for call in route.calls]


@respx.mock
async def test_a_booking_retried_on_another_replica_carries_the_same_key() -> None:
    # The replica that confirmed the booking died before saving the conversation: the retry
    # has no key slot of its own, only the same confirmed content.
    first = await _submit({**BOOKING, "booking_key": None}, "wechat:booker")
    retried = await _submit({**BOOKING, "booking_key": None}, "wechat:booker")
    other_time = await _submit(
        {**BOOKING, "appointment_time": "2030-01-07T10:00:00+08:00"}, "wechat:booker"
    )
    keys = [sent[-1].headers["Idempotency-Key"] for sent in (first, retried, other_time)]
    assert keys[0] == keys[1] != keys[2]
    assert BOOKING["id_number"] not in keys[0] and BOOKING["phone"] not in keys[0]
    assert json.loads(first[0].content)["channel_user"] == "wechat:booker"


@respx.mock
async def test_a_second_booking_that_day_is_explained_with_a_partial_number() -> None:
    message = (
        "您在2030年1月7日已有“驾驶证补换领”的预约（预约号AP7K****2X），同一事项每人每天只能预约一次"
    )
    respx.post(f"{API}/v1/appointments").mock(
        return_value=httpx.Response(409, json={"error": "already_booked", "message": message})
    )
    dispatcher = CollectingDispatcher()
    events = await ActionSubmitAppointment().run(
        dispatcher, tracker("确认", "affirm", slots=BOOKING), {}
    )
    text = _texts(dispatcher)
    assert "AP7K****2X" in text and "已有" in text and "查询" in text
    assert not any(e.get("event") == "followup" for e in events)


@respx.mock
async def test_a_phone_that_does_not_match_stops_the_cancellation() -> None:
    _visible_only_to("wechat:booker")
    t = tracker("13700000009", "inform", sender_id="web:stranger")
    dispatcher = CollectingDispatcher()
    slots = await ValidateAppointmentCancelForm().validate_phone(
        "13700000009", {"appointment_id": APPOINTMENT_ID}, dispatcher, t
    )
    assert slots == {"phone": None, "appointment_id": None}
    assert "不一致" in _texts(dispatcher)
    matching = await ValidateAppointmentCancelForm().validate_phone(
        BOOKING["phone"], {"appointment_id": APPOINTMENT_ID}, CollectingDispatcher(), t
    )
    assert matching == {"phone": BOOKING["phone"]}
