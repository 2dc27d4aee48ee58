"""The gateway app factory: settings in, a FastAPI app out; connections open in the lifespan."""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager
from typing import AsyncIterator, Optional

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from bot import retention
from bot.access_log import AccessLogMiddleware
from bot.settings import Settings, get_settings

from .body import BodyLimit
from .errors import install_error_handlers
from .paths import STATIC_DIR
from .resources import open_resources
from .routers import (
    accounts,
    agent,
    docs,
    health,
    hotline,
    knowledge_gaps,
    login,
    models,
    trainer,
    training,
    web,
    wechat,
)

logger = logging.getLogger(__name__)


def create_app(settings: Optional[Settings] = None) -> FastAPI:
    """Build the gateway; Rasa, Redis and the knowledge index are reached only at start-up."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        resources = await open_resources(settings)
        app.state.resources = resources
        # Personal data older than RETENTION_DAYS is deleted once a day (docs/privacy.md).
        purging = asyncio.create_task(retention.periodically(settings))
        try:
            yield
        finally:
            purging.cancel()
            await resources.close()

    app = FastAPI(
        title="办事助手 · 接入网关",
        description="微信公众号、12345热线坐席辅助与网页咨询的统一接入,见 docs/connectors.md。",
        lifespan=lifespan,
        # Served by routers/docs.py, to logged-in staff only.
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.settings = settings
    install_error_handlers(app)
    app.add_middleware(BodyLimit, ceiling=settings.gateway_max_body_bytes)
    app.add_middleware(AccessLogMiddleware, name="gateway")
    for module in (
        health,
        web,
        login,
        agent,
        trainer,
        knowledge_gaps,
        models,
        training,
        accounts,
        docs,
        wechat,
        hotline,
    ):
        app.include_router(module.router)
    # Public assets only: the staff pages live in pages/, behind a login (staff_pages.py).
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app
