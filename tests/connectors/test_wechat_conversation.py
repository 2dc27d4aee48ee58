"""WeChat conversations through the gateway and the real assistant, with wechatpy as WeChat."""

from __future__ import annotations

import re
import threading
import time
import uuid
from typing import Any, Dict, List, Optional

import httpx
import pytest

from tests.assistant import Assistant
from tests.gateway.fixtures import RunningGateway
from tests.gateway.wechat_peer import ENCRYPTED_MODES, message_xml, signature

pytestmark = pytest.mark.rasa

MENU_LINK = re.compile(r'<a href="weixin://bizmsgmenu\?msgmenucontent=([^&]+)&msgmenuid=(\d+)">')


def openid() -> str:
    return "o" + uuid.uuid4().hex[:27]


def user_events(assistant: Assistant, sender: str) -> List[Dict[str, Any]]:
    return [e for e in assistant.tracker(sender)["events"] if e["event"] == "user"]


def ask(gateway: RunningGateway, xml: str, mode: str = "safe") -> Optional[Dict[str, Any]]:
    with gateway.client() as client:
        return gateway.wechat.reply(gateway.wechat.post(client, xml, mode))


def test_url_verification_echoes_echostr(gateway: RunningGateway) -> None:
    query = {**gateway.wechat.query(), "echostr": "4761392301224870"}
    with gateway.client() as client:
        assert client.get("/webhooks/wechat", params=query).text == "4761392301224870"
        forged = {**query, "signature": signature("wrong-token", query["timestamp"], "n")}
        assert client.get("/webhooks/wechat", params=forged).status_code == 403
        stale = {**gateway.wechat.query(timestamp=int(time.time()) - 301), "echostr": "1"}
        assert client.get("/webhooks/wechat", params=stale).status_code == 403


# Plain mode (no EncodingAESKey configured): tests/gateway/test_replay.py.
@pytest.mark.parametrize("mode", ENCRYPTED_MODES)
def test_text_message_gets_a_passive_answer_in_every_mode(
    gateway: RunningGateway, assistant: Assistant, mode: str
) -> None:
    user = openid()
    xml = message_xml(user, gateway.wechat.account, "text", Content="外地户口在沈阳怎么办居住证")
    with gateway.client() as client:
        response = gateway.wechat.post(client, xml, mode)
    # Encrypted requests get encrypted replies.
    assert "<Encrypt>" in response.text
    reply = gateway.wechat.reply(response)
    assert reply is not None
    assert reply["MsgType"] == "text"
    assert reply["ToUserName"] == user
    assert reply["FromUserName"] == gateway.wechat.account
    assert "居住证" in reply["Content"]
    assert "依据" in reply["Content"]
    latest = user_events(assistant, f"wechat:{user}")[-1]
    assert latest["input_channel"] == "wechat"
    assert latest["metadata"]["channel"] == "wechat"


def test_subscribe_welcomes_with_a_tappable_menu(gateway: RunningGateway) -> None:
    user = openid()
    reply = ask(
        gateway, message_xml(user, gateway.wechat.account, "event", Event="subscribe"), "safe"
    )
    assert reply is not None
    titles = [title for title, _ in MENU_LINK.findall(reply["Content"])]
    assert "居住证怎么办" in titles
    assert "法律援助" in titles
    assert len(reply["Content"].encode()) <= 2048


def test_tapping_a_menu_link_sends_the_button_payload(
    gateway: RunningGateway, assistant: Assistant
) -> None:
    user = openid()
    welcome = ask(gateway, message_xml(user, gateway.wechat.account, "event", Event="subscribe"))
    assert welcome is not None
    menu_id = dict(MENU_LINK.findall(welcome["Content"]))["法律援助"]
    tap = message_xml(
        user, gateway.wechat.account, "text", Content="法律援助", bizmsgmenuid=menu_id
    )
    reply = ask(gateway, tap)
    assert reply is not None and "法律援助" in reply["Content"]
    assert user_events(assistant, f"wechat:{user}")[-1]["parse_data"]["intent"]["name"] == (
        "legal_aid"
    )


def test_menu_click_is_sent_as_its_intent(gateway: RunningGateway, assistant: Assistant) -> None:
    user = openid()
    click = message_xml(user, gateway.wechat.account, "event", Event="CLICK", EventKey="LEGAL_AID")
    reply = ask(gateway, click, "compatible")
    assert reply is not None and "法律援助" in reply["Content"]
    assert user_events(assistant, f"wechat:{user}")[-1]["text"] == "/legal_aid"


def test_unknown_menu_key_gets_a_polite_reply(gateway: RunningGateway) -> None:
    click = message_xml(openid(), gateway.wechat.account, "event", Event="CLICK", EventKey="X_1")
    reply = ask(gateway, click)
    assert reply is not None and "菜单项暂时不可用" in reply["Content"]


def test_voice_is_answered_from_its_recognition(gateway: RunningGateway) -> None:
    voice = message_xml(
        openid(),
        gateway.wechat.account,
        "voice",
        MediaId="m1",
        Format="amr",
        Recognition="驾驶证丢了怎么补办",
    )
    reply = ask(gateway, voice)
    assert reply is not None and "驾驶证" in reply["Content"]


def test_voice_without_recognition_asks_to_type(
    gateway: RunningGateway, assistant: Assistant
) -> None:
    user = openid()
    voice = message_xml(user, gateway.wechat.account, "voice", MediaId="m1", Format="amr")
    reply = ask(gateway, voice)
    assert reply is not None and "打字" in reply["Content"]
    assert user_events(assistant, f"wechat:{user}") == []


@pytest.mark.parametrize(
    ("msg_type", "fields", "expected"),
    [
        ("image", {"PicUrl": "http://example.invalid/a.jpg", "MediaId": "m"}, "图片"),
        (
            "location",
            {"Location_X": "41.8", "Location_Y": "123.4", "Scale": "15", "Label": "x"},
            "位置",
        ),
        ("link", {"Title": "t", "Description": "d", "Url": "http://example.invalid"}, "链接"),
    ],
)
def test_media_gets_a_polite_chinese_reply(
    gateway: RunningGateway,
    assistant: Assistant,
    msg_type: str,
    fields: Dict[str, str],
    expected: str,
) -> None:
    user = openid()
    reply = ask(gateway, message_xml(user, gateway.wechat.account, msg_type, **fields))
    assert reply is not None and expected in reply["Content"]
    assert user_events(assistant, f"wechat:{user}") == []


def test_three_retries_of_one_message_are_one_turn(
    gateway: RunningGateway, assistant: Assistant
) -> None:
    user = openid()
    xml = message_xml(user, gateway.wechat.account, "text", Content="社保卡丢了怎么补")
    replies: List[Optional[Dict[str, Any]]] = []

    def deliver() -> None:
        with httpx.Client(timeout=60) as client:
            replies.append(gateway.wechat.reply(gateway.wechat.post(client, xml)))

    # WeChat's retries: two arrive while the first is still being answered, one afterwards.
    threads = [threading.Thread(target=deliver) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    deliver()
    assert len(user_events(assistant, f"wechat:{user}")) == 1
    contents = {r["Content"] for r in replies if r is not None}
    assert len(contents) == 1 and "社保卡" in contents.pop()
