"""A scripted 12345 call through the signed webhooks, with the real assistant behind them."""

from __future__ import annotations

import uuid
from typing import Any, Dict

import pytest
from sqlalchemy import create_engine, text

from tests.gateway.fixtures import RunningGateway

pytestmark = pytest.mark.rasa

USCC = "91210102MA0P5K8C75"


def say(gateway: RunningGateway, call_id: str, speaker: str, words: str) -> Dict[str, Any]:
    response = gateway.hotline("utterance", {"call_id": call_id, "speaker": speaker, "text": words})
    assert response.status_code == 200, response.text
    body: Dict[str, Any] = response.json()
    return body


def test_a_call_fills_in_suggestions_entities_and_work_order(gateway: RunningGateway) -> None:
    call_id = "call-" + uuid.uuid4().hex[:10]
    started = gateway.hotline(
        "call-started", {"call_id": call_id, "caller_number": "13812345678", "line": "8号键"}
    )
    assert started.json() == {"call_id": call_id, "caller": "138****5678", "line": "8号键"}

    first = say(gateway, call_id, "caller", "我们公司被列入经营异常名录了,怎么移出来")
    assert first["intent"] == "credit_repair"
    assert len(first["suggestions"]) == 3
    assert first["suggestions"][0]["id"].startswith("credit_repair.")
    for suggestion in first["suggestions"]:
        assert suggestion["source"].startswith("依据")
        assert isinstance(suggestion["verified"], bool)
        assert suggestion["text"]
    order = first["work_order"]
    assert order["category"] == "信用修复与经营异常名录"
    assert order["department"]
    assert "经营异常名录" in order["summary"]
    assert "统一社会信用代码" in order["missing"]
    assert first["next_question"]

    second = say(gateway, call_id, "caller", f"我们是辽宁宏达机械有限公司,信用代码{USCC}")
    assert second["entities"]["uscc"] == USCC
    assert "统一社会信用代码" not in second["work_order"]["missing"]
    # A bare answer keeps the call's topic: the suggestions stay about the abnormal list.
    assert second["work_order"]["category"] == "信用修复与经营异常名录"
    assert second["suggestions"][0]["id"].startswith("credit_repair.")

    third = say(gateway, call_id, "caller", "在沈阳,我电话13812345678")
    assert third["entities"]["city"] == "沈阳"
    assert third["entities"].get("phone", "138****5678") == "138****5678"
    assert third["next_question"] != first["next_question"]

    agent = say(gateway, call_id, "agent", "好的,我帮您查一下移出流程")
    assert agent == {"call_id": call_id, "recorded": True}

    ended = gateway.hotline("call-ended", {"call_id": call_id}).json()
    assert ended["ended"] is True
    assert ended["work_order"]["fields"]["统一社会信用代码"] == USCC

    with gateway.login("agent") as agent:
        calls = agent.get("/api/agent/calls").json()
    call = next(c for c in calls if c["call_id"] == call_id)
    transcript = " ".join(line["text"] for line in call["transcript"])
    assert [line["speaker"] for line in call["transcript"]] == ["caller"] * 3 + ["agent"]
    assert "13812345678" not in transcript and "138****5678" in transcript
    assert call["ended_at"]


def test_agent_feedback_is_stored_masked(gateway: RunningGateway) -> None:
    call_id = "call-" + uuid.uuid4().hex[:10]
    gateway.hotline("call-started", {"call_id": call_id, "caller_number": "13900001111"})
    assist = say(
        gateway, call_id, "caller", "没钱请律师能申请法律援助吗,我身份证210102199001011234"
    )
    suggestion = assist["suggestions"][0]["id"]
    edited = {
        "call_id": call_id,
        "suggestion_id": suggestion,
        "action": "edited",
        "edited_text": "可以申请,请带身份证210102199001011234到法律援助机构,或拨打12348",
    }
    rejected = {"call_id": call_id, "suggestion_id": suggestion, "action": "rejected"}
    with gateway.login("agent") as agent:
        assert agent.post("/api/agent/feedback", json=edited).status_code == 201
        assert agent.post("/api/agent/feedback", json=rejected).status_code == 201

    engine = create_engine(gateway.settings.resolved_feedback_database_url())
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT action, intent, utterance, edited_text FROM agent_feedback"
                " WHERE call_id = :c"
            ),
            {"c": call_id},
        ).all()
    engine.dispose()
    assert [row.action for row in rows] == ["edited", "rejected"]
    assert rows[0].intent == "legal_aid"
    stored = " ".join(f"{row.utterance} {row.edited_text}" for row in rows)
    assert "210102199001011234" not in stored
    assert "2101**********1234" in stored
