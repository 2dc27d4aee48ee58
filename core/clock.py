"""Beijing time: every process stores, compares, parses and shows Asia/Shanghai wall-clock time."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from typing import Optional

# Mainland China has had no daylight saving time since 1991, so a fixed +08:00 offset is exact and
# does not depend on the host's tz database.
CN_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")

# Development and tests only (bot.settings refuses it in production): the file this variable
# names holds an ISO time, and the clock reads that time at the moment the file was written and
# runs on from there. Every process reading the same file (Rasa's time parser, the actions, the
# service API) then lives on that date, so the whole running assistant can be tried on a day in
# the future; removing the file returns them to the real time.
CLOCK_FILE_ENV = "BANSHI_CLOCK_FILE"
_NO_OFFSET = timedelta(0)
_read: dict[str, tuple[int, timedelta]] = {}


def now_cn() -> datetime:
    """The current time in Beijing, timezone-aware."""
    return datetime.now(CN_TZ) + _offset(os.environ.get(CLOCK_FILE_ENV))


def to_cn(value: datetime) -> datetime:
    """Express `value` in Beijing time; a naive value is taken to be Beijing time already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=CN_TZ)
    return value.astimezone(CN_TZ)


def set_clock_file(path: str, moment: Optional[datetime]) -> None:
    """Set (or with None, remove) the time the clock file gives, from now on."""
    if moment is None:
        if os.path.exists(path):
            os.remove(path)
        return
    temporary = f"{path}.tmp"
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(to_cn(moment).isoformat())
    os.replace(temporary, path)  # readers never see a half-written time


def _offset(path: Optional[str]) -> timedelta:
    if not path:
        return _NO_OFFSET
    try:
        written = os.stat(path).st_mtime_ns
    except OSError:
        return _NO_OFFSET
    cached = _read.get(path)
    if cached is not None and cached[0] == written:
        return cached[1]
    try:
        with open(path, encoding="utf-8") as handle:
            moment = to_cn(datetime.fromisoformat(handle.read().strip()))
    except (OSError, ValueError):
        return _NO_OFFSET
    offset = moment - datetime.fromtimestamp(written / 1e9, CN_TZ)
    _read[path] = (written, offset)
    return offset
