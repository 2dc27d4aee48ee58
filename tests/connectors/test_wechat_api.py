"""Access token and customer-service sends against a local stand-in for WeChat's platform API."""

from __future__ import annotations

import logging
from typing import AsyncIterator

import httpx
import pytest

from connectors.store import MemoryStore
from connectors.wechat.api import WeChatApi
from tests.gateway.servers import FakeWeChatPlatform


@pytest.fixture
def platform() -> FakeWeChatPlatform:
    return FakeWeChatPlatform("wxapp", "s3cret")


@pytest.fixture
async def api(platform: FakeWeChatPlatform) -> AsyncIterator[WeChatApi]:
    transport = httpx.ASGITransport(app=platform.app())
    async with httpx.AsyncClient(transport=transport) as http:
        yield WeChatApi(http, MemoryStore(), "http://wechat.test", "wxapp", "s3cret")


async def test_token_is_fetched_once_and_reused(
    api: WeChatApi, platform: FakeWeChatPlatform
) -> None:
    assert await api.send_text("user1", "第一条")
    assert await api.send_text("user1", "第二条")
    assert platform.token_requests == 1
    assert platform.texts_for("user1") == ["第一条", "第二条"]


async def test_rejected_token_is_refreshed_and_the_send_retried(
    api: WeChatApi, platform: FakeWeChatPlatform
) -> None:
    assert await api.send_text("user1", "预热")
    platform.tokens_issued.append("rotated-elsewhere")  # the cached token is no longer valid
    assert await api.send_text("user1", "换了令牌也能送达")
    assert platform.token_requests == 2
    assert platform.texts_for("user1")[-1] == "换了令牌也能送达"


@pytest.mark.parametrize("errcode", [45015, 45047])
async def test_refused_sends_are_logged_and_dropped(
    api: WeChatApi,
    platform: FakeWeChatPlatform,
    caplog: pytest.LogCaptureFixture,
    errcode: int,
) -> None:
    platform.send_errors.append(errcode)
    with caplog.at_level(logging.WARNING):
        assert await api.send_text("user1", "发不出去") is False
    assert platform.texts_for("user1") == []
    assert f"errcode={errcode}" in caplog.text


async def test_bad_credentials_raise_instead_of_looping(platform: FakeWeChatPlatform) -> None:
    transport = httpx.ASGITransport(app=platform.app())
    async with httpx.AsyncClient(transport=transport) as http:
        api = WeChatApi(http, MemoryStore(), "http://wechat.test", "wxapp", "wrong")
        with pytest.raises(Exception, match="40013"):
            await api.send_text("user1", "x")
    assert platform.token_requests == 1
