"""The app factory: settings in, a FastAPI app out. Nothing connects until start-up."""

from __future__ import annotations

import json
import logging
from contextlib import asynccontextmanager
from typing import AsyncIterator, Optional

from fastapi import APIRouter, Depends, FastAPI

from bot.access_log import AccessLogMiddleware
from bot.settings import Settings, get_settings
from core.clock import now_cn
from core.workcalendar import schedule_warning

from .db import Database
from .deps import require_api_key
from .errors import install_error_handlers
from .routers import appointments, cases, halls, health, legal_checkups

logger = logging.getLogger(__name__)

API_VERSION = "1.0.0"

DESCRIPTION = """\
省级政务服务接口的参考实现：政务服务大厅与预约时段、预约办理、工单/办件/案件进度查询、企业法治体检申请。

* 所有 `/v1` 接口需要请求头 `X-API-Key`。
* 错误统一为 `{"error": "<代码>", "message": "<中文说明>"}`。
* 时间均为 ISO 8601、北京时间（`+08:00`）。
* 创建类 POST 需要 `Idempotency-Key`：同一键同一内容重试返回原结果，不会重复创建。
"""


def create_app(settings: Optional[Settings] = None) -> FastAPI:
    """Build the service API; the database is opened by the lifespan, not here."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = Database(settings.resolved_database_url())
        db.create_all()
        app.state.db = db
        app.state.api_key = settings.resolved_service_api_key()
        logger.info(
            "service_api.started database=%s", db.engine.url.render_as_string(hide_password=True)
        )
        schedule_warning(now_cn().date())
        try:
            yield
        finally:
            db.dispose()

    app = FastAPI(
        title="办事助手 · 政务服务接口（参考实现）",
        version=API_VERSION,
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.settings = settings
    install_error_handlers(app)
    app.add_middleware(AccessLogMiddleware, name="service_api")

    v1 = APIRouter(prefix="/v1", dependencies=[Depends(require_api_key)])
    for module in (halls, appointments, cases, legal_checkups):
        v1.include_router(module.router)
    app.include_router(health.router)
    app.include_router(v1)
    return app


def openapi_document(app: Optional[FastAPI] = None) -> str:
    """The OpenAPI contract as committed in docs/service_api.openapi.json."""
    spec = (app or create_app()).openapi()
    return json.dumps(spec, ensure_ascii=False, indent=2) + "\n"
