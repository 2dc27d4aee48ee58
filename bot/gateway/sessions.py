"""Server-side staff sessions and the CSRF tokens bound to them.

A login gets a random token in an HttpOnly cookie; the shared store (Redis when configured,
so every replica knows it) maps the token's hash to the account name until the session
expires or the person logs out. The account is looked up again on every request, so a
disabled account or a changed role takes effect at once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Optional

from connectors.store import KeyValueStore


def _key(token: str) -> str:
    # Only a hash is stored: a leaked store dump gives no usable cookie.
    return "staff:session:" + hashlib.sha256(token.encode()).hexdigest()


class StaffSessions:
    def __init__(self, store: KeyValueStore, ttl: int, secret: str) -> None:
        self.store = store
        self.ttl = ttl
        self._secret = secret.encode()

    async def create(self, name: str) -> str:
        token = secrets.token_urlsafe(32)
        await self.store.set(_key(token), name, self.ttl)
        return token

    async def name_for(self, token: str) -> Optional[str]:
        return await self.store.get(_key(token)) if token else None

    async def end(self, token: str) -> None:
        await self.store.delete(_key(token))

    def csrf_token(self, bound_to: str) -> str:
        """The token state-changing requests must echo: an HMAC of the session (or SSO name),
        which a page on another site can neither read nor compute."""
        return hmac.new(self._secret, b"csrf:" + bound_to.encode(), hashlib.sha256).hexdigest()
