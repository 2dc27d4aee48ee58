"""Request bodies with a size limit, enforced before anything parses them.

`BodyLimit` wraps the whole app: a declared Content-Length over the route's cap is refused at
once, and a chunked body is counted while it streams in and refused as soon as it passes the
cap, so no route ever holds more than its cap in memory. Each route's cap fits what it takes
(a 2000-character chat message, a hotline utterance, a WeChat XML message); GATEWAY_MAX_BODY_BYTES
caps every route, the trainer pages included.
"""

from __future__ import annotations

from typing import Tuple

from fastapi import Request
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import GatewayError, error_response

KIB = 1024
MAX_BODY_BYTES = 1024 * KIB
# Path prefix → cap. JSON may escape each Chinese character as \uXXXX (six bytes), hence the room.
ROUTE_LIMITS: Tuple[Tuple[str, int], ...] = (
    ("/api/chat", 24 * KIB),  # a message of WEB_MESSAGE_MAX_CHARS (2000)
    ("/api/agent/feedback", 64 * KIB),  # edited text of up to 4000 characters
    ("/api/agent/calls/", 4 * KIB),  # a category key
    ("/webhooks/hotline/", 32 * KIB),  # an utterance of up to 2000 characters
    ("/webhooks/wechat", 256 * KIB),  # WeChat's messages are a few KiB of XML
)


def route_limit(path: str, ceiling: int) -> int:
    for prefix, limit in ROUTE_LIMITS:
        if path.startswith(prefix):
            return min(limit, ceiling)
    return ceiling


def _size(limit: int) -> str:
    if limit % (1024 * KIB) == 0:
        return f"{limit // (1024 * KIB)} MiB"
    if limit % KIB == 0:
        return f"{limit // KIB} KiB"
    return f"{limit} 字节"


def too_large_message(limit: int) -> str:
    return f"请求体超过 {_size(limit)} 上限"


class BodyTooLarge(HTTPException):
    """Raised from `receive` once a streamed body passes its cap; answered 413.

    An HTTPException, because FastAPI turns any other error while it reads a body into 400."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, too_large_message(limit))


class BodyLimit:
    """ASGI middleware: 413 for bodies over the route's cap, declared or streamed."""

    def __init__(self, app: ASGIApp, ceiling: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.ceiling = ceiling

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = route_limit(scope["path"], self.ceiling)
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            response = error_response(413, "body_too_large", too_large_message(limit))
            await response(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, counted, send)


async def read_limited(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The raw body, or 413 as soon as it exceeds `limit` (declared or actually sent)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise GatewayError(413, "body_too_large", too_large_message(limit))
    chunks = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise GatewayError(413, "body_too_large", too_large_message(limit))
        chunks.append(chunk)
    return b"".join(chunks)


def require_content_type(request: Request, *accepted: str) -> None:
    """415 unless the Content-Type's media type is one of `accepted`."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in accepted:
        raise GatewayError(
            415, "unsupported_media_type", f"Content-Type 应为 {' 或 '.join(accepted)}"
        )
