"""Call state (transcript, entities, latest assist) and its live feed to the agent desk."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import datetime
from typing import Any, AsyncIterator, Dict, List, Optional, Set

from pydantic import BaseModel

from connectors.store import KeyValueStore

from .models import Assist

logger = logging.getLogger(__name__)


class Line(BaseModel):
    speaker: str
    text: str  # masked: phone and ID numbers never stored in clear
    time: datetime


class CallState(BaseModel):
    call_id: str
    caller: str = ""  # masked caller number
    line: str = ""
    started_at: datetime
    ended_at: Optional[datetime] = None
    transcript: List[Line] = []
    intents: List[str] = []
    topic_text: str = ""  # the caller's last utterance that named a topic
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


class CallFeed:
    """Fan-out of call updates to the open agent-desk pages of this gateway process."""

    def __init__(self, recent: int = 50) -> None:
        self._subscribers: Set[asyncio.Queue[str]] = set()
        self._recent: Dict[str, str] = {}
        self._recent_limit = recent

    def publish(self, kind: str, state: CallState) -> None:
        event = json.dumps(
            {"type": kind, "call": state.model_dump(mode="json")}, ensure_ascii=False
        )
        self._recent[state.call_id] = event
        while len(self._recent) > self._recent_limit:
            self._recent.pop(next(iter(self._recent)))
        for queue in list(self._subscribers):
            try:
                queue.put_nowait(event)
            except asyncio.QueueFull:
                # A stalled page must not hold up the others; it catches up on reconnect.
                logger.warning("hotline.feed_dropped_subscriber")
                self._subscribers.discard(queue)

    async def subscribe(self, heartbeat: float = 15.0) -> AsyncIterator[Optional[str]]:
        """The latest state of recent calls, then every update; None is a heartbeat tick."""
        queue: asyncio.Queue[str] = asyncio.Queue(maxsize=200)
        self._subscribers.add(queue)
        try:
            for event in list(self._recent.values()):
                yield event
            while True:
                try:
                    yield await asyncio.wait_for(queue.get(), heartbeat)
                except asyncio.TimeoutError:
                    yield None
        finally:
            self._subscribers.discard(queue)

    def snapshot(self) -> List[Dict[str, Any]]:
        return [json.loads(event)["call"] for event in self._recent.values()]
