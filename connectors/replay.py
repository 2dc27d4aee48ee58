"""Signed requests accepted once: their nonces and signatures in the shared store.

A signature proves who made a request, not that it is new: within the timestamp window a
captured request could be sent again. So each accepted nonce (WeChat) or signature (hotline) is
kept in the shared store for as long as its timestamp is valid, and a second use is refused.
With REDIS_URL every gateway replica sees the same record.
"""

from __future__ import annotations

import enum
import hashlib

from connectors.store import KeyValueStore

PENDING = "pending"
DONE = "done"
# How long a request may hold its claim while it runs; beyond any turn (GATEWAY_RASA_TIMEOUT).
PENDING_SECONDS = 120.0


class Claim(enum.Enum):
    NEW = "new"
    PENDING = "pending"  # the same request is being handled right now
    DONE = "done"  # the same request was handled before


def fingerprint(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def nonce_key(scope: str, timestamp: str, nonce: str) -> str:
    """The store key of one nonce at one timestamp (hashed: both come from the query string)."""
    return f"{scope}:nonce:" + fingerprint(f"{timestamp}:{nonce}".encode())[:32]


def lifetime(window: int) -> float:
    """Seconds a timestamp stays acceptable: `window` either side of the moment it names."""
    return 2.0 * window + 1


class ReplayGuard:
    def __init__(self, store: KeyValueStore) -> None:
        self.store = store

    async def nonce_fits(self, key: str, body: bytes, window: int) -> bool:
        """Remember a nonce with the body it came with; False when it came with another body.

        The same nonce with the same body is the platform resending one request (a retry),
        which the message's own dedupe answers without a second turn."""
        digest = fingerprint(body)
        if await self.store.add(key, digest, lifetime(window)):
            return True
        stored = await self.store.get(key)
        return stored is None or stored == digest

    async def claim(self, key: str) -> Claim:
        """Take a signature for one request; a failed request gives it back (`release`)."""
        if await self.store.add(key, PENDING, PENDING_SECONDS):
            return Claim.NEW
        return Claim.DONE if await self.store.get(key) == DONE else Claim.PENDING

    async def settle(self, key: str, window: int) -> None:
        await self.store.set(key, DONE, lifetime(window))

    async def release(self, key: str) -> None:
        await self.store.delete(key)
