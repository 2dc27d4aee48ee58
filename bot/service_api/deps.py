"""Request dependencies, as `Annotated` aliases the routers put in their signatures."""

from __future__ import annotations

import re
import secrets
from datetime import datetime
from typing import Annotated, Iterator, Optional

from fastapi import Depends, Header, Request, Security
from fastapi.security import APIKeyHeader
from sqlalchemy.orm import Session

from bot.settings import Settings
from core.clock import now_cn

from .db import Database
from .errors import ApiError

_api_key_header = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="服务接口密钥（配置项 SERVICE_API_KEY）"
)

# Visible ASCII only, so a key is safe to store and compare byte-for-byte.
_IDEMPOTENCY_KEY_RE = re.compile(r"[\x21-\x7e]{1,255}")


def get_settings_dep(request: Request) -> Settings:
    """The settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


def get_database(request: Request) -> Database:
    """The database opened by the app's start-up."""
    db: Database = request.app.state.db
    return db


def get_session(db: Annotated[Database, Depends(get_database)]) -> Iterator[Session]:
    """A read session for one request, in one transaction."""
    with db.session() as session:
        yield session


def current_time() -> datetime:
    """Now, in Beijing time; tests override this dependency to freeze the clock."""
    return now_cn()


def require_api_key(
    request: Request, api_key: Annotated[Optional[str], Security(_api_key_header)]
) -> None:
    """Reject the request with 401 unless X-API-Key matches the configured key."""
    expected: str = request.app.state.api_key
    # compare_digest so that response timing does not reveal how much of a guess was right.
    if api_key is None or not secrets.compare_digest(api_key.encode(), expected.encode()):
        raise ApiError(
            401, "unauthorized", "缺少或错误的 X-API-Key 请求头，请使用分配给本系统的接口密钥"
        )


def idempotency_key(
    value: Annotated[
        Optional[str],
        Header(
            alias="Idempotency-Key",
            description="每笔新请求生成一个唯一值（如 UUID）；网络重试时沿用同一个值",
        ),
    ] = None,
) -> str:
    """The Idempotency-Key header, which every creating POST requires (400 if missing)."""
    if value is None or not value.strip():
        raise ApiError(
            400,
            "idempotency_key_missing",
            "缺少 Idempotency-Key 请求头：每笔新请求请生成一个唯一值（如 UUID），"
            "重试时沿用同一个值",
        )
    if not _IDEMPOTENCY_KEY_RE.fullmatch(value):
        raise ApiError(
            400, "idempotency_key_invalid", "Idempotency-Key 应为1至255个可见ASCII字符（如 UUID）"
        )
    return value


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
DatabaseDep = Annotated[Database, Depends(get_database)]
SessionDep = Annotated[Session, Depends(get_session)]
NowDep = Annotated[datetime, Depends(current_time)]
IdempotencyKeyDep = Annotated[str, Depends(idempotency_key)]
