"""A number that called before shows its earlier work orders; the number is never stored."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import AsyncIterator, List, Optional, cast

import pytest
from redis.asyncio import Redis
from redis.exceptions import RedisError

from connectors.hotline.assist import AgentAssist
from connectors.hotline.callers import CallerHistory
from connectors.hotline.calls import CallFeed, CallStore
from connectors.hotline.feedback import FeedbackStore
from connectors.hotline.models import CallEnded, CallStarted
from connectors.hotline.service import HotlineService
from connectors.rasa import RasaClient
from connectors.store import KeyValueStore, MemoryStore, RedisStore
from knowledge.search import default_index

REDIS_URL = "redis://127.0.0.1:6379/0"
NUMBER = "13812345678"


class Recording(MemoryStore):
    """The in-memory store, keeping every value written so a test can read them all."""

    def __init__(self) -> None:
        super().__init__()
        self.written: List[str] = []

    async def set(self, key: str, value: str, ttl: float) -> None:
        self.written.append(key + value)
        await super().set(key, value, ttl)


@pytest.fixture(params=["memory", "redis"])
async def store(request: pytest.FixtureRequest) -> AsyncIterator[KeyValueStore]:
    if request.param == "memory":
        yield Recording()
        return
    redis = Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        await redis.ping()
    except (RedisError, OSError):
        await redis.close()
        pytest.skip("no Redis on 127.0.0.1:6379")
    prefix = f"banshi-test:{uuid.uuid4().hex}:"
    yield RedisStore(redis, prefix=prefix)
    keys = [key async for key in redis.scan_iter(match=prefix + "*")]
    if keys:
        await redis.delete(*keys)
    await redis.close()


def service(store: KeyValueStore, tmp_path: Path, window: float = 86400) -> HotlineService:
    # Starting and ending a call never asks NLU: no Rasa behind this assist.
    assist = AgentAssist(cast(RasaClient, None), default_index)
    feedback = FeedbackStore(f"sqlite:///{tmp_path / 'feedback.db'}")
    history = CallerHistory(store, "test-caller-key", window)
    return HotlineService(CallStore(store, 3600), CallFeed(), assist, feedback, history)


async def call(hotline: HotlineService, number: str, started_at: Optional[datetime] = None) -> str:
    call_id = "call-" + uuid.uuid4().hex[:8]
    await hotline.started(CallStarted(call_id=call_id, caller_number=number, started_at=started_at))
    await hotline.ended(CallEnded(call_id=call_id))
    return call_id


async def test_a_repeat_caller_sees_the_earlier_work_orders(
    store: KeyValueStore, tmp_path: Path
) -> None:
    hotline = service(store, tmp_path)
    first = await call(hotline, NUMBER)
    second = await hotline.started(CallStarted(call_id="again-1", caller_number="138-1234-5678"))
    assert [o.call_id for o in second.earlier] == [first]
    assert second.earlier[0].status == "已生成工单"
    other = await hotline.started(CallStarted(call_id="other-1", caller_number="13900001111"))
    assert other.earlier == []
    # What the desk receives names the earlier call, but neither the number nor its hash.
    event = hotline.feed.snapshot()[-2]
    assert event["call_id"] == "again-1" and event["earlier"][0]["call_id"] == first
    assert "caller_key" not in event and NUMBER not in str(event)


async def test_earlier_calls_outside_the_window_are_not_shown(
    store: KeyValueStore, tmp_path: Path
) -> None:
    hotline = service(store, tmp_path, window=7 * 86400)
    await call(hotline, NUMBER, datetime.now(timezone.utc) - timedelta(days=8))
    recent = await call(hotline, NUMBER, datetime.now(timezone.utc) - timedelta(days=2))
    state = await hotline.started(CallStarted(call_id="again-2", caller_number=NUMBER))
    assert [o.call_id for o in state.earlier] == [recent]


async def test_a_masked_number_is_not_matched(store: KeyValueStore, tmp_path: Path) -> None:
    hotline = service(store, tmp_path)
    await call(hotline, "138****5678")
    state = await hotline.started(CallStarted(call_id="again-3", caller_number="138****5678"))
    assert state.earlier == []


async def test_the_number_is_stored_only_as_a_keyed_hash(tmp_path: Path) -> None:
    store = Recording()
    hotline = service(store, tmp_path)
    await call(hotline, NUMBER)
    await call(hotline, NUMBER)
    assert store.written
    assert not any(NUMBER in value or "12345678" in value for value in store.written)
    keyed = CallerHistory(store, "another-key", 60).caller_key(NUMBER)
    assert keyed != hotline.callers.caller_key(NUMBER)
