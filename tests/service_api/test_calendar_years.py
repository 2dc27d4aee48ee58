"""Bookings keep working into a year whose holiday schedule the State Council has not published:
the law's holidays and the 春节 weeks are closed with a reason, other days open with a note."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bot.service_api.deps import current_time
from core.clock import CN_TZ

from .helpers import book

pytestmark = pytest.mark.usefixtures("halls")


def _at(app: FastAPI, moment: datetime) -> None:
    app.dependency_overrides[current_time] = lambda: moment


def _day(client: TestClient, day: str) -> dict[str, Any]:
    params = {"service": "驾驶证补换领", "date": day}
    response = client.get("/v1/halls/test-full/slots", params=params)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()["days"][0]
    return result


def test_early_january_books_in_late_december(app: FastAPI, client: TestClient) -> None:
    _at(app, datetime(2026, 12, 20, 10, 0, tzinfo=CN_TZ))
    day = _day(client, "2027-01-06")
    assert day["open"] and day["kind"] == "workday" and day["provisional"] is True
    assert "2027年节假日放假安排国务院尚未公布" in day["note"]

    booked = book(client, start="2027-01-06T09:00:00+08:00")
    assert booked.status_code == 201, booked.text
    assert "尚未公布" in booked.json()["calendar_note"]


def test_new_years_day_stays_closed_by_law(app: FastAPI, client: TestClient) -> None:
    _at(app, datetime(2026, 12, 20, 10, 0, tzinfo=CN_TZ))
    day = _day(client, "2027-01-01")
    assert not day["open"] and day["kind"] == "holiday" and "元旦" in day["closed_reason"]
    # A day of a published year carries no note.
    assert _day(client, "2026-12-28")["provisional"] is False


def test_a_day_in_the_spring_festival_week_is_refused_with_the_reason(
    app: FastAPI, client: TestClient
) -> None:
    _at(app, datetime(2027, 1, 20, 10, 0, tzinfo=CN_TZ))
    day = _day(client, "2027-02-08")  # Monday, 正月初三
    assert not day["open"] and day["kind"] == "unannounced"
    assert "2027年春节放假调休安排国务院尚未公布" in day["closed_reason"]

    refused = book(client, start="2027-02-08T09:00:00+08:00")
    assert refused.status_code == 422
    assert refused.json()["error"] == "hall_closed"
    assert "春节" in refused.json()["message"] and "请选择其他日期" in refused.json()["message"]


def test_an_ordinary_weekday_in_march_books(app: FastAPI, client: TestClient) -> None:
    _at(app, datetime(2027, 2, 20, 10, 0, tzinfo=CN_TZ))
    booked = book(client, start="2027-03-10T09:00:00+08:00")
    assert booked.status_code == 201, booked.text
    assert booked.json()["start"] == "2027-03-10T09:00:00+08:00"
    assert "2027年" in booked.json()["calendar_note"]
