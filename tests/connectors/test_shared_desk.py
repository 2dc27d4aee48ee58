"""Several gateways, one desk: call updates travel through the real Redis and no gateway's
update of a call overwrites another's."""

from __future__ import annotations

import asyncio
import json
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path
from typing import AsyncIterator, Iterator, List, Tuple

import httpx
import pytest
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.gateway import create_app
from connectors.hotline.calls import CallFeed, CallState, CallStore
from connectors.store import RedisStore
from core.masking import mask_text
from tests.assistant import Assistant
from tests.gateway.fixtures import RunningGateway, gateway_settings, hotline_headers
from tests.gateway.servers import ServerThread

REDIS_URL = "redis://127.0.0.1:6379/14"


async def connect() -> Redis:
    redis = Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=2)
    try:
        await redis.ping()
    except (RedisError, OSError):
        await redis.close()
        pytest.skip("no Redis on 127.0.0.1:6379")
    return redis


@pytest.fixture
async def two_clients() -> AsyncIterator[Tuple[Redis, Redis, str]]:
    """Two connections to one Redis, as two gateway processes have, and a private prefix."""
    first, second = await connect(), await connect()
    prefix = f"banshi-test:{uuid.uuid4().hex}:"
    yield first, second, prefix
    keys = [key async for key in first.scan_iter(match=prefix + "*")]
    if keys:
        await first.delete(*keys)
    await first.close()
    await second.close()


async def test_two_gateways_applying_lines_of_one_call_lose_none(
    two_clients: Tuple[Redis, Redis, str],
) -> None:
    first, second, prefix = two_clients
    stores = [
        CallStore(RedisStore(client, prefix=prefix), 3600, client, prefix=prefix)
        for client in (first, second)
    ]
    await stores[0].put(CallState(call_id="c1", started_at=datetime.now(timezone.utc)))

    async def apply(store: CallStore, n: int) -> None:
        async with store.lock("c1"):
            state = await store.get("c1")
            assert state is not None
            await asyncio.sleep(0.005)  # the other gateway reads meanwhile, if it can
            state.intents.append(f"line-{n}")
            await store.put(state)

    await asyncio.gather(*(apply(stores[n % 2], n) for n in range(30)))
    final = await stores[1].get("c1")
    assert final is not None
    assert sorted(final.intents) == sorted(f"line-{n}" for n in range(30))


async def test_an_update_on_one_gateway_reaches_the_desks_of_another(
    two_clients: Tuple[Redis, Redis, str],
) -> None:
    first, second, prefix = two_clients
    stream = prefix + "hotline:feed"
    publisher = CallFeed(redis=first, stream=stream, block_ms=200)
    reader = CallFeed(redis=second, stream=stream, block_ms=200)
    await publisher.publish(
        "call", CallState(call_id="before", started_at=datetime.now(timezone.utc))
    )
    following = asyncio.create_task(reader.follow())
    try:
        desk = reader.subscribe(heartbeat=0.1)
        await publisher.publish(
            "call", CallState(call_id="after", started_at=datetime.now(timezone.utc))
        )
        seen: List[str] = []
        async with asyncio.timeout(5):
            async for event in desk:
                if event:
                    seen.append(json.loads(event)["call"]["call_id"])
                if "after" in seen:
                    break
        # A desk opened on the reading gateway gets the calls of before it started, then news.
        assert seen == ["before", "after"]
        await desk.aclose()
    finally:
        following.cancel()


@pytest.fixture
def two_gateways(assistant: Assistant, tmp_path: Path) -> Iterator[List[RunningGateway]]:
    gateways: List[RunningGateway] = []
    servers: List[ServerThread] = []
    try:
        for name in ("a", "b"):
            settings = gateway_settings(
                tmp_path / name,
                "http://127.0.0.1:9",
                "",
                rasa_port=assistant.settings.rasa_port,
                action_port=assistant.settings.action_port,
                redis_url=REDIS_URL,
                feedback_database_url=f"sqlite:///{tmp_path / 'feedback.db'}",
            )
            server = ServerThread(create_app(settings)).__enter__()
            servers.append(server)
            gateways.append(RunningGateway(server.url, settings, None, None))  # type: ignore[arg-type]
        yield gateways
    finally:
        for server in servers:
            server.__exit__(None, None, None)


def post(gateway: RunningGateway, event: str, body: dict) -> httpx.Response:
    raw = json.dumps(body, ensure_ascii=False).encode()
    return httpx.post(
        f"{gateway.url}/webhooks/hotline/{event}",
        content=raw,
        headers=hotline_headers(raw),
        timeout=60,
    )


@pytest.mark.rasa
def test_a_call_spread_over_two_gateways_shows_whole_on_either_desk(
    two_gateways: List[RunningGateway],
) -> None:
    a, b = two_gateways
    call_id = "shared-" + uuid.uuid4().hex[:8]
    now = datetime.now(timezone.utc).isoformat()
    assert post(a, "call-started", {"call_id": call_id, "started_at": now}).status_code == 200
    lines = [
        "我们公司被列入经营异常名录了,怎么移出来",
        "去年的年报忘了报了",
        "在沈阳",
        "下周就要签合同了",
        "信用代码91210102MA0P5K8C75",
        "网上能办吗",
    ]
    # The platform's webhooks land on either gateway, several at once.
    with ThreadPoolExecutor(max_workers=len(lines)) as pool:
        replies = list(
            pool.map(
                lambda item: post(
                    (a, b)[item[0] % 2],
                    "utterance",
                    {"call_id": call_id, "speaker": "caller", "text": item[1]},
                ),
                enumerate(lines),
            )
        )
    assert [r.status_code for r in replies] == [200] * len(lines)
    ended = post(b, "call-ended", {"call_id": call_id})
    assert ended.json()["work_order"]["intent"] == "credit_repair"
    for gateway in (a, b):
        with gateway.login("agent") as desk:
            call = next(c for c in desk.get("/api/agent/calls").json() if c["call_id"] == call_id)
        # The transcript keeps every line, credit code masked like any personal number.
        expected = sorted(mask_text(line, keep_references=True) for line in lines)
        assert sorted(line["text"] for line in call["transcript"]) == expected
        assert call["ended_at"]
