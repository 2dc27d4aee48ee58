"""The gateway's shared state on the machine's real Redis: SET NX, expiry, counters, limits."""

from __future__ import annotations

import asyncio
import uuid
from typing import AsyncIterator

import pytest
from redis.asyncio import Redis
from redis.exceptions import RedisError

from connectors.limits import RateLimiter
from connectors.store import RedisStore

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
async def store() -> AsyncIterator[RedisStore]:
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


async def test_dedupe_key_is_claimed_once_and_expires(store: RedisStore) -> None:
    assert await store.add("wechat:msg:1", "pending", ttl=0.3)
    assert not await store.add("wechat:msg:1", "pending", ttl=0.3)
    assert await store.get("wechat:msg:1") == "pending"
    await asyncio.sleep(0.5)
    assert await store.get("wechat:msg:1") is None
    assert await store.add("wechat:msg:1", "pending", ttl=0.3)


async def test_access_token_is_shared_through_redis(store: RedisStore) -> None:
    other_replica = RedisStore(store.redis, prefix=store.prefix)
    await store.set("wechat:access_token:wx1", "token-1", ttl=60)
    assert await other_replica.get("wechat:access_token:wx1") == "token-1"
    await other_replica.delete("wechat:access_token:wx1")
    assert await store.get("wechat:access_token:wx1") is None


async def test_counter_window_is_fixed_by_its_first_increment(store: RedisStore) -> None:
    assert [await store.incr("rate:x", ttl=0.5) for _ in range(3)] == [1, 2, 3]
    ttl = await store.redis.pttl(store.prefix + "rate:x")
    assert 0 < ttl <= 500
    await asyncio.sleep(0.7)
    assert await store.incr("rate:x", ttl=0.5) == 1


async def test_rate_limit_is_shared_by_two_gateway_replicas(store: RedisStore) -> None:
    first = RateLimiter(store, per_user=2, per_ip=0, window=60)
    second = RateLimiter(RedisStore(store.redis, prefix=store.prefix), 2, 0, 60)
    verdicts = [await first.check(user="web:u"), await second.check(user="web:u")]
    verdicts.append(await first.check(user="web:u"))
    assert [v.allowed for v in verdicts] == [True, True, False]
    # The counter key carries a hash of the user, never the id itself.
    keys = [key async for key in store.redis.scan_iter(match=store.prefix + "*")]
    assert keys and all(b"web:u" not in key for key in keys)
