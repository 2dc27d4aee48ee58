"""A turn in flight on a replica that dies: resent once to the next replica, or not at all.

The gateway reads the conversation's tracker on the next replica of the ring first: a message
the dead replica recorded is answered from the tracker and never processed again; one it did
not record is sent to the next replica once, under the same message id.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import AsyncIterator, Iterator, List, Tuple

import httpx
import pytest

from bot.gateway import create_app
from bot.settings import Settings
from connectors.rasa import BotMessage, RasaClient, RasaUnavailable
from tests.assistant import Assistant
from tests.gateway.servers import ServerThread, free_port

from .replicas import DyingReplica, FakeReplica, Trackers
from .test_routing import _chat

SENDERS = [f"web:retry{i:04d}" for i in range(40)]
TEXT = "确认预约"


@pytest.fixture
def trackers() -> Trackers:
    return {}


@pytest.fixture
def next_replica(trackers: Trackers) -> Iterator[Tuple[FakeReplica, ServerThread]]:
    fake = FakeReplica("next", trackers=trackers)
    with ServerThread(fake.app()) as server:
        yield fake, server


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10) as client:
        yield client


def owned_by(rasa: RasaClient, url: str) -> str:
    sender = next((s for s in SENDERS if rasa.replicas_for(s)[0] == url), None)
    assert sender, "the ring gives the dying replica some senders"
    return sender


def user_events(trackers: Trackers, sender: str) -> List[str]:
    return [e["text"] for e in trackers.get(sender, []) if e["event"] == "user"]


async def cut_off_turn(
    http: httpx.AsyncClient, dying: DyingReplica, server: ServerThread
) -> Tuple[str, List[BotMessage]]:
    """One turn of a conversation the dying replica owns: (sender, replies the user got)."""
    try:
        rasa = RasaClient(http, [dying.url, server.url], "token", 10, 5, 60)
        sender = owned_by(rasa, dying.url)
        return sender, await rasa.send(sender, TEXT)
    finally:
        dying.close()


async def test_a_turn_the_dead_replica_did_not_record_is_resent_once_with_the_same_id(
    http: httpx.AsyncClient,
    trackers: Trackers,
    next_replica: Tuple[FakeReplica, ServerThread],
) -> None:
    fake, server = next_replica
    dying = DyingReplica()
    sender, replies = await cut_off_turn(http, dying, server)
    assert [r.text for r in replies] == [f"next:{TEXT}"]
    assert len(dying.message_ids) == 1
    assert fake.message_ids == dying.message_ids
    assert user_events(trackers, sender) == [TEXT]


async def test_a_turn_the_dead_replica_recorded_is_answered_from_the_tracker_not_run_again(
    http: httpx.AsyncClient,
    trackers: Trackers,
    next_replica: Tuple[FakeReplica, ServerThread],
) -> None:
    fake, server = next_replica
    sender, replies = await cut_off_turn(http, DyingReplica(trackers), server)
    assert [r.text for r in replies] == [f"dying:{TEXT}"]
    assert fake.seen == []
    assert user_events(trackers, sender) == [TEXT]


async def test_an_earlier_message_in_the_tracker_does_not_stop_the_resend(
    http: httpx.AsyncClient,
    trackers: Trackers,
    next_replica: Tuple[FakeReplica, ServerThread],
) -> None:
    fake, server = next_replica
    for earlier in SENDERS:
        trackers[earlier] = [
            {"event": "user", "text": TEXT, "message_id": "an-earlier-turn"},
            {"event": "bot", "text": "请核对预约信息", "data": {}},
        ]
    dying = DyingReplica()
    sender, replies = await cut_off_turn(http, dying, server)
    assert [r.text for r in replies] == [f"next:{TEXT}"]
    assert fake.message_ids == dying.message_ids
    assert user_events(trackers, sender) == [TEXT, TEXT]


async def test_without_a_readable_tracker_the_turn_is_not_resent_blind(
    http: httpx.AsyncClient,
    next_replica: Tuple[FakeReplica, ServerThread],
) -> None:
    fake, server = next_replica
    fake.tracker_failing = True
    dying = DyingReplica()
    with pytest.raises(RasaUnavailable):
        await cut_off_turn(http, dying, server)
    assert len(dying.message_ids) == 1
    assert fake.seen == []


async def test_a_refused_connection_goes_to_the_next_replica_without_reading_the_tracker(
    http: httpx.AsyncClient,
    next_replica: Tuple[FakeReplica, ServerThread],
) -> None:
    """A refused connection never reached the replica, so nothing needs checking."""
    fake, server = next_replica
    fake.tracker_failing = True
    closed = f"http://127.0.0.1:{free_port()}"
    rasa = RasaClient(http, [closed, server.url], "token", 10, 5, 60)
    replies = await rasa.send(owned_by(rasa, closed), TEXT)
    assert [r.text for r in replies] == [f"next:{TEXT}"]


async def test_web_chat_user_is_answered_when_the_replica_dies_mid_turn(
    trackers: Trackers,
    next_replica: Tuple[FakeReplica, ServerThread],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake, server = next_replica
    dying = DyingReplica()
    # httpx's request lines are what could name the conversation; an earlier test in the same
    # process may have quietened that logger as the gateway's __main__ does.
    caplog.set_level(logging.INFO, logger="httpx")
    settings = Settings(
        var_dir=tmp_path,
        rasa_replicas=f"{dying.url},{server.url}",
        rasa_resend_delay=0,
        hotline_secret="s",
        cookie_secure=False,
    )
    try:
        responses = await _chat(create_app(settings), [(f"u{i}", TEXT) for i in range(16)])
    finally:
        dying.close()
    assert all(r.status_code == 200 for r in responses)
    assert all(r.json()["messages"][0]["text"] == f"next:{TEXT}" for r in responses)
    assert dying.message_ids, "some conversations belonged to the dying replica"
    assert set(dying.message_ids) <= set(fake.message_ids)
    assert len(fake.message_ids) == len(set(fake.message_ids)) == len(responses)
    # Reading a tracker names the conversation in the URL; the log lines must not.
    assert "/tracker" in caplog.text
    assert not [s for s in fake.seen if s.removeprefix("web:") in caplog.text]


async def test_real_rasa_records_the_resent_turn_once_under_the_gateways_message_id(
    assistant: Assistant, http: httpx.AsyncClient
) -> None:
    dying = DyingReplica()
    try:
        rasa = RasaClient(http, [dying.url, assistant.settings.rasa_url], assistant.token, 60, 10)
        senders = [f"web:retryreal{i:04d}" for i in range(40)]
        sender = next(s for s in senders if rasa.replicas_for(s)[0] == dying.url)
        replies = await rasa.send(sender, "驾照过期了怎么换", {"channel": "web"})
    finally:
        dying.close()
    assert any(r.text for r in replies)
    said = [e for e in assistant.tracker(sender)["events"] if e["event"] == "user"]
    assert [e["text"] for e in said] == ["驾照过期了怎么换"]
    assert [e["message_id"] for e in said] == dying.message_ids
