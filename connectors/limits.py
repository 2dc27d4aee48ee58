"""Per-user and per-IP rate limits: fixed-window counters in the gateway's shared store.

With REDIS_URL the counters are Redis INCR + EXPIRE keys, shared by every gateway replica;
without it they live in the process (connectors/store.py). A fixed window is coarse (a burst
at a window's edge may see up to twice the limit) but costs one counter per client and
window, which is what a public chat endpoint needs to stop floods.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass
from typing import Callable, List, Optional, Tuple

from connectors.store import KeyValueStore

logger = logging.getLogger(__name__)

RATE_LIMITED_REPLY = "您发送消息过于频繁,请稍等一分钟后再试。急事可拨打12345政务服务便民热线。"


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0
    scope: str = ""


class RateLimiter:
    """Counts requests per client key in windows of `window` seconds; 0 disables a limit."""

    def __init__(
        self,
        store: KeyValueStore,
        per_user: int,
        per_ip: int,
        window: int = 60,
        clock: Optional[Callable[[], float]] = None,
    ) -> None:
        self.store = store
        self.per_user = per_user
        self.per_ip = per_ip
        self.window = max(1, window)
        self._clock = clock or time.time

    async def check(self, user: str = "", ip: str = "") -> Verdict:
        """Count one request for `user` and `ip`; refused when either is over its limit.

        If the store is unreachable the request is let through and logged: a Redis outage
        should not silence the assistant for everyone."""
        now = self._clock()
        number = int(now // self.window)
        retry_after = max(1, int((number + 1) * self.window - now))
        checks: List[Tuple[str, str, int]] = [
            ("user", user, self.per_user),
            ("ip", ip, self.per_ip),
        ]
        for scope, client, limit in checks:
            if not client or limit <= 0:
                continue
            # Hashed: the key must not carry an OpenID or an IP address in clear.
            tag = hashlib.sha256(client.encode()).hexdigest()[:16]
            try:
                count = await self.store.incr(f"rate:{scope}:{tag}:{number}", self.window + 1)
            except Exception as error:
                logger.warning("gateway.rate_limit_unavailable error=%s", type(error).__name__)
                return Verdict(True)
            if count > limit:
                logger.info("gateway.rate_limited scope=%s client=%s", scope, tag[:10])
                return Verdict(False, retry_after, scope)
        return Verdict(True)
