"""Idempotency-Key handling shared by every POST that creates something."""

from __future__ import annotations

import hashlib
import json
import secrets
from typing import Any, Mapping

from .errors import ApiError


def request_fingerprint(payload: Mapping[str, Any]) -> str:
    """A digest of the normalised request, so a retry can be told apart from a different request."""
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def ensure_same_request(stored_fingerprint: str, fingerprint: str) -> None:
    """Reject reusing a key for a different request: 422, as the IETF Idempotency-Key draft says."""
    if not secrets.compare_digest(stored_fingerprint, fingerprint):
        raise ApiError(
            422,
            "idempotency_key_reused",
            "该 Idempotency-Key 已用于另一笔内容不同的请求；新请求请生成新的 Idempotency-Key，"
            "重试原请求时请保持请求内容不变",
        )
