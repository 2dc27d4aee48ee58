"""Without Rasa the health check says so with 503, and chat answers with a clear error."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import AsyncIterator, Optional

import httpx
import pytest
from fastapi import FastAPI

from bot.gateway import create_app
from bot.settings import Settings
from core.clock import CLOCK_FILE_ENV, CN_TZ, set_clock_file
from tests.gateway.servers import free_port


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    dead = f"http://127.0.0.1:{free_port()}"
    settings = Settings(
        var_dir=tmp_path,
        rasa_replicas=dead,
        action_port=free_port(),
        hotline_secret="s",
        cookie_secure=False,
    )
    app: FastAPI = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            yield client


async def test_health_is_503_while_rasa_is_down(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["dependencies"]["rasa"]["ok"] is False


async def test_chat_without_rasa_is_a_clear_503(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/chat", json={"message": "你好"})
    assert response.status_code == 503
    assert "12345" in response.json()["message"]


async def test_wechat_webhook_is_503_until_configured(client: httpx.AsyncClient) -> None:
    response = await client.get("/webhooks/wechat", params={"echostr": "1"})
    assert response.status_code == 503
    assert "WECHAT_TOKEN" in response.json()["message"]


@pytest.mark.parametrize(
    ("today", "warned"), [(datetime(2026, 10, 1, 9, tzinfo=CN_TZ), False), (None, True)]
)
async def test_health_warns_when_next_years_holiday_schedule_is_missing(
    client: httpx.AsyncClient,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    today: Optional[datetime],
    warned: bool,
) -> None:
    clock = tmp_path / "clock"
    monkeypatch.setenv(CLOCK_FILE_ENV, str(clock))
    # Sixty days before the last shipped year (2026) ends the detail and the log name 2027.
    set_clock_file(str(clock), today or datetime(2026, 11, 15, 9, tzinfo=CN_TZ))
    body = (await client.get("/healthz")).json()
    calendar = body["dependencies"]["holiday_calendar"]
    assert calendar["required"] is False and calendar["ok"] is not warned
    if warned:
        assert "2027年节假日安排尚未收录" in calendar["detail"]
        assert any("holiday_schedule_missing" in r.getMessage() for r in caplog.records)
    else:
        assert calendar["detail"] == "schedules published through 2026"
