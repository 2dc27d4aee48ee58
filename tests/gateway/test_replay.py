"""Signed requests are accepted once: WeChat's safe mode cannot be downgraded, a nonce or a
hotline signature seen before is refused, and a platform's genuine retry is still answered."""

from __future__ import annotations

import json
import time
import uuid
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any, AsyncIterator, Dict, Iterator, List, Tuple

import httpx
import pytest
from redis.asyncio import Redis

from tests.cluster.replicas import FakeReplica
from tests.gateway.fixtures import APP_ID, WECHAT_TOKEN, gateway_settings, hotline_headers
from tests.gateway.inprocess import gateway_client
from tests.gateway.servers import ServerThread
from tests.gateway.wechat_peer import WeChatPeer, message_xml, new_aes_key

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def replica() -> Iterator[FakeReplica]:
    fake = FakeReplica("a")
    with ServerThread(fake.app()) as server:
        fake.url = server.url
        yield fake


async def redis_or_skip() -> None:
    client = Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        await client.ping()
    except Exception as error:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {error}")
    finally:
        await client.close()


def settings_for(tmp_path: Path, replica: FakeReplica, aes_key: str, **overrides: Any) -> Any:
    return gateway_settings(
        tmp_path, "http://127.0.0.1:9", aes_key, rasa_replicas=replica.url, **overrides
    )


@asynccontextmanager
async def gateways(
    tmp_path: Path, replica: FakeReplica, shared: str
) -> AsyncIterator[Tuple[httpx.AsyncClient, httpx.AsyncClient]]:
    """Two desk clients: of one gateway (embedded store), or of two replicas sharing Redis."""
    overrides: Dict[str, Any] = {}
    if shared == "redis":
        await redis_or_skip()
        overrides["redis_url"] = REDIS_URL
    async with AsyncExitStack() as stack:
        first = await stack.enter_async_context(
            gateway_client(settings_for(tmp_path, replica, "", **overrides), desk=True)
        )
        second = (
            await stack.enter_async_context(
                gateway_client(settings_for(tmp_path / "b", replica, "", **overrides), desk=True)
            )
            if shared == "redis"
            else first
        )
        yield first, second


def wechat_post(peer: WeChatPeer, request: Dict[str, Any]) -> Dict[str, Any]:
    return {"headers": {"Content-Type": "text/xml"}, "url": "/webhooks/wechat", **request}


def user() -> str:
    return "o" + uuid.uuid4().hex[:27]


async def test_plain_messages_are_refused_once_safe_mode_is_configured(
    tmp_path: Path, replica: FakeReplica
) -> None:
    aes_key = new_aes_key()
    peer = WeChatPeer("http://gw", WECHAT_TOKEN, APP_ID, aes_key)
    xml = message_xml(user(), peer.account, "text", Content="我是别人")
    async with gateway_client(settings_for(tmp_path, replica, aes_key)) as http:
        plain = await http.post(**wechat_post(peer, peer.request(xml, "plain")))
        assert plain.status_code == 403
        assert "加密" in plain.json()["message"]
        assert replica.seen == []
        for mode in ("compatible", "safe"):
            response = await http.post(**wechat_post(peer, peer.request(xml, mode)))
            assert response.status_code == 200
            assert "<Encrypt>" in response.text
    assert replica.seen == [f"wechat:{xml.split('<FromUserName>')[1].split('<')[0]}"]


async def test_plain_mode_works_when_no_aes_key_is_configured(
    tmp_path: Path, replica: FakeReplica
) -> None:
    peer = WeChatPeer("http://gw", WECHAT_TOKEN, APP_ID, new_aes_key())
    xml = message_xml(user(), peer.account, "text", Content="你好")
    async with gateway_client(settings_for(tmp_path, replica, "")) as http:
        response = await http.post(**wechat_post(peer, peer.request(xml, "plain")))
    reply = peer.reply(response)
    assert reply is not None and reply["Content"] == "a:你好"


@pytest.mark.parametrize("shared", ["memory", "redis"])
async def test_a_captured_query_string_cannot_carry_another_message(
    tmp_path: Path, replica: FakeReplica, shared: str
) -> None:
    """Without an AES key the signature covers only timestamp and nonce, not the body."""
    peer = WeChatPeer("http://gw", WECHAT_TOKEN, APP_ID, new_aes_key())
    victim, attacker = user(), user()
    genuine = peer.request(message_xml(victim, peer.account, "text", Content="查询我的预约"))
    forged_xml = message_xml(attacker, peer.account, "text", Content="冒充别人")
    forged = {"params": genuine["params"], "content": forged_xml.encode()}
    # With Redis the forgery goes to a second gateway replica, which must know the nonce too.
    async with gateways(tmp_path, replica, shared) as (first, second):
        assert (await first.post(**wechat_post(peer, genuine))).status_code == 200
        refused = await second.post(**wechat_post(peer, forged))
        assert refused.status_code == 403
        assert "nonce" in refused.json()["message"]
        # WeChat delivering the very same request again is a retry: answered, one turn.
        again = await second.post(**wechat_post(peer, genuine))
        assert peer.reply(again) is not None
    assert replica.seen == [f"wechat:{victim}"]


def signed(body: Dict[str, Any], timestamp: int | None = None) -> Dict[str, Any]:
    raw = json.dumps(body, ensure_ascii=False).encode()
    return {"content": raw, "headers": hotline_headers(raw, timestamp=timestamp)}


async def transcript(http: httpx.AsyncClient, call_id: str) -> List[str]:
    calls = (await http.get("/api/agent/calls")).json()
    return [line["text"] for c in calls if c["call_id"] == call_id for line in c["transcript"]]


@pytest.mark.parametrize("shared", ["memory", "redis"])
async def test_a_replayed_signed_utterance_is_refused_and_not_recorded(
    tmp_path: Path, replica: FakeReplica, shared: str
) -> None:
    call_id = "replay-" + uuid.uuid4().hex[:8]
    utterance = signed({"call_id": call_id, "speaker": "agent", "text": "您好,请讲"})
    async with gateways(tmp_path, replica, shared) as (first, second):
        started = await first.post("/webhooks/hotline/call-started", **signed({"call_id": call_id}))
        assert started.status_code == 200
        assert (await first.post("/webhooks/hotline/utterance", **utterance)).status_code == 200
        replayed = await second.post("/webhooks/hotline/utterance", **utterance)
        assert replayed.status_code == 409
        assert replayed.json()["error"] == "replayed_request"
        assert await transcript(first, call_id) == ["您好,请讲"]


async def test_a_retry_after_a_failed_attempt_is_processed(
    tmp_path: Path, replica: FakeReplica
) -> None:
    """The platform resends a request that got 503; its signature must not be spent by then."""
    call_id = "retry-" + uuid.uuid4().hex[:8]
    utterance = signed({"call_id": call_id, "speaker": "caller", "text": "我要投诉噪音扰民"})
    async with gateway_client(settings_for(tmp_path, replica, ""), desk=True) as http:
        await http.post("/webhooks/hotline/call-started", **signed({"call_id": call_id}))
        replica.failing = True
        assert (await http.post("/webhooks/hotline/utterance", **utterance)).status_code == 503
        replica.failing = False
        retried = await http.post("/webhooks/hotline/utterance", **utterance)
        assert retried.status_code == 200
        assert retried.json()["intent"] == "complaint"
        assert await transcript(http, call_id) == ["我要投诉噪音扰民"]


async def test_a_resigned_retry_of_the_same_utterance_is_answered_once(
    tmp_path: Path, replica: FakeReplica
) -> None:
    """A platform that signs each delivery anew: the utterance is identified by its time."""
    call_id = "resign-" + uuid.uuid4().hex[:8]
    body = {
        "call_id": call_id,
        "speaker": "caller",
        "text": "我要投诉噪音扰民",
        "time": "2026-03-02T09:30:05+08:00",
    }
    now = int(time.time())
    async with gateway_client(settings_for(tmp_path, replica, ""), desk=True) as http:
        await http.post("/webhooks/hotline/call-started", **signed({"call_id": call_id}))
        first = await http.post("/webhooks/hotline/utterance", **signed(body, now))
        retry = await http.post("/webhooks/hotline/utterance", **signed(body, now + 1))
        assert first.status_code == retry.status_code == 200
        assert retry.json() == first.json()
        assert await transcript(http, call_id) == ["我要投诉噪音扰民"]
        # The same words said again later are a new line.
        later = await http.post(
            "/webhooks/hotline/utterance", **signed({**body, "time": "2026-03-02T09:31:00+08:00"})
        )
        assert later.status_code == 200
        assert await transcript(http, call_id) == ["我要投诉噪音扰民"] * 2
