"""An appointment is shown or cancelled only to whoever booked it, and a person books a service
once a day."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from bot.service_api.db import Database
from bot.service_api.models import Appointment

from .helpers import PERSON_A, PERSON_B, book

pytestmark = pytest.mark.usefixtures("halls")

BOOKER = "wechat:o6_bmjrPTlm6_2sgVt7hMZOPfL2M"


def _status(db: Database, appointment_id: str) -> str:
    with db.session() as session:
        return str(
            session.scalar(select(Appointment.status).where(Appointment.id == appointment_id))
        )


def test_without_a_phone_id_number_or_booker_nothing_is_shown_or_cancelled(
    client: TestClient, db: Database
) -> None:
    appointment_id = book(client).json()["appointment_id"]
    shown = client.get(f"/v1/appointments/{appointment_id}")
    cancelled = client.post(f"/v1/appointments/{appointment_id}/cancel")
    assert shown.status_code == cancelled.status_code == 403
    assert "手机号" in shown.json()["message"]
    assert _status(db, appointment_id) == "booked"


def test_a_wrong_phone_and_an_unknown_id_get_the_same_answer(
    client: TestClient, db: Database
) -> None:
    appointment_id = book(client).json()["appointment_id"]
    wrong_phone = client.get(
        f"/v1/appointments/{appointment_id}", params={"phone": PERSON_B["phone"]}
    )
    unknown_id = client.get("/v1/appointments/AP00000000", params={"phone": PERSON_A["phone"]})
    assert wrong_phone.status_code == unknown_id.status_code == 404
    assert wrong_phone.json() == unknown_id.json()
    assert appointment_id not in wrong_phone.text
    refused = client.post(
        f"/v1/appointments/{appointment_id}/cancel", json={"phone": PERSON_B["phone"]}
    )
    assert refused.status_code == 404 and refused.json() == wrong_phone.json()
    assert _status(db, appointment_id) == "booked"


@pytest.mark.parametrize(
    "proof",
    [
        {"phone": PERSON_A["phone"]},
        {"phone": "137-0000-0001"},
        {"id_number": PERSON_A["id_number"].lower()},
        {"channel_user": BOOKER},
        {"channel_user": "web:someone-else", "phone": PERSON_A["phone"]},
    ],
    ids=["phone", "phone-spelled", "id-number", "booker", "other-channel-with-phone"],
)
def test_the_booking_phone_id_number_or_channel_identity_opens_it(
    client: TestClient, db: Database, proof: dict[str, str]
) -> None:
    appointment_id = book(client, channel_user=BOOKER).json()["appointment_id"]
    shown = client.get(f"/v1/appointments/{appointment_id}", params=proof)
    assert shown.status_code == 200 and shown.json()["appointment_id"] == appointment_id
    cancelled = client.post(f"/v1/appointments/{appointment_id}/cancel", json=proof)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert _status(db, appointment_id) == "cancelled"


def test_another_channel_identity_alone_is_refused(client: TestClient) -> None:
    appointment_id = book(client, channel_user=BOOKER).json()["appointment_id"]
    other = client.get(
        f"/v1/appointments/{appointment_id}", params={"channel_user": "wechat:another-openid"}
    )
    assert other.status_code == 404


def test_the_channel_identity_is_not_stored_in_clear(client: TestClient, db: Database) -> None:
    book(client, channel_user=BOOKER)
    with db.session() as session:
        stored = session.scalars(select(Appointment)).one()
    assert BOOKER not in repr(vars(stored))


def test_a_second_booking_of_the_same_service_on_the_same_day_is_refused(
    client: TestClient, db: Database
) -> None:
    first = book(client).json()["appointment_id"]
    again = book(client, start="2026-10-12T13:30:00+08:00", phone="13700000009")
    assert again.status_code == 409
    body = again.json()
    assert body["error"] == "already_booked"
    assert f"{first[:4]}****{first[-2:]}" in body["message"] and first not in body["message"]
    # Another service, another day or another person is fine.
    assert book(client, service="居住证办理").status_code == 201
    assert book(client, start="2026-10-13T09:00:00+08:00").status_code == 201
    assert book(client, start="2026-10-12T13:30:00+08:00", **PERSON_B).status_code == 201
    # Once the first is cancelled, the day is free again.
    client.post(f"/v1/appointments/{first}/cancel", json={"phone": PERSON_A["phone"]})
    assert book(client, start="2026-10-12T13:30:00+08:00").status_code == 201


def test_the_same_booking_after_a_cancellation_is_a_new_booking(client: TestClient) -> None:
    first = book(client, key="content-key").json()["appointment_id"]
    client.post(f"/v1/appointments/{first}/cancel", json={"phone": PERSON_A["phone"]})
    again = book(client, key="content-key")
    assert again.status_code == 201
    assert again.json()["appointment_id"] != first and again.json()["status"] == "booked"
