"""Which days a hall opens and which slots it offers, decided by the official holiday calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Optional

import chinese_calendar

from core.clock import CN_TZ

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
    """A hall's day: open with its slots, or closed with the reason a citizen would be told."""

    day: date
    kind: str  # workday | adjusted_workday | weekend | holiday | rest_day | unknown
    slots: tuple[SlotTime, ...] = ()
    closed_reason: Optional[str] = None

    @property
    def open(self) -> bool:
        """Whether any slot is offered that day."""
        return bool(self.slots)


def plan_day(
    day: date, *, slot_minutes: int, weekend_service: bool, extended_hours: bool
) -> DayPlan:
    """The slots a hall with these options offers on `day`."""
    try:
        on_holiday, holiday = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        # chinese_calendar only knows years whose schedule the State Council has published;
        # guessing would send citizens to a closed hall on a holiday.
        reason = f"{day.year}年法定节假日安排尚未收录，暂不开放该日预约"
        return DayPlan(day, "unknown", closed_reason=reason)
    weekday = day.weekday()
    if not on_holiday:
        # A working day; on a weekend it is a 调休 day and the hall opens as usual.
        slots = _slots(day, REGULAR_PERIODS, "regular", slot_minutes)
        if extended_hours:
            slots += _slots(day, EXTENDED_PERIODS, "extended", slot_minutes)
        kind = "adjusted_workday" if weekday >= SATURDAY else "workday"
        return DayPlan(day, kind, slots)
    if holiday is not None:
        reason = f"{day:%Y-%m-%d}为{_holiday_name(holiday)}法定节假日，大厅休息"
        return DayPlan(day, "holiday", closed_reason=reason)
    if weekday == SATURDAY and weekend_service:
        return DayPlan(day, "weekend", _slots(day, WEEKEND_PERIODS, "weekend", slot_minutes))
    if weekday == SATURDAY:
        reason = f"{day:%Y-%m-%d}为周六，该大厅未开通周末预约服务"
    else:
        reason = f"{day:%Y-%m-%d}为周日，大厅休息"
    return DayPlan(day, "rest_day", closed_reason=reason)


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


def _holiday_name(english: str) -> str:
    for member in chinese_calendar.Holiday:
        if member.value == english:
            return str(member.chinese)
    return english


def days_between(first: date, last: date) -> list[date]:
    """Every date from `first` to `last`, inclusive."""
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]
