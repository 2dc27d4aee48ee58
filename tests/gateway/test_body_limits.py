"""Request bodies are capped before anything parses them: by Content-Length, and while a
chunked body streams in; each route has a cap that fits what it accepts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from bot.gateway import create_app
from tests.cluster.replicas import FakeReplica
from tests.gateway.fixtures import gateway_settings, hotline_headers
from tests.gateway.inprocess import gateway_client
from tests.gateway.servers import ServerThread

MB = 1024 * 1024


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    replica = FakeReplica("a")
    with ServerThread(replica.app()) as rasa:
        settings = gateway_settings(
            tmp_path_factory.mktemp("limits"), "http://127.0.0.1:9", "", rasa_replicas=rasa.url
        )
        with ServerThread(create_app(settings)) as server:
            yield server.url


def padded_chat(size: int) -> bytes:
    return json.dumps(
        {"sender_id": "bigsender1", "message": "你好", "padding": "x" * size}
    ).encode()


def assert_too_large(response: httpx.Response) -> None:
    assert response.status_code == 413
    assert response.json()["error"] == "body_too_large"
    assert "上限" in response.json()["message"]


def test_a_30_mb_chat_body_is_refused_by_its_declared_length(gateway: str) -> None:
    response = httpx.post(
        f"{gateway}/api/chat",
        content=padded_chat(30 * MB),
        headers={"Content-Type": "application/json"},
        timeout=60,
    )
    assert_too_large(response)


def test_a_chunked_chat_body_is_refused_while_it_streams(gateway: str) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"sender_id": "bigsender1", "message": "\\u4f60\\u597d", "padding": "'
        for _ in range(480):  # 30 MB, unless the gateway stops reading first
            yield b"x" * 65536
        yield b'"}'

    try:
        response = httpx.post(
            f"{gateway}/api/chat",
            content=chunks(),
            headers={"Content-Type": "application/json"},
            timeout=60,
        )
    except httpx.RemoteProtocolError:
        pytest.fail("the gateway hung up instead of answering 413")
    assert_too_large(response)


def test_a_chat_message_within_its_cap_is_answered(gateway: str) -> None:
    response = httpx.post(
        f"{gateway}/api/chat", json={"sender_id": "smallsender", "message": "办" * 2000}, timeout=30
    )
    assert response.status_code == 200


def test_each_route_has_a_cap_that_fits_its_requests(gateway: str) -> None:
    """Far below the global 1 MiB: a chat message is 2000 characters, an utterance too."""
    chat = httpx.post(
        f"{gateway}/api/chat",
        content=padded_chat(100_000),
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    assert_too_large(chat)
    feedback = json.dumps(
        {"call_id": "x", "suggestion_id": "a.b", "action": "used", "edited_text": "x" * 200_000}
    ).encode()
    assert_too_large(
        httpx.post(
            f"{gateway}/api/agent/feedback",
            content=feedback,
            headers={"Content-Type": "application/json"},
            timeout=30,
        )
    )
    utterance = json.dumps({"call_id": "x", "speaker": "caller", "text": "长" * 100_000}).encode()
    assert_too_large(
        httpx.post(
            f"{gateway}/webhooks/hotline/utterance",
            content=utterance,
            headers=hotline_headers(utterance),
            timeout=30,
        )
    )


async def test_a_lower_global_cap_applies_to_every_route(tmp_path: Path) -> None:
    settings = gateway_settings(
        tmp_path,
        "http://127.0.0.1:9",
        "",
        gateway_max_body_bytes=1000,
        rasa_replicas="http://127.0.0.1:9",
    )
    async with gateway_client(settings) as http:
        response = await http.post(
            "/api/chat", content=padded_chat(2000), headers={"Content-Type": "application/json"}
        )
    assert_too_large(response)
    assert "1000" in response.json()["message"] or "KiB" in response.json()["message"]
