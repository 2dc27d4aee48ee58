"""Booking, idempotent retries, validation in Chinese, full slots, cancelling and lookups."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from bot.service_api.db import Database
from bot.service_api.models import Appointment, Slot

from .helpers import PERSON_A, PERSON_B, START, book, booking

pytestmark = pytest.mark.usefixtures("halls")

OWNER = {"phone": PERSON_A["phone"]}


def _stored(db: Database) -> tuple[int, int]:
    """(appointments in the database, places taken across all slots)."""
    with db.session() as session:
        appointments = session.scalar(select(func.count()).select_from(Appointment))
        taken = session.scalar(select(func.coalesce(func.sum(Slot.booked), 0)))
    return int(appointments or 0), int(taken or 0)


def test_booking_happy_path(client: TestClient, db: Database) -> None:
    response = book(client)
    assert response.status_code == 201
    body = response.json()
    assert re.fullmatch(r"AP[0-9A-HJ-NP-Z]{8}", body["appointment_id"])
    assert body["status"] == "booked"
    assert body["hall"] == {"hall_id": "test-full", "name": "演示测试大厅test-full", "city": "沈阳"}
    assert (body["service"], body["start"], body["end"]) == (
        "驾驶证补换领",
        START,
        "2026-10-12T10:00:00+08:00",
    )
    assert body["phone_masked"] == "137****0001"
    assert body["id_number_masked"] == "1101**********002X"
    assert PERSON_A["phone"] not in response.text and PERSON_A["id_number"] not in response.text
    assert _stored(db) == (1, 1)
    shown = client.get(f"/v1/appointments/{body['appointment_id']}", params=OWNER)
    assert shown.json() == body


def test_retry_with_the_same_key_returns_the_same_booking(client: TestClient, db: Database) -> None:
    first = book(client, key="retry-1")
    again = book(client, key="retry-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert _stored(db) == (1, 1)


def test_equivalent_spellings_of_the_same_request_count_as_a_retry(
    client: TestClient, db: Database
) -> None:
    book(client, key="retry-2")
    same = book(
        client,
        key="retry-2",
        phone="137-0000-0001",
        id_number="11010519491231002x",
        start="2026-10-12T01:00:00Z",
    )
    assert same.status_code == 200
    assert _stored(db) == (1, 1)


def test_same_key_with_a_different_body_is_rejected(client: TestClient, db: Database) -> None:
    book(client, key="reused")
    response = book(client, key="reused", start="2026-10-12T10:00:00+08:00")
    assert response.status_code == 422
    assert response.json()["error"] == "idempotency_key_reused"
    assert _stored(db) == (1, 1)


@pytest.mark.parametrize(
    "headers", [{}, {"Idempotency-Key": "k" * 256}], ids=["missing", "too-long"]
)
def test_idempotency_key_is_required(
    client: TestClient, db: Database, headers: dict[str, str]
) -> None:
    response = client.post("/v1/appointments", json=booking(), headers=headers)
    assert response.status_code == 400
    assert response.json()["error"].startswith("idempotency_key_")
    assert "Idempotency-Key" in response.json()["message"]
    assert _stored(db) == (0, 0)


@pytest.mark.parametrize(
    ("overrides", "error", "words"),
    [
        ({"start": "2026-09-18T09:00:00+08:00"}, "start_in_past", "已过"),
        ({"start": "2026-10-01T09:00:00+08:00"}, "hall_closed", "国庆节"),
        ({"start": "2026-10-18T09:00:00+08:00"}, "hall_closed", "周日"),
        ({"start": "2026-10-12T09:30:00+08:00"}, "not_a_slot", "10:00"),
        ({"start": "2026-12-01T09:00:00+08:00"}, "beyond_booking_window", "30天"),
        ({"start": "明天上午"}, "invalid_datetime", "ISO 8601"),
        ({"start": 1791680400}, "invalid_datetime", "ISO 8601"),
        ({"start": "9999-12-31T23:59:59-12:00"}, "invalid_datetime", "ISO 8601"),
        ({"phone": "12345678901"}, "invalid_phone", "手机号"),
        ({"phone": "1370000000"}, "invalid_phone", "11位"),
        ({"id_number": "110105194912310021"}, "invalid_id_number", "校验位"),
        ({"id_number": "11010519491231002"}, "invalid_id_number", "18位"),
        ({"id_number": "1101051949123100AX"}, "invalid_id_number", "前17位"),
        ({"id_number": "110105194913310021"}, "invalid_id_number", "出生日期"),
        ({"name": "  "}, "missing_field", "姓名"),
        ({"name": "演示\u0000"}, "invalid_text", "控制字符"),
        ({"service": "办护照"}, "unknown_service", "可预约事项"),
        ({"service": "居住证签注"}, "service_not_offered", "不提供"),
        ({"hall_id": "no-such-hall"}, "hall_not_found", "大厅不存在"),
        ({"phone": None}, "missing_field", "手机号"),
    ],
)
def test_invalid_bookings_get_a_chinese_reason_and_book_nothing(
    client: TestClient, db: Database, overrides: dict[str, Any], error: str, words: str
) -> None:
    body = {k: v for k, v in booking(**overrides).items() if v is not None}
    response = client.post("/v1/appointments", json=body, headers={"Idempotency-Key": "k-" + error})
    assert response.status_code == 422, response.text
    assert response.json()["error"] == error
    assert words in response.json()["message"]
    assert _stored(db) == (0, 0)


def test_body_that_is_not_a_json_object(client: TestClient) -> None:
    headers = {"Idempotency-Key": "k", "Content-Type": "application/json"}
    response = client.post("/v1/appointments", content=b"{not json", headers=headers)
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_json"


def test_full_slot_is_409(client: TestClient, db: Database) -> None:
    assert book(client, service="居住证办理").status_code == 201  # capacity 1
    response = book(client, service="居住证办理", **PERSON_B)
    assert response.status_code == 409
    assert response.json() == {"error": "slot_full", "message": "该时段已约满，请选择其他时段"}
    assert _stored(db) == (1, 1)


def test_cancel_twice_releases_the_place_once(client: TestClient, db: Database) -> None:
    appointment_id = book(client, service="居住证办理").json()["appointment_id"]
    first = client.post(f"/v1/appointments/{appointment_id}/cancel", json=OWNER)
    second = client.post(f"/v1/appointments/{appointment_id}/cancel", json=OWNER)
    assert first.status_code == second.status_code == 200
    assert first.json()["status"] == "cancelled"
    assert second.json() == first.json()
    assert _stored(db) == (1, 0)
    # The released place can be booked again, and only once.
    assert book(client, service="居住证办理", **PERSON_B).status_code == 201
    assert book(client, service="居住证办理").status_code == 409


def test_cancel_unknown_or_malformed(client: TestClient) -> None:
    assert client.post("/v1/appointments/AP00000000/cancel", json=OWNER).status_code == 404
    response = client.post("/v1/appointments/12345/cancel", json=OWNER)
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_appointment_id"


def test_get_unknown_or_malformed_appointment(client: TestClient) -> None:
    response = client.get("/v1/appointments/AP00000000", params=OWNER)
    assert response.status_code == 404 and response.json()["error"] == "appointment_not_found"
    assert client.get("/v1/appointments/ap-lower", params=OWNER).status_code == 422


def test_lookup_needs_both_phone_and_id_number(client: TestClient) -> None:
    mine = {
        book(client).json()["appointment_id"],
        book(client, start="2026-10-13T09:00:00+08:00").json()["appointment_id"],
    }
    book(client, **PERSON_B)
    found = client.get(
        "/v1/appointments", params={"phone": PERSON_A["phone"], "id_number": PERSON_A["id_number"]}
    )
    assert found.status_code == 200
    listed = found.json()["appointments"]
    assert {a["appointment_id"] for a in listed} == mine
    assert [a["start"] for a in listed] == ["2026-10-13T09:00:00+08:00", START]  # newest first
    wrong_id = client.get(
        "/v1/appointments", params={"phone": PERSON_A["phone"], "id_number": PERSON_B["id_number"]}
    )
    assert wrong_id.json() == {"appointments": []}
    missing = client.get("/v1/appointments", params={"phone": PERSON_A["phone"]})
    assert missing.status_code == 422 and missing.json()["error"] == "missing_field"
    invalid = client.get(
        "/v1/appointments", params={"phone": "123", "id_number": PERSON_A["id_number"]}
    )
    assert invalid.status_code == 422 and invalid.json()["error"] == "invalid_phone"


def test_logs_never_contain_unmasked_phone_or_id(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    appointment_id = book(client).json()["appointment_id"]
    book(client, phone="12345")
    client.get(
        "/v1/appointments", params={"phone": PERSON_A["phone"], "id_number": PERSON_A["id_number"]}
    )
    client.post(f"/v1/appointments/{appointment_id}/cancel", json=OWNER)
    # The service's own loggers; the test client (httpx) logs the URLs it requests.
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("bot."))
    assert appointment_id in logged and "137****0001" in logged
    assert PERSON_A["phone"] not in logged
    assert PERSON_A["id_number"] not in logged
