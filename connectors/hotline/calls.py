"""Call state (transcript, entities, latest assist) and its live feed to the agent desk."""

from __future__ import annotations

import asyncio
import json
import logging
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import datetime
from typing import Any, AsyncIterator, Dict, List, Optional, Set
from weakref import WeakValueDictionary

from pydantic import BaseModel
from redis.asyncio import Redis
from redis.exceptions import LockError, RedisError

from connectors.store import KeyValueStore, StoreUnavailable

from .callers import EarlierOrder
from .handover import Handover
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
    summary_edit: str = ""  # the summary the agent wrote, if any (masked like the transcript)
    topic_text: str = ""  # the caller's line that stated the call's current purpose
    assist: Optional[Assist] = None
    # Every suggestion id the desk was given during the call: feedback may name only these.
    suggested: List[str] = []

    def caller_texts(self) -> List[str]:
        return [line.text for line in self.transcript if line.speaker == "caller"]


# A call's lock in Redis lapses after this long, so a gateway that died holding it blocks the
# call no longer; it is well above one line's work (an NLU parse is cut off after seconds).
LOCK_SECONDS = 30.0
# How long an update waits for another gateway's update of the same call before a 503.
LOCK_WAIT_SECONDS = 20.0


class CallStore:
    """Calls by id in the gateway's key-value store (memory, or Redis for several replicas)."""

    def __init__(
        self,
        store: KeyValueStore,
        ttl: float,
        redis: Optional[Redis] = None,
        prefix: str = "banshi:gateway:",
    ) -> None:
        self.store = store
        self.ttl = ttl
        self.redis = redis
        self.prefix = prefix
        # Utterances of one call are applied one at a time, so none overwrites another's update.
        # Weakly held: a lock lives while an update holds or awaits it, so the locks of ended
        # calls and of callers' histories do not pile up in a long-running process.
        self._locks: WeakValueDictionary[str, asyncio.Lock] = WeakValueDictionary()

    def lock(self, name: str) -> AbstractAsyncContextManager[None]:
        """Exclusive use of one call (or caller history) by name, across every gateway that
        shares the Redis; within this process only when there is none."""
        if self.redis is None:
            lock = self._locks.get(name)
            if lock is None:
                lock = self._locks[name] = asyncio.Lock()
            return _held(lock)
        return self._redis_lock(name)

    @asynccontextmanager
    async def _redis_lock(self, name: str) -> AsyncIterator[None]:
        # redis-py's Lock: SET NX with a token and expiry, released by a Lua check-and-delete.
        lock = self.redis.lock(  # type: ignore[union-attr]
            f"{self.prefix}hotline:lock:{name}",
            timeout=LOCK_SECONDS,
            blocking_timeout=LOCK_WAIT_SECONDS,
        )
        try:
            acquired = await lock.acquire()
        except (RedisError, OSError, TimeoutError) as error:
            raise StoreUnavailable(type(error).__name__) from error
        if not acquired:
            logger.warning("hotline.lock_timeout name=%s", name)
            raise StoreUnavailable("LockTimeout")
        try:
            yield
        finally:
            try:
                await lock.release()
            except LockError:
                # Held past LOCK_SECONDS: another gateway may have applied its line meanwhile.
                logger.error("hotline.lock_lapsed name=%s", name)
            except (RedisError, OSError, TimeoutError) as error:
                logger.warning("hotline.lock_release_failed name=%s error=%s", name, error)

    async def get(self, call_id: str) -> Optional[CallState]:
        raw = await self.store.get(f"hotline:call:{call_id}")
        return CallState.model_validate_json(raw) if raw else None

    async def put(self, state: CallState) -> None:
        await self.store.set(f"hotline:call:{state.call_id}", state.model_dump_json(), self.ttl)


@asynccontextmanager
async def _held(lock: asyncio.Lock) -> AsyncIterator[None]:
    async with lock:
        yield


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


# Updates kept in the Redis stream: enough for a gateway starting up to show the recent calls.
STREAM_LENGTH = 2000


class CallFeed:
    """Fan-out of call updates to the open agent-desk pages.

    Without Redis, to the desks of this gateway process. With Redis, every update is appended
    to one stream that each gateway reads (`follow`), so a desk sees the calls whichever
    gateway the platform's webhooks reached."""

    def __init__(
        self,
        recent: int = 50,
        queue_size: int = 200,
        max_subscribers: int = 50,
        redis: Optional[Redis] = None,
        stream: str = "banshi:gateway:hotline:feed",
        block_ms: int = 500,
    ) -> None:
        self._subscribers: Set[asyncio.Queue[str]] = set()
        self._recent: Dict[str, str] = {}
        self._handovers: Dict[str, str] = {}
        self._recent_limit = recent
        self._queue_size = queue_size
        self.max_subscribers = max_subscribers
        self.redis = redis
        self.stream = stream
        # Below the Redis client's socket timeout, or every quiet read would count as a failure.
        self.block_ms = block_ms

    async def publish(self, kind: str, state: CallState) -> None:
        call = state.model_dump(mode="json", exclude={"caller_key"})
        event = json.dumps({"type": kind, "call": call}, ensure_ascii=False)
        await self._send("call", state.call_id, event)

    async def publish_handover(self, handover: Handover) -> None:
        """A conversation handed over from the assistant, for every desk's queue."""
        body = handover.model_dump(mode="json")
        event = json.dumps({"type": "handover", "handover": body}, ensure_ascii=False)
        await self._send("handover", handover.id, event)

    async def _send(self, kind: str, key: str, event: str) -> None:
        if self.redis is None:
            self._deliver(kind, key, event)
            return
        try:
            await self.redis.xadd(
                self.stream,
                {"kind": kind, "call_id": key, "event": event},
                maxlen=STREAM_LENGTH,
                approximate=True,
            )
        except (RedisError, OSError, TimeoutError) as error:
            raise StoreUnavailable(type(error).__name__) from error

    async def follow(self) -> None:
        """Read the shared stream for as long as the gateway runs (with Redis only)."""
        if self.redis is None:
            return
        last: Any = "$"
        # redis-py types stream replies loosely: [(id, {field: value})], per stream for XREAD.
        history: Any
        batch: Any
        pause = 1.0
        while True:
            try:
                if last == "$":
                    history = await self.redis.xrevrange(self.stream, count=self._recent_limit * 4)
                    for _entry_id, fields in reversed(history or []):
                        self._deliver_fields(fields)
                    last = history[0][0] if history else "0-0"
                batch = await self.redis.xread({self.stream: last}, block=self.block_ms, count=200)
            except asyncio.CancelledError:
                raise
            except (RedisError, OSError, TimeoutError) as error:
                # Redis down: try again, less often the longer it lasts (at most every 10 s).
                logger.warning("hotline.feed_read_failed error=%s", type(error).__name__)
                await asyncio.sleep(pause)
                pause = min(pause * 2, 10.0)
                continue
            pause = 1.0
            for _stream, entries in batch or []:
                for entry_id, fields in entries:
                    last = entry_id
                    self._deliver_fields(fields)

    def _deliver_fields(self, fields: Dict[Any, Any]) -> None:
        kind = _text(fields.get(b"kind", fields.get("kind", "call")))
        key = _text(fields.get(b"call_id", fields.get("call_id", "")))
        event = _text(fields.get(b"event", fields.get("event", "")))
        if key and event:
            self._deliver(kind, key, event)

    def _deliver(self, kind: str, key: str, event: str) -> None:
        recent = self._handovers if kind == "handover" else self._recent
        recent[key] = event
        while len(recent) > self._recent_limit:
            recent.pop(next(iter(recent)))
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
        backlog = [*self._handovers.values(), *self._recent.values()]
        return Subscription(self, queue, backlog, heartbeat)

    def snapshot(self) -> List[Dict[str, Any]]:
        return [json.loads(event)["call"] for event in self._recent.values()]

    def handovers(self) -> List[Dict[str, Any]]:
        """The conversations recently handed over, oldest first."""
        return [json.loads(event)["handover"] for event in self._handovers.values()]


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _close(queue: asyncio.Queue[str]) -> None:
    """Replace what a full queue holds by the end-of-stream mark."""
    while not queue.empty():
        queue.get_nowait()
    queue.put_nowait(_CLOSE)
