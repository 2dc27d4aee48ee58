"""When Rasa is slower than the passive-reply budget, the reply goes out through the
customer-service API. Rasa here is a local stand-in that takes its time: only the timing
matters, the conversation itself is tested against the real assistant elsewhere."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from pathlib import Path
from typing import Any, Dict, Iterator, List

import httpx
import pytest
from fastapi import FastAPI, Request

from bot.gateway import create_app
from connectors.wechat.render import split_text
from tests.gateway.fixtures import APP_ID, WECHAT_TOKEN, gateway_settings
from tests.gateway.servers import FakeWeChatPlatform, ServerThread
from tests.gateway.wechat_peer import WeChatPeer, message_xml, new_aes_key

RASA_SECONDS = 1.5
BUDGET = 0.5
LONG_ANSWER = "\n".join(
    f"第{i}条:办理居住证需要准备身份证、居住证明和照片等材料。" for i in range(1, 80)
)


class SlowRasa:
    def __init__(self) -> None:
        self.turns: List[Dict[str, Any]] = []

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/webhooks/gateway/webhook")
        async def turn(request: Request) -> List[Dict[str, Any]]:
            body = await request.json()
            self.turns.append(body)
            await asyncio.sleep(RASA_SECONDS)
            return [{"recipient_id": body["sender"], "text": LONG_ANSWER}]

        return app


@pytest.fixture(scope="module")
def slow_setup(
    wechat_platform: tuple[FakeWeChatPlatform, ServerThread],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[SlowRasa, WeChatPeer, FakeWeChatPlatform]]:
    platform, api = wechat_platform
    rasa = SlowRasa()
    aes_key = new_aes_key()
    with ServerThread(rasa.app()) as rasa_server:
        settings = gateway_settings(
            Path(tmp_path_factory.mktemp("slow")),
            api.url,
            aes_key,
            rasa_replicas=rasa_server.url,
            wechat_reply_budget=BUDGET,
        )
        with ServerThread(create_app(settings)) as gateway:
            yield rasa, WeChatPeer(gateway.url, WECHAT_TOKEN, APP_ID, aes_key), platform


def test_slow_rasa_answers_success_at_once_and_sends_later(
    slow_setup: tuple[SlowRasa, WeChatPeer, FakeWeChatPlatform],
) -> None:
    rasa, peer, platform = slow_setup
    user = "o" + uuid.uuid4().hex[:27]
    xml = message_xml(user, peer.account, "text", Content="居住证要什么材料")
    started = time.monotonic()
    with httpx.Client(timeout=30) as client:
        response = peer.post(client, xml, "safe")
    elapsed = time.monotonic() - started
    assert response.text == "success"
    assert elapsed < RASA_SECONDS, "the request must not wait for Rasa past the budget"
    # Every part of the long answer arrives, each within WeChat's size limit.
    parts = platform.wait_for(user, count=len(split_text(LONG_ANSWER)))
    assert len(parts) >= 2
    assert "".join(parts).replace("\n", "") == LONG_ANSWER.replace("\n", "")
    assert all(len(p.encode()) <= 2048 for p in parts)
    assert [t["metadata"] for t in rasa.turns if t["sender"] == f"wechat:{user}"] == [
        {"channel": "wechat"}
    ]


def test_retries_during_a_slow_turn_start_no_second_turn(
    slow_setup: tuple[SlowRasa, WeChatPeer, FakeWeChatPlatform],
) -> None:
    rasa, peer, platform = slow_setup
    user = "o" + uuid.uuid4().hex[:27]
    xml = message_xml(user, peer.account, "text", Content="驾驶证怎么换")
    answers: List[str] = []

    def deliver() -> None:
        with httpx.Client(timeout=30) as client:
            answers.append(peer.post(client, xml).text)

    threads = [threading.Thread(target=deliver) for _ in range(3)]
    for thread in threads:
        thread.start()
        time.sleep(0.2)
    for thread in threads:
        thread.join()
    assert answers == ["success"] * 3
    expected = split_text(LONG_ANSWER)
    assert platform.wait_for(user, count=len(expected)) == expected
    time.sleep(RASA_SECONDS)  # a second turn, had one started, would have sent by now
    assert len([t for t in rasa.turns if t["sender"] == f"wechat:{user}"]) == 1
    assert platform.texts_for(user) == expected, "each part is sent exactly once"
