"""Short-lived shared state: in-process with expiry by default, Redis when REDIS_URL is set.

The gateway keeps three kinds of state here: WeChat dedupe keys, the WeChat access token and
hotline call state. With several gateway replicas all of it must live in Redis, so the
connectors only ever talk to this interface.
"""

from __future__ import annotations

import time
from typing import Callable, Dict, Optional, Protocol, Tuple

from redis.asyncio import Redis


class KeyValueStore(Protocol):
    async def add(self, key: str, value: str, ttl: float) -> bool:
        """Set `key` only if it is absent (SET NX); True when this call set it."""

    async def get(self, key: str) -> Optional[str]: ...

    async def set(self, key: str, value: str, ttl: float) -> None: ...

    async def delete(self, key: str) -> None: ...


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


class RedisStore:
    """The same interface on Redis, shared by every gateway replica."""

    def __init__(self, redis: Redis, prefix: str = "banshi:gateway:") -> None:
        self.redis = redis
        self.prefix = prefix

    async def add(self, key: str, value: str, ttl: float) -> bool:
        return bool(await self.redis.set(self.prefix + key, value, nx=True, px=_ms(ttl)))

    async def get(self, key: str) -> Optional[str]:
        value = await self.redis.get(self.prefix + key)
        if value is None:
            return None
        return value.decode() if isinstance(value, bytes) else str(value)

    async def set(self, key: str, value: str, ttl: float) -> None:
        await self.redis.set(self.prefix + key, value, px=_ms(ttl))

    async def delete(self, key: str) -> None:
        await self.redis.delete(self.prefix + key)


def _ms(ttl: float) -> int:
    return max(1, int(ttl * 1000))
