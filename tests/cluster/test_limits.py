"""Rate limits and message size limits of the web chat, answered in Chinese."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any, AsyncIterator, Iterator

import httpx
import pytest

from bot.gateway import create_app
from bot.settings import Settings
from connectors.limits import RateLimiter
from connectors.store import MemoryStore
from tests.gateway.fixtures import APP_ID, WECHAT_TOKEN, gateway_settings
from tests.gateway.servers import ServerThread
from tests.gateway.wechat_peer import WeChatPeer, message_xml, new_aes_key

from .replicas import FakeReplica


@pytest.fixture(scope="module")
def replica() -> Iterator[ServerThread]:
    with ServerThread(FakeReplica("a").app()) as server:
        yield server


def _client(tmp_path: Path, replica: ServerThread, **limits: Any) -> Any:
    settings = Settings(
        var_dir=tmp_path,
        rasa_replicas=replica.url,
        hotline_secret="s",
        cookie_secure=False,  # plain http in the test
        **limits,
    )
    app = create_app(settings)

    async def client() -> AsyncIterator[httpx.AsyncClient]:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 50000))
            async with httpx.AsyncClient(transport=transport, base_url="http://gw") as http:
                yield http

    return client()


async def test_a_user_over_the_limit_gets_429_with_a_chinese_reply(
    tmp_path: Path, replica: ServerThread
) -> None:
    async for http in _client(tmp_path, replica, rate_limit_user=3, rate_limit_ip=0):
        statuses = []
        for _ in range(4):
            response = await http.post("/api/chat", json={"message": "你好"})
            statuses.append(response.status_code)
        assert statuses == [200, 200, 200, 429]
        assert "频繁" in response.json()["message"]
        assert int(response.headers["Retry-After"]) >= 1
        # Another user (a browser without this one's session cookie) is not affected.
        http.cookies.clear()
        other = await http.post("/api/chat", json={"message": "你好"})
        assert other.status_code == 200


async def test_one_address_over_the_ip_limit_is_refused_whatever_the_session(
    tmp_path: Path, replica: ServerThread
) -> None:
    async for http in _client(tmp_path, replica, rate_limit_user=0, rate_limit_ip=2):
        statuses = []
        for _ in range(3):
            http.cookies.clear()  # a new conversation each time
            statuses.append((await http.post("/api/chat", json={"message": "在吗"})).status_code)
        assert statuses == [200, 200, 429]


async def test_an_oversize_message_is_rejected_with_the_limit_named(
    tmp_path: Path, replica: ServerThread
) -> None:
    async for http in _client(tmp_path, replica, web_message_max_chars=2000):
        response = await http.post("/api/chat", json={"message": "办" * 2001})
        assert response.status_code == 413
        assert response.json()["error"] == "message_too_long"
        assert "2000" in response.json()["message"]
        at_limit = await http.post("/api/chat", json={"message": "办" * 2000})
        assert at_limit.status_code == 200


async def test_a_new_window_lets_the_user_write_again() -> None:
    now = [120.0]
    limiter = RateLimiter(MemoryStore(clock=lambda: now[0]), 1, 0, 60, clock=lambda: now[0])
    assert (await limiter.check(user="u")).allowed
    refused = await limiter.check(user="u")
    assert not refused.allowed and refused.scope == "user" and refused.retry_after == 60
    now[0] = 180.0
    assert (await limiter.check(user="u")).allowed


def test_a_wechat_user_over_the_limit_gets_a_text_reply(
    tmp_path: Path, replica: ServerThread
) -> None:
    aes_key = new_aes_key()
    settings = gateway_settings(
        tmp_path, "http://127.0.0.1:9", aes_key, rasa_replicas=replica.url, rate_limit_user=2
    )
    with ServerThread(create_app(settings)) as gateway, httpx.Client(timeout=30) as client:
        peer = WeChatPeer(gateway.url, WECHAT_TOKEN, APP_ID, aes_key)
        user = f"o{uuid.uuid4().hex[:27]}"
        replies = []
        for text in ("你好", "居住证怎么办", "在吗"):
            response = peer.post(client, message_xml(user, peer.account, "text", Content=text))
            reply = peer.reply(response)
            assert reply is not None
            replies.append(reply["Content"])
    # The stand-in replica echoes its name and the text; the third message never reached it.
    assert replies[:2] == ["a:你好", "a:居住证怎么办"]
    assert "频繁" in replies[2]
