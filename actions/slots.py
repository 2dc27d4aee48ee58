"""Turning what a user said about time ("下周三上午", "11月25日下午3点") into a bookable slot."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Dict, List, Optional, Tuple

from rasa_sdk import Tracker

from actions import service_client
from actions.forms import intent_payload
from core.clock import CN_TZ, now_cn

WEEKDAYS = "一二三四五六日"
# Shorter than this, a time is a moment ("下午3点"), not a span to choose from ("下午").
EXACT = timedelta(minutes=59)
MAX_DAYS_PER_QUERY = 14


@dataclass(frozen=True)
class Window:
    """The span of time the user asked for."""

    start: datetime
    end: datetime

    @property
    def exact(self) -> bool:
        return self.end - self.start <= EXACT

    def encode(self) -> str:
        """ISO 8601 interval notation, for keeping the window in a text slot."""
        return f"{self.start.isoformat()}/{self.end.isoformat()}"

    @classmethod
    def decode(cls, text: str) -> Optional[Window]:
        try:
            start, end = text.split("/")
            return cls(_aware(datetime.fromisoformat(start)), _aware(datetime.fromisoformat(end)))
        except (ValueError, AttributeError):
            return None


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime
    kind: str
    remaining: int

    def label(self) -> str:
        return describe(self.start) + ("(延时)" if self.kind == "extended" else "")


@dataclass(frozen=True)
class Choice:
    """The outcome of looking for a slot: the slot, or why not and what else is free."""

    slot: Optional[Slot]
    problem: str
    alternatives: Tuple[Slot, ...] = ()


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=CN_TZ)


def describe(moment: datetime) -> str:
    """11月25日(周三) 09:00 — how people say a time back to check it."""
    local = moment.astimezone(CN_TZ)
    return f"{local.month}月{local.day}日(周{WEEKDAYS[local.weekday()]}) {local:%H:%M}"


def describe_window(window: Window) -> str:
    """A moment with its time, a span ("下周三上午") by its day."""
    if window.exact:
        return describe(window.start)
    local = window.start.astimezone(CN_TZ)
    return f"{local.month}月{local.day}日(周{WEEKDAYS[local.weekday()]})"


def window_from(value: Any, tracker: Tracker) -> Optional[Window]:
    """The window of the `time` entity whose value is `value` in the latest message.

    The entity's value is the start; the time parser puts the end into additional_info. A time
    chosen from a button carries no end and is a moment.
    """
    try:
        start = _aware(datetime.fromisoformat(str(value)))
    except ValueError:
        return None
    for entity in tracker.latest_message.get("entities") or []:
        if entity.get("entity") == "time" and str(entity.get("value")) == str(value):
            end = (entity.get("additional_info") or {}).get("end")
            if end:
                try:
                    return Window(start, _aware(datetime.fromisoformat(end)))
                except ValueError:
                    break
    return Window(start, start + timedelta(minutes=1))


async def fetch_slots(hall_id: str, service: str, first: date, last: date) -> List[Any]:
    """The API's days between `first` and `last` (at most 14 days, as the API allows)."""
    last = min(last, first + timedelta(days=MAX_DAYS_PER_QUERY - 1))
    body = await service_client.request(
        "GET",
        f"/v1/halls/{hall_id}/slots",
        params={"service": service, "date_from": first.isoformat(), "date_to": last.isoformat()},
    )
    return list(body.get("days") or [])


async def day_note(hall_id: str, service: str, day: date) -> str:
    """What the service says of `day` when its holiday arrangement is not yet official."""
    try:
        days = await fetch_slots(hall_id, service, day, day)
    except (service_client.ServiceError, service_client.ServiceUnavailable):
        return ""  # the read-back goes on; the booking's answer carries the note again
    return str(days[0].get("note") or "") if days else ""


def _free(days: List[Dict[str, Any]]) -> List[Slot]:
    return [
        Slot(
            _aware(datetime.fromisoformat(s["start"])),
            _aware(datetime.fromisoformat(s["end"])),
            s["kind"],
            int(s["remaining"]),
        )
        for day in days
        for s in day.get("slots") or []
        if int(s["remaining"]) > 0
    ]


async def next_free(hall_id: str, service: str, after: datetime, count: int = 4) -> List[Slot]:
    """The first `count` free slots from `after` on, over the next two weeks."""
    today = now_cn().date()
    first = max(after.astimezone(CN_TZ).date(), today)
    days = await fetch_slots(hall_id, service, first, first + timedelta(days=13))
    return [slot for slot in _free(days) if slot.start >= after][:count]


async def choose(hall_id: str, service: str, window: Window) -> Choice:
    """The slot that fits the window best, or a reason and nearby free slots."""
    now = now_cn()
    if window.end <= now:
        return Choice(None, f"{describe_window(window)}已经过去了,请换一个以后的时间。")
    start = max(window.start, now)
    try:
        days = await fetch_slots(hall_id, service, start.date(), window.end.date())
    except service_client.ServiceError as error:
        if error.code in ("beyond_booking_window", "date_in_past", "invalid_date_range"):
            return Choice(None, error.message)
        raise
    free = _free(days)
    if window.exact:
        fits = [s for s in free if s.start <= start < s.end]
    else:
        fits = [s for s in free if start <= s.start < window.end]
    if fits:
        return Choice(fits[0], "")
    closed = [d.get("closed_reason") for d in days if not d.get("open") and d.get("closed_reason")]
    if closed and not any(d.get("open") for d in days):
        problem = "、".join(dict.fromkeys(str(c) for c in closed))
    elif any(d.get("slots") for d in days):
        problem = "您要的时间段已经约满或不在办理时间内。"
    else:
        problem = "您要的时间大厅不办理这项业务。"
    alternatives = await next_free(hall_id, service, start)
    return Choice(None, problem, tuple(alternatives))


def slot_buttons(slots: Tuple[Slot, ...] | List[Slot]) -> List[Dict[str, str]]:
    """Buttons that choose a slot; the payload carries the time as an entity."""
    return [
        {"title": slot.label(), "payload": intent_payload("inform", time=slot.start.isoformat())}
        for slot in slots
    ]
