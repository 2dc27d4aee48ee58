"""Beijing time: every process stores, compares, parses and shows Asia/Shanghai wall-clock time."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

# Mainland China has had no daylight saving time since 1991, so a fixed +08:00 offset is exact and
# does not depend on the host's tz database.
CN_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")


def now_cn() -> datetime:
    """The current time in Beijing, timezone-aware."""
    return datetime.now(CN_TZ)


def to_cn(value: datetime) -> datetime:
    """Express `value` in Beijing time; a naive value is taken to be Beijing time already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=CN_TZ)
    return value.astimezone(CN_TZ)
