"""One log line per HTTP request with the route template, never the path or query string.

Paths and query strings carry WeChat OpenIDs, case numbers, phone and ID numbers, so the
services switch uvicorn's access log off and log through this middleware instead.
"""

from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class AccessLogMiddleware:
    """Logs `<name>.request method route status ms` for every HTTP request."""

    def __init__(self, app: ASGIApp, name: str) -> None:
        self.app = app
        self.name = name
        self.logger = logging.getLogger(f"bot.{name}.access")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_and_record(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_record)
        finally:
            route = getattr(scope.get("route"), "path", "<unmatched>")
            self.logger.info(
                "%s.request method=%s route=%s status=%s ms=%.1f",
                self.name,
                scope["method"],
                route,
                status,
                (time.perf_counter() - started) * 1000,
            )
