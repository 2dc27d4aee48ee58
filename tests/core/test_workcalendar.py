"""The working-day calendar: official schedules first, then the library, then the law alone."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import holidays
import pytest

from core.workcalendar import (
    SCHEDULES_DIR,
    DayKind,
    ScheduleError,
    WorkCalendar,
    default_calendar,
    load_schedule,
    load_schedules,
    statutory_days,
)


def _year(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=n) for n in range((date(year + 1, 1, 1) - first).days)]


@pytest.mark.parametrize("year", [2025, 2026])
def test_shipped_schedules_agree_with_the_library_day_by_day(year: int) -> None:
    # Both copy the same notice; a typing mistake in either shows up as a differing day.
    ours = default_calendar()
    library = holidays.China(years=year)
    differing = [d for d in _year(year) if ours.status(d).working != library.is_working_day(d)]
    assert differing == []


def test_each_shipped_schedule_names_its_notice() -> None:
    for year, schedule in load_schedules().items():
        assert schedule.source.title == f"国务院办公厅关于{year}年部分节假日安排的通知"
        assert schedule.source.issued < date(year, 1, 1)


def test_a_published_year_keeps_its_adjusted_days() -> None:
    calendar = default_calendar()
    assert calendar.status(date(2026, 2, 14)).kind is DayKind.ADJUSTED_WORKDAY  # 调休上班, Sat
    rest = calendar.status(date(2026, 2, 20))  # a Friday inside the 春节 block
    assert rest.kind is DayKind.HOLIDAY and rest.holiday == "春节" and rest.published
    assert "2026年" in (rest.source or "")


def test_a_year_without_a_notice_follows_the_law() -> None:
    calendar = default_calendar()
    assert not calendar.published(2027)
    new_year = calendar.status(date(2027, 1, 1))
    assert new_year.kind is DayKind.HOLIDAY and new_year.holiday == "元旦"
    assert calendar.status(date(2027, 4, 5)).holiday == "清明节"
    ordinary = calendar.status(date(2027, 3, 10))
    assert ordinary.kind is DayKind.WORKDAY and not ordinary.published
    assert calendar.status(date(2027, 3, 13)).kind is DayKind.WEEKEND


def test_spring_festival_and_national_day_weeks_stay_unannounced() -> None:
    calendar = default_calendar()
    spring = calendar.unannounced_blocks(2027)["春节"]
    national = calendar.unannounced_blocks(2027)["国庆节"]
    # 除夕 2027 is 5 February; every published block since 2008 fits inside these.
    assert spring[0] <= date(2027, 2, 5) and spring[1] >= date(2027, 2, 12)
    assert national[0] <= date(2027, 10, 1) and national[1] >= date(2027, 10, 7)
    for day in (date(2027, 2, 8), date(2027, 10, 6)):
        assert calendar.status(day).kind is DayKind.UNANNOUNCED
    assert calendar.status(spring[1] + timedelta(days=1)).kind is not DayKind.UNANNOUNCED


def test_the_unannounced_weeks_cover_every_recent_published_block() -> None:
    # Had any recent year been unpublished, its real 春节 and 国庆 blocks would have stayed
    # closed: the windows are as wide as any block the State Council has set.
    calendar = default_calendar()
    for year in range(2015, 2027):
        windows = calendar.unannounced_blocks(year)
        new_year = min(d for d, name in statutory_days(year).items() if name == "春节")
        for name, seed in (("春节", new_year), ("国庆节", date(year, 10, 1))):
            first, last = calendar._block_around(seed)
            assert windows[name][0] <= first and last <= windows[name][1], (year, name)


def _write(directory: Path, year: int, body: str) -> Path:
    path = directory / f"{year}.yml"
    path.write_text(body, encoding="utf-8")
    return path


# A made-up schedule in the notice's shape, only to show what adding next year's file does.
INVENTED_2027 = """
year: 2027
source: {title: 测试用的2027年安排, issued: 2026-11-01}
rest:
  - {holiday: 元旦, from: 2027-01-01, to: 2027-01-03}
  - {holiday: 春节, from: 2027-02-05, to: 2027-02-13}
  - {holiday: 清明节, from: 2027-04-03, to: 2027-04-05}
  - {holiday: 劳动节, from: 2027-05-01, to: 2027-05-05}
  - {holiday: 端午节, from: 2027-06-09, to: 2027-06-09}
  - {holiday: 中秋节, from: 2027-09-15, to: 2027-09-15}
  - {holiday: 国庆节, from: 2027-10-01, to: 2027-10-07}
work:
  - {holiday: 春节, dates: [2027-02-20]}
"""


def test_adding_next_years_file_publishes_that_year(tmp_path: Path) -> None:
    for source in SCHEDULES_DIR.glob("*.yml"):
        (tmp_path / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    _write(tmp_path, 2027, INVENTED_2027)
    calendar = WorkCalendar(load_schedules(tmp_path))
    assert calendar.published(2027)
    assert calendar.status(date(2027, 2, 20)).kind is DayKind.ADJUSTED_WORKDAY
    assert calendar.status(date(2027, 2, 15)).kind is DayKind.WORKDAY  # was unannounced
    assert calendar.status(date(2027, 2, 13)).kind is DayKind.HOLIDAY
    assert calendar.missing_schedule(date(2026, 12, 7)) is None


def test_a_file_without_a_statutory_day_is_refused(tmp_path: Path) -> None:
    body = INVENTED_2027.replace("  - {holiday: 清明节, from: 2027-04-03, to: 2027-04-05}\n", "")
    with pytest.raises(ScheduleError, match="statutory holiday 2027-04-05"):
        load_schedule(_write(tmp_path, 2027, body))


def test_a_block_ending_before_it_starts_is_refused(tmp_path: Path) -> None:
    backwards = "from: 2027-04-05, to: 2027-04-01"
    body = INVENTED_2027.replace("from: 2027-04-03, to: 2027-04-05", backwards)
    with pytest.raises(ScheduleError, match="not a holiday block"):
        load_schedule(_write(tmp_path, 2027, body))


def test_a_weekday_listed_as_worked_or_a_misnamed_file_is_refused(tmp_path: Path) -> None:
    weekday = INVENTED_2027.replace("dates: [2027-02-20]", "dates: [2027-02-17]")
    with pytest.raises(ScheduleError, match="weekday"):
        load_schedule(_write(tmp_path, 2027, weekday))
    with pytest.raises(ScheduleError, match="year"):
        load_schedule(_write(tmp_path, 2028, INVENTED_2027))


@pytest.mark.parametrize(
    ("today", "warned"),
    [(date(2026, 11, 1), False), (date(2026, 11, 2), True), (date(2027, 1, 5), True)],
)
def test_missing_schedule_is_warned_sixty_days_ahead(today: date, warned: bool) -> None:
    warning = default_calendar().missing_schedule(today)
    assert (warning is not None) is warned
    if warning:
        assert "2027年节假日安排尚未收录" in warning and "2027.yml" in warning
