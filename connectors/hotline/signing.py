"""HMAC-SHA256 signatures of the hotline platform's webhooks.

The platform sends `X-Hotline-Timestamp: <unix seconds>` and
`X-Hotline-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">` keyed with
HOTLINE_SECRET. Signing the timestamp with the body stops a captured request being replayed.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Optional

SIGNATURE_HEADER = "X-Hotline-Signature"
TIMESTAMP_HEADER = "X-Hotline-Timestamp"


class SignatureError(Exception):
    """The request is not from the hotline platform (or too old); answer 401."""


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The header value the platform sends for `body` at `timestamp`."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def verify(
    secret: str,
    timestamp: Optional[str],
    signature: Optional[str],
    body: bytes,
    window: int,
    now: Optional[float] = None,
) -> None:
    """Raise SignatureError unless `signature` is this body's, made within `window` seconds."""
    if not timestamp or not signature:
        raise SignatureError(f"缺少 {TIMESTAMP_HEADER} 或 {SIGNATURE_HEADER} 请求头")
    # isascii first: isdigit() also accepts other scripts' digits, which int() reads.
    if not (timestamp.isascii() and timestamp.isdigit()):
        raise SignatureError(f"{TIMESTAMP_HEADER} 应为 Unix 时间戳(秒)")
    if abs((now if now is not None else time.time()) - int(timestamp)) > window:
        raise SignatureError("请求时间戳已过期")
    # compare_digest: the comparison time must not reveal how much of a forgery was right. On
    # bytes, since it refuses str with non-ASCII characters (a header may carry any byte).
    given = signature.strip().encode("utf-8", errors="replace")
    if not hmac.compare_digest(sign(secret, timestamp, body).encode(), given):
        raise SignatureError("签名校验失败")
