"""Access token and customer-service sends against a local stand-in for WeChat's platform API."""

from __future__ import annotations

import logging
from typing import Any, AsyncIterator, Dict, List, Optional

import httpx
import pytest
from wechatpy import parse_message

from connectors.rasa import BotMessage, RasaClient
from connectors.store import MemoryStore
from connectors.wechat.api import WeChatApi
from connectors.wechat.handler import WeChatConnector
from tests.gateway.servers import FakeWeChatPlatform
from tests.gateway.wechat_peer import message_xml
from tests.log_guard import watch_secrets

APP_SECRET = "wechat-api-test-app-secret"
watch_secrets(APP_SECRET)


@pytest.fixture
def platform() -> FakeWeChatPlatform:
    return FakeWeChatPlatform("wxapp", APP_SECRET)


@pytest.fixture
async def api(platform: FakeWeChatPlatform) -> AsyncIterator[WeChatApi]:
    transport = httpx.ASGITransport(app=platform.app())
    async with httpx.AsyncClient(transport=transport) as http:
        yield WeChatApi(http, MemoryStore(), "http://wechat.test", "wxapp", APP_SECRET)


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


class LongAnswerRasa(RasaClient):
    """Answers with more than a passive reply holds, so the rest goes through the API."""

    def __init__(self) -> None:
        super().__init__(httpx.AsyncClient(), ["http://rasa.invalid"], "t", 1.0, 1.0)

    async def send(
        self, sender_id: str, text: str, metadata: Optional[Dict[str, Any]] = None
    ) -> List[BotMessage]:
        return [BotMessage(text="\n".join(f"第{i}条:请携带身份证原件办理。" for i in range(200)))]


@pytest.mark.parametrize("failing", ["token", "send"])
async def test_a_failed_customer_service_send_logs_no_credentials(
    platform: FakeWeChatPlatform, caplog: pytest.LogCaptureFixture, failing: str
) -> None:
    """The httpx error of a failed call names the URL, which carries secret= or access_token=."""
    if failing == "token":
        platform.token_status = 500
    else:
        platform.send_status = 500
    transport = httpx.ASGITransport(app=platform.app())
    async with httpx.AsyncClient(transport=transport) as http:
        api = WeChatApi(http, MemoryStore(), "http://wechat.test", "wxapp", APP_SECRET, retries=0)
        connector = WeChatConnector(LongAnswerRasa(), api, MemoryStore(), 2.0, 60)
        message = parse_message(message_xml("o-log", "gh", "text", Content="居住证"))
        with caplog.at_level(logging.INFO):
            first = await connector.handle(message)
            await connector.close()
    assert first and first.startswith("第0条")
    assert platform.texts_for("o-log") == []
    failure = [r.getMessage() for r in caplog.records if "wechat.cs_send_failed" in r.getMessage()]
    assert failure and "HTTPStatusError" in failure[0] and "status=500" in failure[0]
    logged = caplog.text + "".join(str(r.exc_info) for r in caplog.records)
    assert APP_SECRET not in logged
    assert "secret=" not in logged and "access_token=" not in logged
    assert not [t for t in platform.tokens_issued if t in logged]
