"""Reading request bodies with a size limit, before anything parses them."""

from __future__ import annotations

from fastapi import Request

from .errors import GatewayError

MAX_BODY_BYTES = 1024 * 1024


async def read_limited(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The raw body, or 413 as soon as it exceeds `limit` (declared or actually sent)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise GatewayError(413, "body_too_large", "请求体超过 1 MiB 上限")
    chunks = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise GatewayError(413, "body_too_large", "请求体超过 1 MiB 上限")
        chunks.append(chunk)
    return b"".join(chunks)


def require_content_type(request: Request, *accepted: str) -> None:
    """415 unless the Content-Type's media type is one of `accepted`."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in accepted:
        raise GatewayError(
            415, "unsupported_media_type", f"Content-Type 应为 {' 或 '.join(accepted)}"
        )
