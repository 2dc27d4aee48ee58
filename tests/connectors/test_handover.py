"""A citizen who asks for a person hands the desk what they asked and were told, masked."""

from __future__ import annotations

import time
import uuid
from typing import Any, Dict

import pytest

from connectors.hotline.handover import build
from tests.gateway.fixtures import RunningGateway
from tests.gateway.wechat_peer import message_xml


def tracker(*events: Dict[str, Any], **slots: Any) -> Dict[str, Any]:
    return {"events": list(events), "slots": slots}


def user(text: str, intent: str) -> Dict[str, Any]:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}


def bot(text: str, **custom: Any) -> Dict[str, Any]:
    return {"event": "bot", "text": text, "data": {"custom": custom or None}}


def test_the_handover_carries_topic_facts_questions_and_answers_masked() -> None:
    handover = build(
        "wechat",
        "wechat:o-abc",
        tracker(
            user("沈阳市宏达机械有限公司进了经营异常名录怎么移出", "credit_repair"),
            bot("补报年报后可以申请移出。具体流程如下:……"),
            user("我电话13812345678,身份证210102199001011234", "inform"),
            user("转人工", "human_handoff"),
            bot("正在为您转接人工服务……", handoff=True),
            phone="13812345678",
            person_name="王立新",
        ),
    )
    assert handover.channel == "wechat"
    assert handover.category == "信用修复与经营异常名录"
    assert handover.department == "沈阳市市场监督管理局"
    assert handover.facts["企业名称"] == "沈阳市宏达机械有限公司"
    assert handover.facts["联系电话"] == "138****5678"
    assert handover.facts["姓名"] == "王某"
    assert handover.answered == ["补报年报后可以申请移出。"]
    shown = handover.model_dump_json()
    assert "13812345678" not in shown and "210102199001011234" not in shown
    assert "王立新" not in shown and "o-abc" not in shown


@pytest.mark.rasa
def test_asking_for_a_person_in_the_web_chat_queues_it_on_the_desk(
    gateway: RunningGateway,
) -> None:
    with gateway.client() as browser:
        browser.post("/api/chat", json={"message": "公司进了经营异常名录怎么移出来"})
        browser.post("/api/chat", json={"message": "我电话13812345678"})
        reply = browser.post("/api/chat", json={"message": "转人工"}).json()
    assert reply["handoff"] is True
    with gateway.login("agent") as desk:
        queued = desk.get("/api/agent/handovers").json()
    handover = next(h for h in reversed(queued) if "经营异常名录" in " ".join(h["questions"]))
    assert handover["channel"] == "web"
    assert handover["answered"]
    assert "13812345678" not in str(handover) and "138****5678" in str(handover)


@pytest.mark.rasa
def test_asking_for_a_person_on_wechat_queues_it_on_the_desk(gateway: RunningGateway) -> None:
    user = "o" + uuid.uuid4().hex[:27]
    for words in ("驾驶证丢了怎么补办", "转人工"):
        xml = message_xml(user, gateway.wechat.account, "text", Content=words)
        with gateway.client() as client:
            assert gateway.wechat.post(client, xml, "safe").status_code == 200
    # WeChat's reply goes out first; the handover follows it.
    deadline = time.monotonic() + 10
    with gateway.login("agent") as desk:
        while time.monotonic() < deadline:
            queued = desk.get("/api/agent/handovers").json()
            mine = [h for h in queued if "驾驶证丢了怎么补办" in h["questions"]]
            if mine:
                break
            time.sleep(0.2)
    assert mine and mine[-1]["channel"] == "wechat"
    assert user not in str(mine[-1])
