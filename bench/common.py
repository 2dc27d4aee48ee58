"""Helpers shared by the benchmarks."""

from __future__ import annotations

import socket
import statistics
from typing import Dict, List, Tuple

import httpx


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
