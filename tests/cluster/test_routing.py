"""The gateway's routing over several Rasa replicas: stickiness, failover, down marks."""

from __future__ import annotations

from contextlib import AsyncExitStack
from pathlib import Path
from typing import AsyncIterator, Dict, Iterator, List, Tuple

import httpx
import pytest
from fastapi import FastAPI

from bot.gateway import create_app
from bot.settings import Settings
from connectors.rasa import RasaClient
from tests.assistant import Assistant
from tests.gateway.servers import ServerThread, free_port

from .replicas import DyingReplica, FakeReplica

SENDERS = [f"user{i:04d}abcd" for i in range(40)]


@pytest.fixture
def replicas() -> Iterator[Tuple[List[FakeReplica], List[ServerThread]]]:
    fakes = [FakeReplica("a"), FakeReplica("b")]
    servers = [ServerThread(f.app()) for f in fakes]
    for server in servers:
        server.__enter__()
    yield fakes, servers
    for server in servers:
        server.__exit__()


@pytest.fixture
async def recorded_client() -> AsyncIterator[Tuple[httpx.AsyncClient, List[str]]]:
    """The gateway's HTTP client, recording every URL it posts to (including refused ones)."""
    attempts: List[str] = []

    async def record(request: httpx.Request) -> None:
        attempts.append(f"{request.url.scheme}://{request.url.netloc.decode()}")

    async with httpx.AsyncClient(timeout=30, event_hooks={"request": [record]}) as http:
        yield http, attempts


async def _chat(app: FastAPI, messages: List[Tuple[str, str]]) -> List[httpx.Response]:
    """Each (user, message) in turn; every user is a browser of its own, with its own cookie."""
    async with app.router.lifespan_context(app), AsyncExitStack() as stack:
        transport = httpx.ASGITransport(app=app)
        browsers: Dict[str, httpx.AsyncClient] = {}
        responses = []
        for user, message in messages:
            if user not in browsers:
                client = httpx.AsyncClient(transport=transport, base_url="http://gw")
                browsers[user] = await stack.enter_async_context(client)
            responses.append(await browsers[user].post("/api/chat", json={"message": message}))
        return responses


async def test_each_sender_sticks_to_one_replica_and_both_get_work(
    replicas: Tuple[List[FakeReplica], List[ServerThread]], tmp_path: Path
) -> None:
    fakes, servers = replicas
    settings = Settings(
        var_dir=tmp_path,
        rasa_replicas=",".join(s.url for s in servers),
        hotline_secret="s",
        cookie_secure=False,  # plain http in the test
    )
    turns = [(s, f"第{n}句") for n in range(3) for s in SENDERS]
    responses = await _chat(create_app(settings), turns)
    assert all(r.status_code == 200 for r in responses)
    served_by: Dict[str, set[str]] = {}
    for fake in fakes:
        for sender in fake.seen:
            served_by.setdefault(sender, set()).add(fake.name)
    assert len(served_by) == len(SENDERS)
    assert all(len(names) == 1 for names in served_by.values())
    assert all(len(f.seen) > len(SENDERS) // 4 for f in fakes), "one replica got almost nothing"


async def test_a_failing_replica_is_skipped_and_its_users_still_answered(
    replicas: Tuple[List[FakeReplica], List[ServerThread]],
    recorded_client: Tuple[httpx.AsyncClient, List[str]],
) -> None:
    fakes, servers = replicas
    http, attempts = recorded_client
    fakes[0].failing = True
    rasa = RasaClient(http, [s.url for s in servers], "token", 10, 5, down_seconds=60)
    for sender in SENDERS:
        replies = await rasa.send(f"web:{sender}", "你好")
        assert replies[0].text == "b:你好"
    # Marked down after its first 500, the failing replica was not asked again.
    assert attempts.count(servers[0].url) == 1
    assert len(fakes[1].seen) == len(SENDERS)


async def test_gateway_with_a_dead_replica_answers_every_message_from_the_live_one(
    assistant: Assistant,
    recorded_client: Tuple[httpx.AsyncClient, List[str]],
) -> None:
    """The real Rasa plus a closed port: every turn answered, each conversation on one replica."""
    http, attempts = recorded_client
    live = assistant.settings.rasa_url
    dead = f"http://127.0.0.1:{free_port()}"
    rasa = RasaClient(http, [dead, live], assistant.token, 60, 10, down_seconds=60)
    tag = free_port()
    candidates = [f"web:route{tag}x{i}" for i in range(100)]
    # Three conversations the dead replica owns (so they must fail over) and three of the live.
    senders = [s for s in candidates if rasa.ring.owner(s) == dead][:3]
    senders += [s for s in candidates if rasa.ring.owner(s) == live][:3]
    for text in ("你好", "外地户口在沈阳怎么办居住证", "谢谢"):
        for sender in senders:
            replies = await rasa.send(sender, text, {"channel": "web"})
            assert any(r.text for r in replies), f"no answer to {text!r}"
    # Only the first conversation found it dead; the others went straight to the live one.
    assert attempts.count(dead) == 1
    for sender in senders:
        events = assistant.tracker(sender)["events"]
        said = [e["text"] for e in events if e["event"] == "user"]
        assert said == ["你好", "外地户口在沈阳怎么办居住证", "谢谢"]


async def test_web_chat_through_the_gateway_with_one_replica_dead(
    assistant: Assistant, tmp_path: Path
) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    settings = Settings(
        var_dir=tmp_path,
        rasa_replicas=f"{dead},{assistant.settings.rasa_url}",
        rasa_token=assistant.token,
        hotline_secret="s",
        cookie_secure=False,
    )
    turns = [(f"deadpeer{i:04d}", "驾照过期了怎么换") for i in range(6)]
    for response in await _chat(create_app(settings), turns):
        assert response.status_code == 200
        assert response.json()["messages"][0]["text"]


async def test_a_dropped_connection_fails_over_to_the_next_replica(
    replicas: Tuple[List[FakeReplica], List[ServerThread]],
) -> None:
    fakes, servers = replicas
    dropping = DyingReplica()
    try:
        async with httpx.AsyncClient(timeout=10) as http:
            rasa = RasaClient(http, [dropping.url, servers[0].url], "token", 10, 5, 60)
            owned = [s for s in SENDERS if rasa.replicas_for(s)[0] == dropping.url]
            assert owned, "the ring gives the dropping replica some senders"
            replies = [await rasa.send(sender, "你好") for sender in owned]
    finally:
        dropping.close()
    assert len(dropping.message_ids) >= 1
    assert all(r and r[0].text == "a:你好" for r in replies)
    assert fakes[0].seen == owned
