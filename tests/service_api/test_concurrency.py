"""Concurrent requests never overbook a slot and never book twice for one Idempotency-Key."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Callable

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func, select

from bot.service_api.db import Database
from bot.service_api.models import Appointment, Slot

from .helpers import START, book, person

pytestmark = pytest.mark.usefixtures("halls")

REQUESTS = 20


def _all_at_once(calls: list[Callable[[], Response]]) -> list[Response]:
    """Run the calls on their own threads, released together by a barrier."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], Response]) -> Response:
        barrier.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def test_twenty_concurrent_bookings_of_a_three_place_slot(client: TestClient, db: Database) -> None:
    responses = _all_at_once(
        [partial(book, client, key=f"concurrent-{n}", **person(n)) for n in range(REQUESTS)]
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] * 3 + [409] * (REQUESTS - 3)
    assert {r.json()["error"] for r in responses if r.status_code == 409} == {"slot_full"}
    with db.session() as session:
        slot = session.scalar(select(Slot))
        assert (slot.starts_at.isoformat(), slot.capacity, slot.booked) == (START, 3, 3)
        assert session.scalar(select(func.count()).select_from(Appointment)) == 3


@pytest.mark.parametrize("service", ["驾驶证补换领", "居住证办理"], ids=["3-places", "last-place"])
def test_concurrent_retries_with_one_key_book_once(
    client: TestClient, db: Database, service: str
) -> None:
    # With one place, a retry that waited for the original must replay it, not report slot_full.
    responses = _all_at_once(
        [lambda: book(client, key="same-key", service=service) for _ in range(10)]
    )
    assert sorted(r.status_code for r in responses) == [200] * 9 + [201]
    assert len({r.json()["appointment_id"] for r in responses}) == 1
    with db.session() as session:
        assert session.scalar(select(Slot.booked)) == 1
        assert session.scalar(select(func.count()).select_from(Appointment)) == 1


def test_concurrent_second_bookings_of_one_person_book_once(
    client: TestClient, db: Database
) -> None:
    # Other slots of the same day, each with its own key: the unique day index decides.
    starts = ["2026-10-12T09:00:00+08:00", "2026-10-12T10:00:00+08:00", "2026-10-12T13:30:00+08:00"]
    responses = _all_at_once(
        [partial(book, client, key=f"dup-{n}", start=start) for n, start in enumerate(starts * 3)]
    )
    assert sorted(r.status_code for r in responses) == [201] + [409] * 8
    assert {r.json()["error"] for r in responses if r.status_code == 409} == {"already_booked"}
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Appointment)) == 1


def test_concurrent_cancels_release_the_place_once(client: TestClient, db: Database) -> None:
    first, _second = (
        book(client, key=f"c-{n}", **person(n)).json()["appointment_id"] for n in range(2)
    )
    owner = {"phone": person(0)["phone"]}
    cancel = partial(client.post, f"/v1/appointments/{first}/cancel", json=owner)
    responses = _all_at_once([cancel for _ in range(10)])
    assert {(r.status_code, r.json()["status"]) for r in responses} == {(200, "cancelled")}
    with db.session() as session:
        assert session.scalar(select(Slot.booked)) == 1  # the other booking still holds its place
