"""The service API client: one httpx.AsyncClient per process, timeouts, retries, idempotency.

Only calls that are safe to repeat are retried: reads, cancellation (idempotent by contract) and
creations that carry an Idempotency-Key, so a retry after a lost response never books twice.
The key is derived from the content of what is created (`content_key`), not drawn at random: a
confirmation retried on another Rasa replica, after the first died before saving the
conversation, sends the same key and gets the same booking back.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json as jsonlib
import logging
from typing import Any, Dict, Mapping, Optional

import httpx

from bot.settings import get_settings

logger = logging.getLogger(__name__)
# httpx logs every request line at INFO, query string included; lookups carry phone and ID numbers.
logging.getLogger("httpx").setLevel(logging.WARNING)

BACKOFF_SECONDS = 0.3
_RETRY_STATUSES = frozenset({502, 503, 504})


class ServiceUnavailable(Exception):
    """The service API did not answer in time or at all; the user should be told honestly."""


class ServiceError(Exception):
    """The service API refused the request; `message` is written for the citizen."""

    def __init__(self, status: int, code: str, message: str, details: Any = None) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.details = details or []


_client: Optional[httpx.AsyncClient] = None


def content_key(kind: str, content: Mapping[str, Any]) -> str:
    """The Idempotency-Key of creating `content`: the same on every replica, for the same content.

    Keyed with the service API key (which every replica holds), so the key cannot be turned back
    into the ID and phone numbers it was made from.
    """
    canonical = jsonlib.dumps(dict(content), sort_keys=True, ensure_ascii=False, default=str)
    secret = get_settings().resolved_service_api_key().encode("utf-8")
    return f"{kind}-{hmac.new(secret, canonical.encode('utf-8'), hashlib.sha256).hexdigest()}"


def client() -> httpx.AsyncClient:
    """The process-wide client, created on first use (never at import time)."""
    global _client
    if _client is None or _client.is_closed:
        settings = get_settings()
        _client = httpx.AsyncClient(
            base_url=settings.service_api_url,
            headers={"X-API-Key": settings.resolved_service_api_key()},
            timeout=httpx.Timeout(
                settings.http_read_timeout, connect=settings.http_connect_timeout
            ),
        )
    return _client


async def request(
    method: str,
    path: str,
    *,
    params: Optional[Mapping[str, str]] = None,
    json: Optional[Dict[str, Any]] = None,
    idempotency_key: Optional[str] = None,
) -> Dict[str, Any]:
    """One API call with retries; the decoded JSON body, or ServiceError / ServiceUnavailable."""
    retryable = method == "GET" or idempotency_key is not None or path.endswith("/cancel")
    attempts = 1 + (get_settings().http_retries if retryable else 0)
    headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
    for attempt in range(attempts):
        if attempt:
            await asyncio.sleep(BACKOFF_SECONDS * 2 ** (attempt - 1))
        try:
            response = await client().request(
                method, path, params=params, json=json, headers=headers
            )
        except httpx.HTTPError as error:
            logger.warning(
                "service_api_unreachable",
                extra={
                    "path": _template(path),
                    "attempt": attempt + 1,
                    "error": type(error).__name__,
                },
            )
            continue
        if response.status_code in _RETRY_STATUSES:
            logger.warning(
                "service_api_unavailable",
                extra={"path": _template(path), "status": response.status_code},
            )
            continue
        return _decode(response)
    raise ServiceUnavailable(path)


def _decode(response: httpx.Response) -> Dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        body = {}
    if response.is_success and isinstance(body, dict):
        return body
    if not isinstance(body, dict):
        body = {}
    error = ServiceError(
        response.status_code,
        str(body.get("error") or "unexpected_response"),
        str(body.get("message") or "服务返回了无法识别的结果。"),
        body.get("details"),
    )
    if response.status_code >= 500 or error.code == "unexpected_response":
        logger.error("service_api_error", extra={"status": response.status_code})
        raise ServiceUnavailable(str(response.url.path))
    raise error


_ROUTE_WORDS = frozenset(
    {"v1", "halls", "slots", "appointments", "cancel", "cases", "legal-checkups"}
)


def _template(path: str) -> str:
    """The path with identifiers replaced, for logs: case and appointment numbers stay out."""
    parts = path.strip("/").split("/")
    return "/" + "/".join(p if p in _ROUTE_WORDS else "{id}" for p in parts)
