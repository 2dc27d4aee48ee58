"""Slots follow the official calendar: holidays closed, 调休 days open, weekends where offered."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from .helpers import book


def _day(
    client: TestClient, hall_id: str, day: str, service: str = "驾驶证补换领"
) -> dict[str, Any]:
    response = client.get(f"/v1/halls/{hall_id}/slots", params={"service": service, "date": day})
    assert response.status_code == 200, response.text
    days = response.json()["days"]
    assert len(days) == 1
    result: dict[str, Any] = days[0]
    return result


def _times(day: dict[str, Any]) -> list[str]:
    return [slot["start"][11:16] for slot in day["slots"]]


@pytest.mark.usefixtures("halls")
def test_statutory_holiday_is_closed_with_the_reason(client: TestClient) -> None:
    day = _day(client, "test-full", "2026-10-01")
    assert day["open"] is False and day["slots"] == []
    assert day["kind"] == "holiday"
    assert "国庆节" in day["closed_reason"]


@pytest.mark.usefixtures("halls")
@pytest.mark.parametrize("adjusted", ["2026-09-20", "2026-10-10"], ids=["sunday", "saturday"])
def test_adjusted_working_day_opens_like_a_weekday(client: TestClient, adjusted: str) -> None:
    day = _day(client, "test-plain", adjusted)
    assert day["open"] is True and day["kind"] == "adjusted_workday"
    assert _times(day) == ["09:00", "10:00", "13:30", "14:30", "15:30"]


@pytest.mark.usefixtures("halls")
def test_ordinary_saturday_only_where_the_hall_offers_weekend_slots(client: TestClient) -> None:
    with_weekend = _day(client, "test-full", "2026-10-17")
    assert with_weekend["kind"] == "weekend"
    assert _times(with_weekend) == ["09:00", "10:00", "11:00"]
    assert {s["kind"] for s in with_weekend["slots"]} == {"weekend"}
    without = _day(client, "test-plain", "2026-10-17")
    assert without["open"] is False and "周末" in without["closed_reason"]
    sunday = _day(client, "test-full", "2026-10-18")
    assert sunday["open"] is False and "周日" in sunday["closed_reason"]


@pytest.mark.usefixtures("halls")
def test_extended_hours_only_where_offered(client: TestClient) -> None:
    full = _day(client, "test-full", "2026-10-12")
    assert _times(full)[-2:] == ["17:00", "18:00"]
    assert [s["kind"] for s in full["slots"]][-2:] == ["extended", "extended"]
    assert "17:00" not in _times(_day(client, "test-plain", "2026-10-12"))


@pytest.mark.usefixtures("halls")
def test_times_are_beijing_time_and_today_hides_started_slots(client: TestClient) -> None:
    today = _day(client, "test-plain", "2026-09-18")  # the frozen clock says 10:00
    assert _times(today) == ["13:30", "14:30", "15:30"]
    assert all(
        s["start"].endswith("+08:00") and s["end"].endswith("+08:00") for s in today["slots"]
    )


@pytest.mark.usefixtures("halls")
def test_remaining_capacity_drops_after_a_booking(client: TestClient) -> None:
    assert book(client).status_code == 201
    slot = _day(client, "test-full", "2026-10-12")["slots"][0]
    assert (slot["start"], slot["capacity"], slot["remaining"]) == (
        "2026-10-12T09:00:00+08:00",
        3,
        2,
    )


@pytest.mark.usefixtures("halls")
def test_date_range(client: TestClient) -> None:
    params = {"service": "驾驶证补换领", "date_from": "2026-09-28", "date_to": "2026-10-04"}
    days = client.get("/v1/halls/test-full/slots", params=params).json()["days"]
    assert [d["date"] for d in days] == [
        f"2026-{d}" for d in ("09-28", "09-29", "09-30", "10-01", "10-02", "10-03", "10-04")
    ]
    assert [d["open"] for d in days] == [True, True, True, False, False, False, False]


@pytest.mark.usefixtures("halls")
@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"date": "2026-09-17"}, "date_in_past"),
        ({"date_from": "2026-09-20", "date_to": "2026-10-20"}, "invalid_date_range"),
        ({"date": "2026-09-20", "date_from": "2026-09-20"}, "invalid_date_range"),
        ({"date": "2026-11-30"}, "beyond_booking_window"),
        ({"date": "2026-13-01"}, "invalid_date"),
        ({"service": "居住证签注", "date": "2026-09-21"}, "service_not_offered"),
        ({"service": None, "date": "2026-09-21"}, "missing_field"),
    ],
)
def test_bad_slot_queries_are_422(client: TestClient, params: dict[str, Any], error: str) -> None:
    query = {"service": "驾驶证补换领", **params}
    query = {k: v for k, v in query.items() if v is not None}
    response = client.get("/v1/halls/test-full/slots", params=query)
    assert response.status_code == 422, response.text
    assert response.json()["error"] == error
    assert response.json()["message"]
