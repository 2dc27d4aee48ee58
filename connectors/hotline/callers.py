"""Repeat callers: the work orders a number's earlier calls left, shown when it calls again.

The number itself is never stored: only a keyed hash of it (HMAC-SHA256 with
HOTLINE_CALLER_KEY), so the store cannot be read back into phone numbers without the key,
and entries lapse after HOTLINE_REPEAT_WINDOW.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import datetime, timedelta, timezone
from typing import List, Literal, Optional

from pydantic import BaseModel, TypeAdapter

from connectors.store import KeyValueStore

# Earlier orders kept per number; a caller with more sees the latest ones.
KEPT = 10
_DIGITS = re.compile(r"[^0-9]")


class EarlierOrder(BaseModel):
    """What the desk shows of one earlier call of the same number."""

    call_id: str
    started_at: datetime
    status: Literal["通话中", "已生成工单"] = "通话中"
    category: str = ""
    department: str = ""
    summary: str = ""


_ORDERS = TypeAdapter(List[EarlierOrder])


class CallerHistory:
    """Earlier work orders by hashed caller number, in the gateway's key-value store."""

    def __init__(self, store: KeyValueStore, key: str, window: float) -> None:
        self.store = store
        self._key = key.encode()
        self.window = window

    def caller_key(self, number: str) -> str:
        """The keyed hash of a number; "" for none or one the platform already masked."""
        if "*" in number:
            return ""
        digits = _DIGITS.sub("", number)[-11:]
        if len(digits) < 7:
            return ""
        return hmac.new(self._key, digits.encode(), hashlib.sha256).hexdigest()[:32]

    async def earlier(self, caller_key: str, now: datetime, but: str = "") -> List[EarlierOrder]:
        """The number's work orders within the window, latest first, except call `but`."""
        if not caller_key:
            return []
        orders = await self._load(caller_key)
        since = now - timedelta(seconds=self.window)
        recent = [o for o in orders if o.started_at >= since and o.call_id != but]
        return sorted(recent, key=lambda o: o.started_at, reverse=True)

    async def record(self, caller_key: str, order: EarlierOrder) -> None:
        """Add or update the order of one call (callers serialise this per number)."""
        if not caller_key:
            return
        orders = [o for o in await self._load(caller_key) if o.call_id != order.call_id]
        orders = sorted([*orders, order], key=lambda o: o.started_at)[-KEPT:]
        await self.store.set(
            _store_key(caller_key), _ORDERS.dump_json(orders).decode(), self.window
        )

    async def _load(self, caller_key: str) -> List[EarlierOrder]:
        raw: Optional[str] = await self.store.get(_store_key(caller_key))
        return _ORDERS.validate_json(raw) if raw else []


def _store_key(caller_key: str) -> str:
    return f"hotline:caller:{caller_key}"


def utc_now() -> datetime:
    return datetime.now(timezone.utc)
