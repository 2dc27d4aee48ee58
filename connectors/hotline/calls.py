"""Call state (transcript, entities, latest assist) and its live feed to the agent desk."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import datetime
from typing import Any, Dict, List, Optional, Set

from pydantic import BaseModel

from connectors.store import KeyValueStore

from .callers import EarlierOrder
from .models import Assist
from .subject import LineReading

logger = logging.getLogger(__name__)


class Line(BaseModel):
    speaker: str
    text: str  # masked: phone and ID numbers never stored in clear
    time: datetime


class CallState(BaseModel):
    call_id: str
    caller: str = ""  # masked caller number
    caller_key: str = ""  # keyed hash of the number (callers.py); never sent to a desk
    earlier: List[EarlierOrder] = []  # the number's earlier work orders within the window
    line: str = ""
    started_at: datetime
    ended_at: Optional[datetime] = None
    transcript: List[Line] = []
    intents: List[str] = []
    readings: List[LineReading] = []  # each caller line as evidence for the call's subject
    pinned: str = ""  # the category the agent fixed, if any
    department: str = ""  # the unit the agent chose, if any
    topic_text: str = ""  # the caller's line that stated the call's current purpose
    assist: Optional[Assist] = None
    # Every suggestion id the desk was given during the call: feedback may name only these.
    suggested: List[str] = []

    def caller_texts(self) -> List[str]:
        return [line.text for line in self.transcript if line.speaker == "caller"]


class CallStore:
    """Calls by id in the gateway's key-value store (memory, or Redis for several replicas)."""

    def __init__(self, store: KeyValueStore, ttl: float) -> None:
        self.store = store
        self.ttl = ttl
        # Utterances of one call are applied one at a time, so none overwrites another's update.
        self._locks: Dict[str, asyncio.Lock] = {}

    def lock(self, call_id: str) -> asyncio.Lock:
        return self._locks.setdefault(call_id, asyncio.Lock())

    async def get(self, call_id: str) -> Optional[CallState]:
        raw = await self.store.get(f"hotline:call:{call_id}")
        return CallState.model_validate_json(raw) if raw else None

    async def put(self, state: CallState) -> None:
        await self.store.set(f"hotline:call:{state.call_id}", state.model_dump_json(), self.ttl)
        if state.ended_at is not None:
            self._locks.pop(state.call_id, None)


class FeedFull(Exception):
    """As many desks as allowed are already connected to this gateway process."""


# Put in a queue that overflowed: its reader ends the stream. Events are never empty.
_CLOSE = ""


class Subscription:
    """One desk's stream: the recent calls, then every update; None is a heartbeat tick."""

    def __init__(
        self, feed: CallFeed, queue: asyncio.Queue[str], backlog: List[str], heartbeat: float
    ) -> None:
        self._feed = feed
        self._queue = queue
        self._backlog = backlog
        self._heartbeat = heartbeat
        self._closed = False

    def __aiter__(self) -> Subscription:
        return self

    async def __anext__(self) -> Optional[str]:
        if self._backlog:
            return self._backlog.pop(0)
        if self._closed:
            raise StopAsyncIteration
        try:
            event = await asyncio.wait_for(self._queue.get(), self._heartbeat)
        except asyncio.TimeoutError:
            return None
        if event == _CLOSE:
            self.close()
            raise StopAsyncIteration
        return event

    async def aclose(self) -> None:
        self.close()

    def close(self) -> None:
        self._closed = True
        self._feed._subscribers.discard(self._queue)


class CallFeed:
    """Fan-out of call updates to the open agent-desk pages of this gateway process."""

    def __init__(self, recent: int = 50, queue_size: int = 200, max_subscribers: int = 50) -> None:
        self._subscribers: Set[asyncio.Queue[str]] = set()
        self._recent: Dict[str, str] = {}
        self._recent_limit = recent
        self._queue_size = queue_size
        self.max_subscribers = max_subscribers

    def publish(self, kind: str, state: CallState) -> None:
        call = state.model_dump(mode="json", exclude={"caller_key"})
        event = json.dumps({"type": kind, "call": call}, ensure_ascii=False)
        self._recent[state.call_id] = event
        while len(self._recent) > self._recent_limit:
            self._recent.pop(next(iter(self._recent)))
        for queue in list(self._subscribers):
            try:
                queue.put_nowait(event)
            except asyncio.QueueFull:
                # A stalled page must not hold up the others. Its stream is ended rather than
                # left open without updates: the browser reconnects and reloads recent calls.
                logger.warning("hotline.feed_dropped_subscriber")
                self._subscribers.discard(queue)
                _close(queue)

    def subscribe(self, heartbeat: float = 15.0) -> Subscription:
        """A new stream for one desk; FeedFull when `max_subscribers` are open already."""
        if len(self._subscribers) >= self.max_subscribers:
            logger.warning("hotline.feed_full subscribers=%s", len(self._subscribers))
            raise FeedFull()
        queue: asyncio.Queue[str] = asyncio.Queue(maxsize=self._queue_size)
        self._subscribers.add(queue)
        return Subscription(self, queue, list(self._recent.values()), heartbeat)

    def snapshot(self) -> List[Dict[str, Any]]:
        return [json.loads(event)["call"] for event in self._recent.values()]


def _close(queue: asyncio.Queue[str]) -> None:
    """Replace what a full queue holds by the end-of-stream mark."""
    while not queue.empty():
        queue.get_nowait()
    queue.put_nowait(_CLOSE)
