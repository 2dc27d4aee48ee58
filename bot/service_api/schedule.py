"""Which days a hall opens and which slots it offers, decided by the working-day calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Optional

from core.clock import CN_TZ
from core.workcalendar import DayKind, WorkCalendar, default_calendar

Period = tuple[time, time]

REGULAR_PERIODS: tuple[Period, ...] = ((time(9, 0), time(11, 30)), (time(13, 30), time(16, 30)))
EXTENDED_PERIODS: tuple[Period, ...] = ((time(17, 0), time(19, 0)),)  # 延时服务 on working days
WEEKEND_PERIODS: tuple[Period, ...] = ((time(9, 0), time(12, 0)),)  # 周末预约: Saturday morning

SATURDAY = 5


@dataclass(frozen=True)
class SlotTime:
    """One bookable interval; `kind` is regular, extended (延时) or weekend."""

    start: datetime
    end: datetime
    kind: str


@dataclass(frozen=True)
class DayPlan:
    """A hall's day: open with its slots, or closed with the reason a citizen would be told.

    `note` tells the citizen when the day's arrangement is not yet official (its year's holiday
    schedule is unpublished), so they know it may still change.
    """

    day: date
    kind: str  # workday | adjusted_workday | weekend | holiday | rest_day | unannounced
    slots: tuple[SlotTime, ...] = ()
    closed_reason: Optional[str] = None
    note: Optional[str] = None

    @property
    def open(self) -> bool:
        """Whether any slot is offered that day."""
        return bool(self.slots)

    @property
    def provisional(self) -> bool:
        """Whether the day's arrangement may still change with the State Council's notice."""
        return self.note is not None


def plan_day(
    day: date,
    *,
    slot_minutes: int,
    weekend_service: bool,
    extended_hours: bool,
    calendar: Optional[WorkCalendar] = None,
) -> DayPlan:
    """The slots a hall with these options offers on `day`."""
    status = (calendar or default_calendar()).status(day)
    note = None if status.published else _unpublished_note(day)
    if status.kind is DayKind.UNANNOUNCED and status.block is not None:
        first, last = status.block
        reason = (
            f"{day.year}年{status.holiday}放假调休安排国务院尚未公布，"
            f"{first.month}月{first.day}日至{last.month}月{last.day}日暂不开放预约"
        )
        return DayPlan(day, DayKind.UNANNOUNCED.value, closed_reason=reason)
    if status.kind is DayKind.HOLIDAY:
        reason = f"{day:%Y-%m-%d}为{status.holiday}假期，大厅休息"
        return DayPlan(day, DayKind.HOLIDAY.value, closed_reason=reason)
    if status.working:
        # On a weekend this is a 调休 day and the hall opens as on any working day.
        slots = _slots(day, REGULAR_PERIODS, "regular", slot_minutes)
        if extended_hours:
            slots += _slots(day, EXTENDED_PERIODS, "extended", slot_minutes)
        return DayPlan(day, status.kind.value, slots, note=note)
    if day.weekday() == SATURDAY and weekend_service:
        slots = _slots(day, WEEKEND_PERIODS, "weekend", slot_minutes)
        return DayPlan(day, "weekend", slots, note=note)
    if day.weekday() == SATURDAY:
        reason = f"{day:%Y-%m-%d}为周六，该大厅未开通周末预约服务"
    else:
        reason = f"{day:%Y-%m-%d}为周日，大厅休息"
    return DayPlan(day, "rest_day", closed_reason=reason)


def calendar_note(day: date, calendar: Optional[WorkCalendar] = None) -> Optional[str]:
    """What a citizen booking `day` should know when its year's schedule is not yet official."""
    return None if (calendar or default_calendar()).published(day.year) else _unpublished_note(day)


def _unpublished_note(day: date) -> str:
    return (
        f"{day.year}年节假日放假安排国务院尚未公布，该日暂按正常安排开放；"
        "如公布后该日调整为休息日，请以公布的安排为准，可拨打12345咨询"
    )


def _slots(
    day: date, periods: tuple[Period, ...], kind: str, slot_minutes: int
) -> tuple[SlotTime, ...]:
    step = timedelta(minutes=slot_minutes)
    result = []
    for begin, finish in periods:
        start = datetime.combine(day, begin, CN_TZ)
        close = datetime.combine(day, finish, CN_TZ)
        # Only whole slots: a 60-minute slot may not run past the end of the period.
        while start + step <= close:
            result.append(SlotTime(start, start + step, kind))
            start += step
    return tuple(result)


def days_between(first: date, last: date) -> list[date]:
    """Every date from `first` to `last`, inclusive."""
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]
