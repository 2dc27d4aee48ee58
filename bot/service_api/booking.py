"""Appointments: listing free slots, booking without overbooking, cancelling, finding bookings."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Optional, cast

from sqlalchemy import select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.clock import CN_TZ
from core.masking import mask_id_number, mask_phone, mask_reference

from .access import booker_digest, owned_appointment
from .db import Database
from .errors import ApiError
from .idempotency import ensure_same_request, request_fingerprint
from .ids import APPOINTMENT_PREFIX, is_hall_id, new_public_id
from .models import BOOKED, CANCELLED, Appointment, Hall, HallService, Slot
from .schedule import DayPlan, SlotTime, plan_day
from .schemas import AppointmentCreate, AppointmentProof

logger = logging.getLogger(__name__)

# Attempts at a booking transaction that lost a race on a unique key (idempotency key or id).
MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class DaySlots:
    """A day's plan with the remaining capacity of each slot."""

    plan: DayPlan
    remaining: dict[datetime, tuple[int, int]]  # slot start → (capacity, remaining)


def load_hall(session: Session, hall_id: str, *, status: int = 404) -> Hall:
    """The hall, or `status` (404 for a URL, 422 for a reference in a request body)."""
    hall = session.get(Hall, hall_id) if is_hall_id(hall_id) else None
    if hall is None:
        raise ApiError(status, "hall_not_found", f"大厅不存在：{hall_id[:32]}")
    return hall


def find_offering(session: Session, hall_id: str, service: str, *, status: int) -> HallService:
    """The hall's offering of `service`, or an error saying what the hall does offer."""
    hall = load_hall(session, hall_id, status=status)
    for offering in hall.services:
        if offering.service == service:
            return offering
    offered = "、".join(o.service for o in hall.services) or "无"
    raise ApiError(
        422, "service_not_offered", f"{hall.name}不提供“{service}”预约。该大厅可预约：{offered}"
    )


def plan_for(offering: HallService, day: date) -> DayPlan:
    """The day plan of the offering's hall."""
    hall = offering.hall
    return plan_day(
        day,
        slot_minutes=hall.slot_minutes,
        weekend_service=hall.weekend_service,
        extended_hours=hall.extended_hours,
    )


def list_slots(session: Session, offering: HallService, days: list[date]) -> list[DaySlots]:
    """Each day's plan with remaining places (slots never booked have their full capacity)."""
    rows = session.execute(
        select(Slot.starts_at, Slot.capacity, Slot.booked).where(
            Slot.hall_id == offering.hall_id,
            Slot.service == offering.service,
            Slot.starts_at >= datetime.combine(days[0], time.min, CN_TZ),
            Slot.starts_at < datetime.combine(days[-1] + timedelta(days=1), time.min, CN_TZ),
        )
    ).all()
    booked = {row.starts_at: (row.capacity, row.capacity - row.booked) for row in rows}
    result = []
    for day in days:
        plan = plan_for(offering, day)
        full = (offering.capacity, offering.capacity)
        result.append(DaySlots(plan, {s.start: booked.get(s.start, full) for s in plan.slots}))
    return result


def check_bookable(
    offering: HallService, start: datetime, now: datetime, window_days: int
) -> SlotTime:
    """The slot starting at `start`, or a 422 telling the citizen why it cannot be booked."""
    if start <= now:
        raise ApiError(422, "start_in_past", "预约时间已过，请选择当前时间之后的时段")
    if start.date() > now.date() + timedelta(days=window_days):
        raise ApiError(422, "beyond_booking_window", f"只能预约{window_days}天内的时段")
    plan = plan_for(offering, start.date())
    if not plan.open:
        raise ApiError(422, "hall_closed", f"{plan.closed_reason}，请选择其他日期")
    for slot in plan.slots:
        if slot.start == start:
            return slot
    choices = "、".join(f"{s.start:%H:%M}" for s in plan.slots)
    raise ApiError(
        422,
        "not_a_slot",
        f"{start:%Y-%m-%d %H:%M}不是“{offering.service}”的可预约时段。当日可选：{choices}",
    )


def book(
    db: Database, request: AppointmentCreate, key: str, now: datetime, window_days: int
) -> tuple[Appointment, bool]:
    """Book a slot once per Idempotency-Key; returns the appointment and whether it is new."""
    fingerprint = request_fingerprint(request.fingerprint_payload())
    for _ in range(MAX_ATTEMPTS):
        try:
            with db.session(write=True) as session:
                existing = _earlier_booking(session, key, fingerprint)
                if existing is not None:
                    return existing, False
                offering = find_offering(session, request.hall_id, request.service, status=422)
                slot_time = check_bookable(offering, request.start, now, window_days)
                same_day = _active_booking(session, request.id_number, offering.service, slot_time)
                if same_day is not None:
                    # On PostgreSQL a concurrent attempt of this same request may have committed
                    # since _earlier_booking looked: that is a retry, not a second booking.
                    if same_day.idempotency_key != key:
                        raise _already_booked(same_day)
                    ensure_same_request(same_day.request_fingerprint, fingerprint)
                    return same_day, False
                slot_id = _slot_row(session, offering, slot_time)
                if not _take_place(session, slot_id):
                    # On PostgreSQL the UPDATE may have waited for a concurrent attempt of this
                    # same request, which took the last place; that is a retry, not a full slot.
                    existing = _earlier_booking(session, key, fingerprint)
                    if existing is not None:
                        return existing, False
                    raise ApiError(409, "slot_full", "该时段已约满，请选择其他时段")
                appointment = Appointment(
                    id=new_public_id(APPOINTMENT_PREFIX),
                    idempotency_key=key,
                    request_fingerprint=fingerprint,
                    slot_id=slot_id,
                    hall=offering.hall,
                    service=offering.service,
                    starts_at=slot_time.start,
                    ends_at=slot_time.end,
                    name=request.name,
                    phone=request.phone,
                    id_number=request.id_number,
                    status=BOOKED,
                    created_at=now,
                    active_day=slot_time.start.date(),
                    booker=booker_digest(request.channel_user),
                )
                session.add(appointment)
                session.flush()
        except IntegrityError:
            # A concurrent request with the same Idempotency-Key committed first (or the random
            # id collided). Our transaction, including the place taken, was rolled back; the
            # next attempt finds and replays the winner's appointment.
            logger.info("service_api.booking_retry reason=unique_conflict")
            continue
        logger.info(
            "service_api.appointment_booked id=%s hall=%s service=%s start=%s phone=%s id=%s",
            appointment.id,
            appointment.hall_id,
            appointment.service,
            appointment.starts_at.isoformat(),
            mask_phone(appointment.phone),
            mask_id_number(appointment.id_number),
        )
        return appointment, True
    raise ApiError(409, "conflict", "请求冲突，请稍后使用同一 Idempotency-Key 重试")


def _earlier_booking(session: Session, key: str, fingerprint: str) -> Optional[Appointment]:
    """The appointment already made with `key`, if any (422 if it was for other content)."""
    existing: Optional[Appointment] = session.scalar(
        select(Appointment).where(Appointment.idempotency_key == key)
    )
    if existing is not None:
        ensure_same_request(existing.request_fingerprint, fingerprint)
    return existing


def _active_booking(
    session: Session, id_number: str, service: str, slot_time: SlotTime
) -> Optional[Appointment]:
    """The person's active booking of `service` on the slot's day, if there is one."""
    found: Optional[Appointment] = session.scalar(
        select(Appointment).where(
            Appointment.id_number == id_number,
            Appointment.service == service,
            Appointment.active_day == slot_time.start.date(),
        )
    )
    return found


def _already_booked(appointment: Appointment) -> ApiError:
    """409 naming the existing booking by a partial number only."""
    day = appointment.starts_at.date()
    return ApiError(
        409,
        "already_booked",
        f"您在{day.year}年{day.month}月{day.day}日已有“{appointment.service}”的预约"
        f"（预约号{mask_reference(appointment.id)}），同一事项每人每天只能预约一次；"
        "如需改时间，请先取消原预约。",
    )


def _slot_row(session: Session, offering: HallService, slot_time: SlotTime) -> int:
    """The id of the slot's row, creating it on its first booking."""
    where = (
        Slot.hall_id == offering.hall_id,
        Slot.service == offering.service,
        Slot.starts_at == slot_time.start,
    )
    slot_id = session.scalar(select(Slot.id).where(*where))
    if slot_id is not None:
        return int(slot_id)
    try:
        with session.begin_nested():
            slot = Slot(
                hall_id=offering.hall_id,
                service=offering.service,
                starts_at=slot_time.start,
                ends_at=slot_time.end,
                capacity=offering.capacity,
                booked=0,
            )
            session.add(slot)
        return int(slot.id)
    except IntegrityError:
        # Another first booking created the row between our SELECT and INSERT; only the savepoint
        # is rolled back, and the committed row is visible to a new statement.
        logger.debug(
            "service_api.slot_row_race hall=%s start=%s", offering.hall_id, slot_time.start
        )
        slot_id = session.scalar(select(Slot.id).where(*where))
        if slot_id is None:
            raise
        return int(slot_id)


def _take_place(session: Session, slot_id: int) -> bool:
    """Take one place if one is left: the check and the increment are one atomic statement."""
    result = cast(
        "CursorResult[Any]",
        session.execute(
            update(Slot)
            .where(Slot.id == slot_id, Slot.booked < Slot.capacity)
            .values(booked=Slot.booked + 1)
            .execution_options(synchronize_session=False)
        ),
    )
    return bool(result.rowcount == 1)


def cancel(
    db: Database, appointment_id: str, proof: AppointmentProof, now: datetime
) -> Appointment:
    """Cancel an appointment; cancelling again returns it unchanged and releases nothing.

    Cancelling frees the booking's day and its Idempotency-Key, so the same booking can be made
    again afterwards (with the same content-derived key) as a new appointment.
    """
    with db.session(write=True) as session:
        appointment = owned_appointment(session, appointment_id, proof)
        if appointment.status == CANCELLED:
            return appointment
        if appointment.starts_at <= now:
            raise ApiError(409, "appointment_started", "预约时间已到或已过，无法取消")
        # Conditional on status, so of two concurrent cancels only one releases the place.
        result = cast(
            "CursorResult[Any]",
            session.execute(
                update(Appointment)
                .where(Appointment.id == appointment_id, Appointment.status == BOOKED)
                .values(
                    status=CANCELLED,
                    cancelled_at=now,
                    active_day=None,
                    idempotency_key=f"cancelled:{appointment_id}",
                )
                .execution_options(synchronize_session=False)
            ),
        )
        if result.rowcount == 1:
            session.execute(
                update(Slot)
                .where(Slot.id == appointment.slot_id, Slot.booked > 0)
                .values(booked=Slot.booked - 1)
                .execution_options(synchronize_session=False)
            )
            logger.info("service_api.appointment_cancelled id=%s", appointment_id)
        session.refresh(appointment)
        return appointment


def find_for_person(session: Session, phone: str, id_number: str) -> list[Appointment]:
    """One person's appointments, newest slot first; both numbers must match."""
    statement = (
        select(Appointment)
        .where(Appointment.phone == phone, Appointment.id_number == id_number)
        .order_by(Appointment.starts_at.desc(), Appointment.id)
    )
    return list(session.scalars(statement))
