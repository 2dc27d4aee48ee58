"""The web chat's conversation id, issued by the gateway in a signed cookie.

The id names the Rasa conversation (`web:<id>`) and the per-user rate limit, so the browser
must not be able to pick it: the cookie carries the id and an HMAC of it under SESSION_SECRET,
and a cookie whose signature does not match is replaced by a new conversation.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from typing import Optional

COOKIE = "banshi_chat"
MAX_AGE = 30 * 24 * 3600


class ChatSessions:
    def __init__(self, secret: str) -> None:
        self._secret = secret.encode()

    def _signature(self, session_id: str) -> str:
        digest = hmac.new(self._secret, b"chat:" + session_id.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def issue(self) -> tuple[str, str]:
        """A new id and the cookie value that carries it."""
        session_id = secrets.token_urlsafe(18)
        return session_id, f"{session_id}.{self._signature(session_id)}"

    def verify(self, cookie: Optional[str]) -> Optional[str]:
        """The id a cookie carries, if the gateway signed it."""
        session_id, _, signature = (cookie or "").partition(".")
        # On bytes: compare_digest refuses str with non-ASCII characters, which a cookie may hold.
        expected = self._signature(session_id).encode()
        if not session_id or not hmac.compare_digest(signature.encode(errors="replace"), expected):
            return None
        return session_id
