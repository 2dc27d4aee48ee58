"""The web chat API and the health check, against the real assistant."""

from __future__ import annotations

import httpx
import pytest

from tests.assistant import Assistant
from tests.gateway.fixtures import RunningGateway

pytestmark = pytest.mark.rasa


def test_chat_answers_with_buttons_and_records_the_channel(
    gateway: RunningGateway, assistant: Assistant
) -> None:
    with gateway.client() as browser:
        response = browser.post("/api/chat", json={"message": "你好"})
        sender = browser.cookies["banshi_chat"].split(".")[0]
    assert response.status_code == 200
    body = response.json()
    assert body["handoff"] is False
    titles = [b["title"] for m in body["messages"] for b in m["buttons"]]
    assert "法律援助" in titles
    user = [e for e in assistant.tracker(f"web:{sender}")["events"] if e["event"] == "user"]
    assert user[-1]["input_channel"] == "web"
    assert user[-1]["metadata"]["channel"] == "web"


def test_asking_for_a_person_is_flagged_as_handoff(gateway: RunningGateway) -> None:
    response = httpx.post(
        f"{gateway.url}/api/chat",
        json={"message": "转人工"},
        timeout=60,
    )
    body = response.json()
    assert body["handoff"] is True
    assert "12345" in " ".join(m["text"] for m in body["messages"])


def test_health_reports_each_dependency(gateway: RunningGateway) -> None:
    response = httpx.get(f"{gateway.url}/healthz", timeout=30)
    assert response.status_code == 200
    dependencies = response.json()["dependencies"]
    assert dependencies["rasa"]["ok"] and dependencies["rasa"]["required"]
    assert dependencies["action_server"]["ok"]
    assert dependencies["service_api"]["required"] is False
    expected = {"rasa", "action_server", "service_api", "redis", "holiday_calendar"}
    assert set(dependencies) == expected
    assert dependencies["holiday_calendar"]["required"] is False
