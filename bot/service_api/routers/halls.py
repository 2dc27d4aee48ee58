"""Service halls and their free slots."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Any, Optional

from fastapi import APIRouter, Query
from sqlalchemy import select

from ..booking import DaySlots, find_offering, list_slots, load_hall
from ..catalog import CITIES
from ..deps import NowDep, SessionDep, SettingsDep
from ..errors import ERROR_RESPONSES, ApiError, ErrorBody
from ..models import Hall, HallService
from ..schedule import days_between
from ..schemas import DayOut, HallList, HallOut, HallServiceOut, SlotOut, SlotsOut
from ..validation import require_city, require_service

router = APIRouter(prefix="/halls", tags=["halls"])

# Keeps one response small; a client wanting more asks again with the next range.
MAX_DAYS_PER_QUERY = 14

NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "大厅不存在"}
}


def hall_out(hall: Hall) -> HallOut:
    """The public view of a hall."""
    return HallOut(
        hall_id=hall.id,
        city=hall.city,
        name=hall.name,
        address=hall.address,
        slot_minutes=hall.slot_minutes,
        weekend_service=hall.weekend_service,
        extended_hours=hall.extended_hours,
        services=[
            HallServiceOut(service=s.service, capacity_per_slot=s.capacity) for s in hall.services
        ],
    )


@router.get("", response_model=HallList, responses=ERROR_RESPONSES)
def list_halls(
    session: SessionDep,
    city: Annotated[
        Optional[str], Query(description=f"城市：{'、'.join(CITIES)}（可带“市”）")
    ] = None,
    service: Annotated[
        Optional[str], Query(description="办理事项的规范名称，如 驾驶证补换领")
    ] = None,
) -> HallList:
    """Halls, optionally only those in `city` and/or offering `service`."""
    statement = select(Hall).order_by(Hall.id)
    if city is not None:
        statement = statement.where(Hall.city == require_city(city))
    if service is not None:
        offers = select(HallService.hall_id).where(HallService.service == require_service(service))
        statement = statement.where(Hall.id.in_(offers))
    return HallList(halls=[hall_out(hall) for hall in session.scalars(statement)])


@router.get("/{hall_id}", response_model=HallOut, responses={**ERROR_RESPONSES, **NOT_FOUND})
def get_hall(hall_id: str, session: SessionDep) -> HallOut:
    """One hall with its bookable services."""
    return hall_out(load_hall(session, hall_id))


@router.get("/{hall_id}/slots", response_model=SlotsOut, responses={**ERROR_RESPONSES, **NOT_FOUND})
def get_slots(
    hall_id: str,
    service: Annotated[str, Query(description="办理事项的规范名称")],
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    day: Annotated[Optional[date], Query(alias="date", description="单日查询，YYYY-MM-DD")] = None,
    date_from: Annotated[Optional[date], Query(description="区间开始（默认今天）")] = None,
    date_to: Annotated[Optional[date], Query(description="区间结束（含，默认等于开始）")] = None,
) -> SlotsOut:
    """Slots of `service` on one date or a range (up to 14 days), with remaining capacity."""
    first, last = _date_range(day, date_from, date_to, today=now.date())
    window_end = now.date() + timedelta(days=settings.service_api_booking_days)
    if first > window_end:
        raise ApiError(
            422,
            "beyond_booking_window",
            f"只能查询和预约{settings.service_api_booking_days}天内的时段",
        )
    offering = find_offering(session, hall_id, require_service(service), status=404)
    days = days_between(first, min(last, window_end))
    return SlotsOut(
        hall_id=offering.hall_id,
        service=offering.service,
        days=[_day_out(entry, now) for entry in list_slots(session, offering, days)],
    )


def _day_out(entry: DaySlots, now: datetime) -> DayOut:
    slots = []
    for slot in entry.plan.slots:
        if slot.start <= now:  # a slot that has begun can no longer be booked
            continue
        capacity, remaining = entry.remaining[slot.start]
        slots.append(
            SlotOut(
                start=slot.start,
                end=slot.end,
                kind=slot.kind,
                capacity=capacity,
                remaining=remaining,
            )
        )
    plan = entry.plan
    return DayOut(
        date=plan.day,
        open=plan.open,
        kind=plan.kind,
        closed_reason=plan.closed_reason,
        provisional=plan.provisional,
        note=plan.note,
        slots=slots,
    )


def _date_range(
    day: Optional[date], date_from: Optional[date], date_to: Optional[date], *, today: date
) -> tuple[date, date]:
    if day is not None and (date_from is not None or date_to is not None):
        raise ApiError(422, "invalid_date_range", "date 与 date_from/date_to 只能二选一")
    first = day or date_from or today
    last = day or date_to or first
    if first < today:
        raise ApiError(422, "date_in_past", "日期已过，请查询今天及以后的日期")
    if last < first:
        raise ApiError(422, "invalid_date_range", "结束日期不能早于开始日期")
    if (last - first).days >= MAX_DAYS_PER_QUERY:
        raise ApiError(422, "invalid_date_range", f"一次最多查询{MAX_DAYS_PER_QUERY}天")
    return first, last
