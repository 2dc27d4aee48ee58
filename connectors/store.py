"""Short-lived shared state: in-process with expiry by default, Redis when REDIS_URL is set.

The gateway keeps five kinds of state here: WeChat dedupe keys, the WeChat access token,
hotline call state, rate-limit counters and the nonces of signed requests. With several
gateway replicas all of it must live in Redis, so the connectors only ever talk to this
interface. A Redis that is down or does not answer within its socket timeout raises
StoreUnavailable, which every endpoint turns into a clear 503 or a Chinese reply.
"""

from __future__ import annotations

import time
from typing import Awaitable, Callable, Dict, Optional, Protocol, Tuple, TypeVar

from redis.asyncio import Redis
from redis.exceptions import RedisError

T = TypeVar("T")


class StoreUnavailable(Exception):
    """The shared store cannot be reached (refused, timed out, or failed)."""


class KeyValueStore(Protocol):
    async def add(self, key: str, value: str, ttl: float) -> bool:
        """Set `key` only if it is absent (SET NX); True when this call set it."""

    async def get(self, key: str) -> Optional[str]: ...

    async def set(self, key: str, value: str, ttl: float) -> None: ...

    async def delete(self, key: str) -> None: ...

    async def incr(self, key: str, ttl: float) -> int:
        """Add one to a counter and return it; a new counter expires after `ttl` seconds."""


class MemoryStore:
    """A dict with per-key expiry, for one gateway process."""

    def __init__(self, clock: Optional[Callable[[], float]] = None) -> None:
        self._items: Dict[str, Tuple[str, float]] = {}
        self._clock = clock or time.monotonic
        self._writes = 0

    def _live(self, key: str) -> Optional[str]:
        item = self._items.get(key)
        if item is None:
            return None
        value, expires = item
        if expires <= self._clock():
            del self._items[key]
            return None
        return value

    def _sweep(self) -> None:
        # Expired keys are dropped lazily, with a full sweep now and then, so memory stays bounded.
        self._writes += 1
        if self._writes % 1000:
            return
        now = self._clock()
        for key in [k for k, (_, expires) in self._items.items() if expires <= now]:
            del self._items[key]

    async def add(self, key: str, value: str, ttl: float) -> bool:
        if self._live(key) is not None:
            return False
        await self.set(key, value, ttl)
        return True

    async def get(self, key: str) -> Optional[str]:
        return self._live(key)

    async def set(self, key: str, value: str, ttl: float) -> None:
        self._sweep()
        self._items[key] = (value, self._clock() + ttl)

    async def delete(self, key: str) -> None:
        self._items.pop(key, None)

    async def incr(self, key: str, ttl: float) -> int:
        item = self._items.get(key)
        if self._live(key) is None or item is None:
            await self.set(key, "1", ttl)
            return 1
        count = int(item[0]) + 1
        # The window keeps its original expiry, as with Redis INCR on a key that has a TTL.
        self._items[key] = (str(count), item[1])
        return count


class RedisStore:
    """The same interface on Redis, shared by every gateway replica."""

    def __init__(self, redis: Redis, prefix: str = "banshi:gateway:") -> None:
        self.redis = redis
        self.prefix = prefix

    async def add(self, key: str, value: str, ttl: float) -> bool:
        return bool(await _guard(self.redis.set(self.prefix + key, value, nx=True, px=_ms(ttl))))

    async def get(self, key: str) -> Optional[str]:
        value = await _guard(self.redis.get(self.prefix + key))
        if value is None:
            return None
        return value.decode() if isinstance(value, bytes) else str(value)

    async def set(self, key: str, value: str, ttl: float) -> None:
        await _guard(self.redis.set(self.prefix + key, value, px=_ms(ttl)))

    async def delete(self, key: str) -> None:
        await _guard(self.redis.delete(self.prefix + key))

    async def incr(self, key: str, ttl: float) -> int:
        return await _guard(self._incr(key, ttl))

    async def _incr(self, key: str, ttl: float) -> int:
        # The expiry is set only when the counter has none (its first increment), so the window
        # is fixed and never extended; a counter left without TTL by a crash gets one next time.
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.incr(self.prefix + key)
            pipe.pttl(self.prefix + key)
            count, pttl = await pipe.execute()
        if int(pttl) < 0:
            await self.redis.pexpire(self.prefix + key, _ms(ttl))
        return int(count)


async def _guard(call: Awaitable[T]) -> T:
    """Run one Redis call; any failure to reach Redis becomes StoreUnavailable."""
    try:
        return await call
    except (RedisError, OSError, TimeoutError) as error:
        # The type only: a connection error's text may carry the Redis URL and its password.
        raise StoreUnavailable(type(error).__name__) from error


def _ms(ttl: float) -> int:
    return max(1, int(ttl * 1000))
