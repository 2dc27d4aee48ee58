"""Deduplication of WeChat's retries across gateway replicas that share Redis."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any, AsyncIterator, Dict, List, Optional

import httpx
import pytest
from redis.asyncio import Redis
from wechatpy import parse_message

from connectors.rasa import BotMessage, RasaClient
from connectors.store import MemoryStore, RedisStore
from connectors.wechat.handler import WeChatConnector
from tests.gateway.wechat_peer import message_xml

REDIS_URL = "redis://127.0.0.1:6379/15"


class CountingRasa(RasaClient):
    """Answers after a short delay and counts turns; stands in for Rasa at the edge."""

    def __init__(self) -> None:
        super().__init__(httpx.AsyncClient(), ["http://rasa.invalid"], "t", 1.0, 1.0)
        self.turns: List[str] = []

    async def send(
        self, sender_id: str, text: str, metadata: Optional[Dict[str, Any]] = None
    ) -> List[BotMessage]:
        self.turns.append(text)
        await asyncio.sleep(0.3)
        return [BotMessage(text=f"已收到:{text}")]


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url(REDIS_URL)
    try:
        await client.ping()
    except Exception as error:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {error}")
    yield client
    await client.close()


async def test_replicas_sharing_redis_run_one_turn_per_message(redis: Redis) -> None:
    prefix = f"test:{uuid.uuid4().hex}:"
    rasa = CountingRasa()
    replicas = [
        WeChatConnector(rasa, None, RedisStore(redis, prefix), budget=2.0, dedupe_ttl=60)
        for _ in range(2)
    ]
    message = parse_message(message_xml("o1", "gh", "text", Content="居住证怎么办"))
    first, second = await asyncio.gather(replicas[0].handle(message), replicas[1].handle(message))
    assert rasa.turns == ["居住证怎么办"]
    assert first == second == "已收到:居住证怎么办"
    # A late retry, after the turn finished, gets the same reply from the shared record.
    assert await replicas[1].handle(message) == "已收到:居住证怎么办"
    assert rasa.turns == ["居住证怎么办"]


async def test_events_are_deduplicated_by_sender_and_time() -> None:
    rasa = CountingRasa()
    connector = WeChatConnector(rasa, None, MemoryStore(), budget=2.0, dedupe_ttl=60)
    event = message_xml("o2", "gh", "event", Event="subscribe", CreateTime=1700000000)
    later = message_xml("o2", "gh", "event", Event="subscribe", CreateTime=1700000100)
    await connector.handle(parse_message(event))
    await connector.handle(parse_message(event))
    await connector.handle(parse_message(later))
    assert rasa.turns == ["/greet", "/greet"]


async def test_memory_store_forgets_after_the_ttl() -> None:
    now = [0.0]
    store = MemoryStore(clock=lambda: now[0])
    assert await store.add("k", "v", ttl=10)
    assert not await store.add("k", "v", ttl=10)
    now[0] = 11.0
    assert await store.get("k") is None
    assert await store.add("k", "v2", ttl=10)
