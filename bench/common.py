"""Helpers shared by the benchmarks."""

from __future__ import annotations

import socket
import statistics
import threading
import time
from contextlib import contextmanager
from typing import TYPE_CHECKING, Dict, Iterator, List, Tuple

import httpx

if TYPE_CHECKING:
    from bot.settings import Settings


def percentiles(samples_ms: List[float]) -> Dict[str, float]:
    """p50 / p95 / p99 / mean of a list of milliseconds."""
    ordered = sorted(samples_ms)
    cuts = statistics.quantiles(ordered, n=100, method="inclusive")
    return {
        "n": len(ordered),
        "p50": round(cuts[49], 2),
        "p95": round(cuts[94], 2),
        "p99": round(cuts[98], 2),
        "mean": round(statistics.fmean(ordered), 2),
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# The web chat's session cookie (bot/gateway/chat_session.py): the gateway issues the id.
CHAT_COOKIE = "banshi_chat"


def chat_session(gateway_url: str) -> Tuple[str, str]:
    """A new web chat conversation: its sender id (without "web:") and the cookie header."""
    response = httpx.get(gateway_url + "/", timeout=30)
    value = response.cookies[CHAT_COOKIE]
    return value.split(".")[0], f"{CHAT_COOKIE}={value}"


@contextmanager
def served_gateway(settings: Settings) -> Iterator[str]:
    """The gateway app on `settings.gateway_port`, served in a thread for the block; its URL."""
    import uvicorn

    from bot.gateway import create_app

    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=settings.gateway_port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        while not server.started:
            time.sleep(0.05)
        yield settings.gateway_url
    finally:
        server.should_exit = True
        thread.join(timeout=10)
