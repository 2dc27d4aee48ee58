"""Which days are working days in mainland China, for every year a hall may be booked.

Three layers, the first that knows a year decides it:

1. The project's own schedules, one file per year in `core/holiday_schedules/` copied from the
   State Council's yearly notice (放假调休 and 调休上班 days, with the notice as the source). An
   operator adds next year's file when the notice is out (docs/service_api.md).
2. python-holidays, which carries every notice from 2001 to its release and the law's rules.
3. For a year whose notice is not out yet, the law alone: 《全国年节及纪念日放假办法》 (2024
   revision) fixes the statutory days, computed by python-holidays from the lunar calendar. The
   春节 and 国庆 weeks, whose 调休 only the notice settles, are treated as unannounced: no one
   can say yet which of their days are worked. Every other day follows the ordinary week, marked
   as not yet official.

chinese-calendar, used before, knows only published years and raises for the next one, so from
1 January every booking failed until a new release; python-holidays knows the same published
years (checked day by day in the tests) and the law besides.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from functools import cache, cached_property, lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional

import holidays
import yaml
from holidays.countries.china import ChinaStaticHolidays

logger = logging.getLogger(__name__)

SCHEDULES_DIR = Path(__file__).resolve().parent / "holiday_schedules"
# Warn this many days before the last published year runs out.
WARNING_LEAD_DAYS = 60
# The holiday system with 清明, 端午 and 中秋 as rest days began in 2008; earlier years' weeks do
# not describe how the State Council places the 春节 and 国庆 blocks today.
WINDOW_HISTORY_FROM = 2008
SATURDAY = 5
SPRING_FESTIVAL = "春节"
NATIONAL_DAY = "国庆节"


class DayKind(str, Enum):
    """What a day is for the people who work in a service hall."""

    WORKDAY = "workday"
    ADJUSTED_WORKDAY = "adjusted_workday"  # a weekend day worked in exchange for a holiday
    WEEKEND = "weekend"
    HOLIDAY = "holiday"  # a statutory holiday or a rest day of its 放假调休 block
    UNANNOUNCED = "unannounced"  # in the 春节 or 国庆 weeks of a year without a notice


@dataclass(frozen=True)
class Notice:
    """The official notice a year's schedule was copied from."""

    title: str
    issued: date
    url: str = ""
    number: str = ""


@dataclass(frozen=True)
class YearSchedule:
    """One year's 放假调休 (rest) and 调休上班 (work) days, each with the holiday it belongs to."""

    year: int
    source: Notice
    rest: dict[date, str]
    work: dict[date, str]


@dataclass(frozen=True)
class DayStatus:
    """A day as the calendar knows it; `published` is False until the year's notice is known."""

    day: date
    kind: DayKind
    published: bool
    holiday: Optional[str] = None
    source: Optional[str] = None
    # For UNANNOUNCED days: the first and last day of the block that stays closed.
    block: Optional[tuple[date, date]] = None

    @property
    def working(self) -> bool:
        return self.kind in (DayKind.WORKDAY, DayKind.ADJUSTED_WORKDAY)


class ScheduleError(ValueError):
    """A schedule file that does not describe its year correctly."""


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def _date(value: Any, where: str) -> date:
    if not isinstance(value, date):
        raise ScheduleError(f"{where}: expected a date like 2027-01-01, got {value!r}")
    return value


@cache
def _law(year: int) -> dict[date, str]:
    """The law's holidays of `year` as python-holidays names them (农历除夕 apart from 春节)."""
    return dict(holidays.China(years=year, observed=False, language="zh_CN").items())


def statutory_days(year: int) -> dict[date, str]:
    """The days the law itself makes holidays in `year` (no 调休), with their names."""
    law = _law(year)
    return {day: SPRING_FESTIVAL if name == "农历除夕" else name for day, name in law.items()}


def load_schedule(path: Path) -> YearSchedule:
    """Read and check one year's file; a mistake names the file and what is wrong."""
    with path.open(encoding="utf-8") as handle:
        raw = yaml.safe_load(handle) or {}
    year = raw.get("year")
    if not isinstance(year, int) or path.stem != str(year):
        raise ScheduleError(f"{path.name}: 'year' must be the year the file is named after")
    source = raw.get("source") or {}
    if not source.get("title") or not isinstance(source.get("issued"), date):
        raise ScheduleError(f"{path.name}: 'source' needs the notice's title and issued date")
    rest: dict[date, str] = {}
    for block in raw.get("rest") or []:
        first = _date(block.get("from"), f"{path.name} rest")
        last = _date(block.get("to"), f"{path.name} rest")
        if last < first or (last - first).days > 15:
            raise ScheduleError(f"{path.name}: rest block {first}..{last} is not a holiday block")
        rest.update((day, str(block.get("holiday") or "")) for day in _days(first, last))
    work: dict[date, str] = {}
    for group in raw.get("work") or []:
        for value in group.get("dates") or []:
            day = _date(value, f"{path.name} work")
            if day.weekday() < SATURDAY:
                raise ScheduleError(f"{path.name}: {day} is a weekday; only weekends are 调休上班")
            work[day] = str(group.get("holiday") or "")
    if overlap := sorted(set(rest) & set(work)):
        raise ScheduleError(f"{path.name}: {overlap[0]} is listed as rest and as work")
    if missing := sorted(set(statutory_days(year)) - set(rest)):
        # A notice always grants the law's days; a missing one is a typing mistake.
        raise ScheduleError(f"{path.name}: the statutory holiday {missing[0]} is not a rest day")
    notice = Notice(
        title=str(source["title"]),
        issued=source["issued"],
        url=str(source.get("url") or ""),
        number=str(source.get("number") or ""),
    )
    return YearSchedule(year, notice, rest, work)


def load_schedules(directory: Path = SCHEDULES_DIR) -> dict[int, YearSchedule]:
    """Every year file in `directory`, by year."""
    schedules = (load_schedule(path) for path in sorted(directory.glob("*.yml")))
    return {schedule.year: schedule for schedule in schedules}


class WorkCalendar:
    """Working days from the project's schedules, the library's published years and the law."""

    def __init__(self, schedules: dict[int, YearSchedule]) -> None:
        self.schedules = schedules

    @cached_property
    def library_years(self) -> frozenset[int]:
        """Years whose notice python-holidays carries."""
        return frozenset(ChinaStaticHolidays.special_public_holidays)

    def published(self, year: int) -> bool:
        """Whether the State Council's schedule for `year` is known here."""
        return year in self.schedules or year in self.library_years

    def published_years(self) -> list[int]:
        return sorted(set(self.schedules) | self.library_years)

    def status(self, day: date) -> DayStatus:
        """What `day` is: worked, weekend, holiday or not yet announced."""
        if self.published(day.year):
            return self._published_status(day)
        return self._unpublished_status(day)

    def _published_status(self, day: date) -> DayStatus:
        schedule = self.schedules.get(day.year)
        if schedule is not None:
            source = schedule.source.title
            rest = schedule.rest.get(day)
            work = schedule.work.get(day)
        else:
            source = f"python-holidays {holidays.__version__}"
            rest, work = self._library_day(day)
        if rest is not None:
            return DayStatus(day, DayKind.HOLIDAY, True, rest, source)
        if work is not None:
            return DayStatus(day, DayKind.ADJUSTED_WORKDAY, True, work, source)
        kind = DayKind.WEEKEND if day.weekday() >= SATURDAY else DayKind.WORKDAY
        return DayStatus(day, kind, True, None, source)

    def _library_day(self, day: date) -> tuple[Optional[str], Optional[str]]:
        """(rest holiday, worked holiday) for a day of a year only the library knows."""
        year = _library_year(day.year)
        if year.is_working_day(day):
            worked = day.weekday() >= SATURDAY
            return None, (self._nearest_holiday(day) if worked else None)
        if day in year:
            return self._nearest_holiday(day), None
        return None, None

    def _nearest_holiday(self, day: date) -> str:
        """The statutory holiday closest to `day`: the one its 调休 belongs to."""
        law = {**statutory_days(day.year - 1), **statutory_days(day.year)}
        law.update(statutory_days(day.year + 1))
        nearest = min(law, key=lambda holiday: abs((holiday - day).days))
        return law[nearest]

    def _rest(self, day: date) -> bool:
        """Whether `day` of a published year is not worked."""
        return not self._published_status(day).working

    def _unpublished_status(self, day: date) -> DayStatus:
        for name, (first, last) in self.unannounced_blocks(day.year).items():
            if first <= day <= last:
                return DayStatus(day, DayKind.UNANNOUNCED, False, name, block=(first, last))
        if statutory := statutory_days(day.year).get(day):
            return DayStatus(day, DayKind.HOLIDAY, False, statutory, "《全国年节及纪念日放假办法》")
        kind = DayKind.WEEKEND if day.weekday() >= SATURDAY else DayKind.WORKDAY
        return DayStatus(day, kind, False)

    @cached_property
    def _block_offsets(self) -> dict[str, tuple[int, int]]:
        """The widest 春节 and 国庆 rest blocks of the published years, as day offsets from
        除夕 and from 1 October: how far the State Council has ever placed them."""
        offsets: dict[str, list[tuple[int, int]]] = {SPRING_FESTIVAL: [], NATIONAL_DAY: []}
        for year in self.published_years():
            if year < WINDOW_HISTORY_FROM:
                continue
            for name, anchor, seed in self._anchors(year):
                first, last = self._block_around(seed)
                offsets[name].append(((first - anchor).days, (last - anchor).days))
        return {
            name: (min(a for a, _ in spans), max(b for _, b in spans))
            for name, spans in offsets.items()
            if spans
        }

    def _block_around(self, seed: date) -> tuple[date, date]:
        first = last = seed
        while self._rest(first - timedelta(days=1)):
            first -= timedelta(days=1)
        while self._rest(last + timedelta(days=1)):
            last += timedelta(days=1)
        return first, last

    @staticmethod
    def _anchors(year: int) -> Iterable[tuple[str, date, date]]:
        """(holiday, the day its offsets count from, a day surely inside its block)."""
        new_year = lunar_new_year(year)
        yield SPRING_FESTIVAL, new_year - timedelta(days=1), new_year
        yield NATIONAL_DAY, date(year, 10, 1), date(year, 10, 1)

    def unannounced_blocks(self, year: int) -> dict[str, tuple[date, date]]:
        """The 春节 and 国庆 weeks of an unpublished year: as wide as any published block."""
        eve = lunar_new_year(year) - timedelta(days=1)
        anchors = {SPRING_FESTIVAL: eve, NATIONAL_DAY: date(year, 10, 1)}
        return {
            name: (anchors[name] + timedelta(days=a), anchors[name] + timedelta(days=b))
            for name, (a, b) in self._block_offsets.items()
        }

    def missing_schedule(self, today: date) -> Optional[str]:
        """A warning naming the year whose schedule is missing, from WARNING_LEAD_DAYS before the
        last published year ends; None while nothing is due."""
        missing = today.year
        while self.published(missing):
            missing += 1
        remaining = (date(missing, 1, 1) - today).days
        if remaining > WARNING_LEAD_DAYS:
            return None
        when = f"还有{remaining}天进入{missing}年" if remaining > 0 else f"已进入{missing}年"
        return (
            f"{missing}年节假日安排尚未收录（{when}）：该年只能按法定节假日推算，春节、国庆前后"
            f"暂不开放预约。国务院办公厅通知发布后，请新增 core/holiday_schedules/{missing}.yml"
            "（见 docs/service_api.md）"
        )


@cache
def _library_year(year: int) -> holidays.HolidayBase:
    return holidays.China(years=year, language="zh_CN")


def lunar_new_year(year: int) -> date:
    """正月初一 of `year`: the first 春节 day the law names (除夕 is named apart)."""
    return min(day for day, name in _law(year).items() if name == SPRING_FESTIVAL)


@lru_cache(maxsize=1)
def default_calendar() -> WorkCalendar:
    """The calendar of the shipped schedules, loaded once per process."""
    return WorkCalendar(load_schedules())


_warned_on: set[date] = set()


def schedule_warning(today: date) -> Optional[str]:
    """The missing-schedule warning for `today`, also logged, once a day per process."""
    warning = default_calendar().missing_schedule(today)
    if warning and today not in _warned_on:
        _warned_on.add(today)
        logger.warning("holiday_schedule_missing %s", warning)
    return warning
