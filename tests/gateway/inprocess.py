"""A gateway app served in the test's own event loop (httpx.ASGITransport), lifespan included."""

from __future__ import annotations

import uuid
from contextlib import asynccontextmanager
from typing import AsyncIterator

import httpx

from bot.gateway import create_app
from bot.settings import Settings
from tests.gateway.fixtures import STAFF_PASSWORD, add_account


@asynccontextmanager
async def gateway_client(
    settings: Settings, desk: bool = False
) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the app; with `desk`, logged in as a new agent (cookie and CSRF header)."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("203.0.113.9", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://gw", timeout=30) as http:
            if desk:
                await log_in(http, settings, "agent")
            yield http


async def log_in(http: httpx.AsyncClient, settings: Settings, role: str) -> None:
    name = f"{role}-{uuid.uuid4().hex[:8]}"
    add_account(settings, name, role)
    response = await http.post("/api/login", json={"name": name, "password": STAFF_PASSWORD})
    assert response.status_code == 200, response.text
    http.headers["X-CSRF-Token"] = response.json()["csrf_token"]
