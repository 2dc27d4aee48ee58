"""The cluster's own redis-server keeps conversations across its restart (AOF, deploy/redis.md)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import redis

from bot.cluster import OwnRedis, free_port

pytestmark = pytest.mark.skipif(
    shutil.which("redis-server") is None, reason="no redis-server on PATH"
)

TRACKER = "banshi:tracker:web:restart-test"
EVENTS = b'{"events": [{"event": "user"}]}'


def tracker(own: OwnRedis) -> object:
    with redis.Redis(port=own.port) as client:
        return client.get(TRACKER)


def test_a_conversation_survives_a_restart_and_is_gone_once_the_cluster_stops(
    tmp_path: Path,
) -> None:
    own = OwnRedis(free_port(), tmp_path / "redis")
    own.start()
    try:
        with redis.Redis(port=own.port) as client:
            client.set(TRACKER, EVENTS)
        own.stop()
        own.start()
        assert tracker(own) == EVENTS
    finally:
        own.discard()
    own.start()
    try:
        assert tracker(own) is None
    finally:
        own.discard()
