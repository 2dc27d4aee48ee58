"""A Redis that is down or hangs: a clear 503 on the hotline and the desk, and a Chinese reply
on WeChat within WeChat's five seconds."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, AsyncIterator, Dict, Iterator, List

import pytest

from bot.gateway.auth import SESSION_COOKIE
from tests.cluster.replicas import FakeReplica
from tests.gateway.fixtures import APP_ID, WECHAT_TOKEN, gateway_settings, hotline_headers
from tests.gateway.inprocess import gateway_client
from tests.gateway.servers import ServerThread, free_port
from tests.gateway.wechat_peer import WeChatPeer, message_xml, new_aes_key

WECHAT_LIMIT = 5.0


@pytest.fixture
def replica() -> Iterator[FakeReplica]:
    fake = FakeReplica("a")
    with ServerThread(fake.app()) as server:
        fake.url = server.url
        yield fake


@asynccontextmanager
async def hanging_redis() -> AsyncIterator[str]:
    """Accepts connections and never answers, like a Redis stuck in a long command."""
    held: List[asyncio.StreamWriter] = []

    async def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        for writer in held:
            writer.close()
        server.close()
        await server.wait_closed()


@asynccontextmanager
async def redis_at(kind: str) -> AsyncIterator[str]:
    if kind == "hanging":
        async with hanging_redis() as url:
            yield url
    else:
        yield f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there


def settings(
    tmp_path: Path, replica: FakeReplica, redis_url: str, aes_key: str = "", **overrides: Any
) -> Any:
    return gateway_settings(
        tmp_path,
        "http://127.0.0.1:9",
        aes_key,
        rasa_replicas=replica.url,
        redis_url=redis_url,
        **overrides,
    )


def signed(body: Dict[str, Any]) -> Dict[str, Any]:
    raw = json.dumps(body, ensure_ascii=False).encode()
    return {"content": raw, "headers": hotline_headers(raw)}


@pytest.mark.parametrize(
    ("kind", "socket_timeout"),
    [("down", 1.0), ("hanging", 1.0), ("hanging", 30.0)],
    # With a socket timeout longer than WeChat waits, the answer says the reply follows.
    ids=["down", "hanging", "hanging-past-the-budget"],
)
async def test_wechat_answers_in_chinese_within_its_limit(
    tmp_path: Path, replica: FakeReplica, kind: str, socket_timeout: float
) -> None:
    aes_key = new_aes_key()
    peer = WeChatPeer("http://gw", WECHAT_TOKEN, APP_ID, aes_key)
    xml = message_xml("o" + uuid.uuid4().hex[:27], peer.account, "text", Content="居住证怎么办")
    async with (
        redis_at(kind) as url,
        gateway_client(
            settings(tmp_path, replica, url, aes_key, redis_socket_timeout=socket_timeout)
        ) as http,
    ):
        started = time.monotonic()
        response = await asyncio.wait_for(
            http.post(
                "/webhooks/wechat",
                headers={"Content-Type": "text/xml"},
                **peer.request(xml, "safe"),
            ),
            timeout=15,
        )
        elapsed = time.monotonic() - started
    assert elapsed < WECHAT_LIMIT, f"answered after {elapsed:.1f} s"
    reply = peer.reply(response)
    assert reply is not None and "稍后" in reply["Content"]


@pytest.mark.parametrize("kind", ["down", "hanging"])
async def test_hotline_and_desk_get_a_clear_503(
    tmp_path: Path, replica: FakeReplica, kind: str
) -> None:
    call_id = "redis-" + uuid.uuid4().hex[:8]
    async with redis_at(kind) as url, gateway_client(settings(tmp_path, replica, url)) as http:
        started = time.monotonic()
        response = await http.post("/webhooks/hotline/call-started", **signed({"call_id": call_id}))
        assert time.monotonic() - started < WECHAT_LIMIT
        assert response.status_code == 503
        assert response.json()["error"] == "store_unavailable"
        assert "稍后" in response.json()["message"]
        # A logged-in desk: its session cannot be looked up while the store is out.
        http.cookies.set(SESSION_COOKIE, "a-session-token")
        feedback = await http.post(
            "/api/agent/feedback",
            json={"call_id": call_id, "suggestion_id": "a.b", "action": "used"},
        )
        assert feedback.status_code == 503
        # The web chat still answers: its rate limit lets messages through without Redis.
        chat = await http.post("/api/chat", json={"message": "你好"})
        assert chat.status_code == 200
