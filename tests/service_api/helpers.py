"""Shared test data: a valid booking and check-up request, and ways to vary them."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response
from stdnum.cn import ric

from bot.service_api.db import Database
from bot.service_api.models import Hall, HallService

API_KEY = "test-api-key"

# 11010519491231002X is the worked example of GB 11643; 210102199001011237 was built with
# stdnum.cn.ric.calc_check_digit. Neither is a real person's number as far as the tests care.
PERSON_A = {"name": "演示用户甲", "phone": "13700000001", "id_number": "11010519491231002X"}
PERSON_B = {"name": "演示用户乙", "phone": "13700000002", "id_number": "210102199001011237"}

# 2026-10-12 is an ordinary Monday after the 国庆 holiday.
START = "2026-10-12T09:00:00+08:00"

# Built with stdnum.cn.uscc.calc_check_digit on a made-up base.
VALID_USCC = "91210100MA0000001G"


def person(n: int) -> dict[str, str]:
    """The n-th of many made-up people, each with a valid ID number of their own."""
    base = f"21010219900101{n:03d}"
    return {
        "name": f"演示用户{n}",
        "phone": f"1370000{n:04d}",
        "id_number": base + ric.calc_check_digit(base + "0"),
    }


def booking(**overrides: Any) -> dict[str, Any]:
    """A valid booking body at the test hall, with `overrides` applied."""
    body: dict[str, Any] = {
        "hall_id": "test-full",
        "service": "驾驶证补换领",
        "start": START,
        **PERSON_A,
    }
    body.update(overrides)
    return body


def book(client: TestClient, key: str | None = None, **overrides: Any) -> Response:
    """POST a booking with its own Idempotency-Key unless one is given."""
    headers = {"Idempotency-Key": key or str(uuid.uuid4())}
    return client.post("/v1/appointments", json=booking(**overrides), headers=headers)


def checkup(**overrides: Any) -> dict[str, Any]:
    """A valid legal check-up body, with `overrides` applied."""
    body: dict[str, Any] = {
        "enterprise_name": "演示科技有限公司",
        "uscc": VALID_USCC,
        "contact_name": "演示联系人",
        "contact_phone": "13700000003",
        "city": "沈阳",
        "topics": ["合同管理", "劳动用工"],
    }
    body.update(overrides)
    return body


def seed_test_halls(db: Database) -> None:
    """Two test halls in 沈阳: one with weekend and 延时 slots, one with neither.

    60-minute slots; 驾驶证补换领 takes 3 citizens per slot, 居住证办理 takes 1.
    """
    with db.session(write=True) as session:
        for hall_id, extras in (("test-full", True), ("test-plain", False)):
            session.add(
                Hall(
                    id=hall_id,
                    city="沈阳",
                    name=f"演示测试大厅{hall_id}",
                    slot_minutes=60,
                    weekend_service=extras,
                    extended_hours=extras,
                    services=[
                        HallService(service="驾驶证补换领", capacity=3),
                        HallService(service="居住证办理", capacity=1),
                    ],
                )
            )
