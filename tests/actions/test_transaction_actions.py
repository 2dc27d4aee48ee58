"""Transaction actions against a mocked service API (respx): failures the live API rarely shows."""

from __future__ import annotations

from typing import Any, AsyncIterator, Dict, List

import httpx
import pytest
import respx
from rasa_sdk.executor import CollectingDispatcher

from actions import service_client
from actions.appointments import (
    ActionSubmitAppointment,
    ValidateAppointmentForm,
    booking_key,
    booking_payload,
)
from actions.cases import ActionCaseStatus
from actions.checkups import topics_from
from bot.settings import get_settings
from core.validation import check_id_number, check_person_name, check_phone, check_uscc
from tests.actions.helpers import tracker

API = get_settings().service_api_url
BOOKING = {
    "service_item": "驾驶证补换领",
    "city": "沈阳",
    "hall_id": "shenyang-01",
    "appointment_time": "2030-01-07T09:00:00+08:00",
    "person_name": "王小明",
    "phone": "13700000001",
    "id_number": "11010519491231002X",
    "booking_confirmed": True,
    "booking_key": "key-1",
}
BOOKED = {
    "appointment_id": "AP7K3M9Q2X",
    "status": "booked",
    "hall": {"hall_id": "shenyang-01", "name": "演示沈阳市政务服务中心", "city": "沈阳"},
    "service": "驾驶证补换领",
    "start": "2030-01-07T09:00:00+08:00",
    "end": "2030-01-07T09:30:00+08:00",
}


@pytest.fixture(autouse=True)
async def fresh_client() -> AsyncIterator[None]:
    """One client per process in production; one per test here, each test has its own loop."""
    service_client._client = None
    yield
    if service_client._client is not None:
        await service_client._client.aclose()
    service_client._client = None


def slots_set(events: List[Dict[str, Any]]) -> Dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


async def submit() -> tuple:
    dispatcher = CollectingDispatcher()
    events = await ActionSubmitAppointment().run(
        dispatcher, tracker("确认", "affirm", slots=BOOKING), {}
    )
    return dispatcher.messages, events


@respx.mock
async def test_api_down_is_told_honestly_and_the_key_is_kept() -> None:
    respx.post(f"{API}/v1/appointments").mock(side_effect=httpx.ConnectError("refused"))
    messages, events = await submit()
    assert "12345" in messages[0]["text"]
    assert "booking_key" not in slots_set(events)
    assert slots_set(events)["booking_confirmed"] is None


@respx.mock
async def test_api_slower_than_the_timeout_is_an_honest_failure() -> None:
    route = respx.post(f"{API}/v1/appointments").mock(side_effect=httpx.ReadTimeout("slow"))
    messages, _ = await submit()
    assert "没有响应" in messages[0]["text"]
    assert route.call_count == 1 + get_settings().http_retries


@respx.mock
async def test_a_retry_carries_the_same_idempotency_key() -> None:
    route = respx.post(f"{API}/v1/appointments").mock(
        side_effect=[httpx.Response(503), httpx.Response(201, json=BOOKED)]
    )
    messages, events = await submit()
    keys = {call.request.headers["Idempotency-Key"] for call in route.calls}
    assert keys == {booking_key(booking_payload(BOOKING))} and route.call_count == 2
    assert "AP7K3M9Q2X" in messages[0]["text"]
    assert slots_set(events)["id_number"] is None, "the ID number is not kept after booking"


@respx.mock
async def test_a_full_slot_asks_for_another_time() -> None:
    respx.post(f"{API}/v1/appointments").mock(
        return_value=httpx.Response(
            409, json={"error": "slot_full", "message": "该时段已约满，请选择其他时段"}
        )
    )
    messages, events = await submit()
    assert "已约满" in messages[0]["text"]
    assert slots_set(events)["appointment_time"] is None
    assert any(e.get("event") == "followup" for e in events)


@respx.mock
async def test_slots_lookup_timing_out_does_not_crash_the_form() -> None:
    respx.get(f"{API}/v1/halls").mock(side_effect=httpx.ReadTimeout("slow"))
    dispatcher = CollectingDispatcher()
    t = tracker("帮我约沈阳的", "appointment_book", slots={"service_item": "驾驶证补换领"})
    t.events.append({"event": "slot", "name": "city", "value": "沈阳"})
    events = await ValidateAppointmentForm().get_validation_events(dispatcher, t, {})
    assert "12345" in dispatcher.messages[0]["text"]
    assert slots_set(events)["city"] is None


@respx.mock
async def test_unknown_case_number_is_explained() -> None:
    respx.get(url__startswith=f"{API}/v1/cases/").mock(
        return_value=httpx.Response(404, json={"error": "case_not_found", "message": "未找到"})
    )
    dispatcher = CollectingDispatcher()
    t = tracker("2026110399999", "case_status", slots={"case_number": "2026110399999"})
    await ActionCaseStatus().run(dispatcher, t, {})
    assert "没有查到编号2026110399999" in dispatcher.messages[0]["text"]


@pytest.mark.parametrize(
    ("check", "value", "ok", "words"),
    [
        (check_phone, "137-0000-0001", True, ""),
        (check_phone, "+86 13700000001", True, ""),
        (check_phone, "1370000000", False, "11位"),
        (check_phone, "abc", False, "数字"),
        (check_id_number, "11010519491231002x", True, ""),
        (check_id_number, "110105194912310021", False, "校验位"),
        (check_id_number, "110105194913310021", False, "出生日期"),
        (check_id_number, "1101051949", False, "18位"),
        (check_uscc, "91210100MA0000001G", True, ""),
        (check_uscc, "91210100MA0000001A", False, "校验位"),
        (check_uscc, "9121", False, "18位"),
        (check_person_name, "我叫李华", True, ""),
        (check_person_name, "13700000001", False, "姓名"),
    ],
)
def test_value_checks(check: Any, value: str, ok: bool, words: str) -> None:
    checked = check(value)
    assert checked.ok is ok
    assert words in checked.problem


def test_topics_from_free_text() -> None:
    assert topics_from("主要是合同和员工工资的事") == ["合同管理", "劳动用工"]
    assert len(topics_from("全面体检")) == 9
    assert topics_from("说不好") == ["其他"]
