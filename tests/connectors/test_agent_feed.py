"""The agent desk's live feed: a desk that falls behind is disconnected (so its page
reconnects and reloads), and the number of open streams is capped."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import List, Optional

import pytest

from bot.gateway import create_app
from connectors.hotline.calls import CallFeed, CallState, FeedFull
from tests.gateway.fixtures import gateway_settings, logged_in
from tests.gateway.servers import ServerThread


def call(call_id: str) -> CallState:
    return CallState(call_id=call_id, started_at=datetime.now(timezone.utc))


async def test_a_desk_whose_queue_overflowed_is_disconnected() -> None:
    feed = CallFeed(queue_size=5)
    stalled = feed.subscribe(heartbeat=0.05)
    got: List[Optional[str]] = [await anext(stalled)]  # subscribed; it then stops reading
    for i in range(10):
        await feed.publish("call", call(f"c{i}"))

    # It reads again: the stream ends instead of idling on heartbeats forever.
    async def drain() -> None:
        async for event in stalled:
            got.append(event)

    await asyncio.wait_for(drain(), timeout=2)
    assert len(got) < 10
    # A desk that keeps up is unaffected, and one that reconnects gets the recent calls.
    fresh = feed.subscribe(heartbeat=0.05)
    recent = [await anext(fresh) for _ in range(10)]
    assert all(event and '"call_id": "c' in event for event in recent)
    await fresh.aclose()


async def test_streams_beyond_the_cap_are_refused() -> None:
    feed = CallFeed(max_subscribers=2)
    first, second = feed.subscribe(), feed.subscribe()
    with pytest.raises(FeedFull):
        feed.subscribe()
    await first.aclose()
    third = feed.subscribe()  # a closed stream frees its place
    await second.aclose()
    await third.aclose()


def test_the_event_stream_over_the_cap_is_a_clear_503(tmp_path: Path) -> None:
    settings = gateway_settings(
        tmp_path,
        "http://127.0.0.1:9",
        "",
        agent_feed_max_subscribers=1,
        rasa_replicas="http://127.0.0.1:9",
    )
    with (
        ServerThread(create_app(settings)) as server,
        logged_in(server.url, settings, "agent") as http,
    ):
        with http.stream("GET", "/api/agent/events", timeout=10) as open_stream:
            assert open_stream.status_code == 200
            refused = http.get("/api/agent/events", timeout=10)
            assert refused.status_code == 503
            assert "连接数" in refused.json()["message"]
        # The closed stream gives its place to the next desk.
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            with http.stream("GET", "/api/agent/events", timeout=10) as reopened:
                if reopened.status_code == 200:
                    break
            time.sleep(0.1)
        assert reopened.status_code == 200
