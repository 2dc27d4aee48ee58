"""Bad input gets a clear 4xx, never a crash, and leaves nothing half-processed."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any, Dict, Iterator

import httpx
import pytest
from wechatpy.crypto import WeChatCrypto

from tests.assistant import Assistant
from tests.gateway.fixtures import RunningGateway, hotline_headers
from tests.gateway.wechat_peer import message_xml, new_aes_key

pytestmark = pytest.mark.rasa

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime>
<MsgType>text</MsgType><Content>&lol2;</Content><MsgId>1</MsgId></xml>"""


def post_wechat(
    gateway: RunningGateway, params: Dict[str, str], content: Any, **headers: str
) -> httpx.Response:
    return httpx.post(
        gateway.wechat.url,
        params=params,
        content=content,
        headers={"Content-Type": "text/xml", **headers},
        timeout=30,
    )


def no_turns(assistant: Assistant, user: str) -> bool:
    events = assistant.tracker(f"wechat:{user}")["events"]
    return not [e for e in events if e["event"] == "user"]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"<xml><ToUserName>gh</ToUserName", 400),
        (BILLION_LAUGHS.encode(), 400),
        (b"<root><MsgType>text</MsgType></root>", 400),
        (b"<xml><ToUserName>gh</ToUserName></xml>", 400),
        (b"\xff\xfe not xml at all", 400),
    ],
    ids=["truncated", "entity-expansion", "wrong-root", "no-msgtype", "binary"],
)
def test_malformed_xml_is_refused(gateway: RunningGateway, body: bytes, status: int) -> None:
    # Posted as safe mode, the only one accepted once an EncodingAESKey is configured.
    query = {**gateway.wechat.query(), "encrypt_type": "aes", "msg_signature": "0" * 40}
    response = post_wechat(gateway, query, body)
    assert response.status_code == status
    assert response.json()["message"]


def test_oversized_bodies_are_refused(gateway: RunningGateway) -> None:
    big = b"<xml>" + b"a" * (1024 * 1024) + b"</xml>"
    assert post_wechat(gateway, gateway.wechat.query(), big).status_code == 413

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit must hold while streaming
        for _ in range(20):
            yield b"a" * 65536

    assert post_wechat(gateway, gateway.wechat.query(), chunks()).status_code == 413


def test_plain_requests_are_refused_in_safe_mode(gateway: RunningGateway) -> None:
    xml = message_xml("o" + uuid.uuid4().hex[:27], gateway.wechat.account, "text", Content="你好")
    response = post_wechat(gateway, gateway.wechat.query(), xml)
    assert response.status_code == 403
    assert "加密" in response.json()["message"]


def test_wrong_content_type_is_refused(gateway: RunningGateway) -> None:
    xml = message_xml("o", gateway.wechat.account, "text", Content="你好")
    response = post_wechat(
        gateway, gateway.wechat.query(), xml, **{"Content-Type": "application/json"}
    )
    assert response.status_code == 415


@pytest.mark.parametrize("missing", ["signature", "timestamp", "nonce"])
def test_missing_parameters_are_refused(gateway: RunningGateway, missing: str) -> None:
    query = gateway.wechat.query()
    del query[missing]
    xml = message_xml("o", gateway.wechat.account, "text", Content="你好")
    response = post_wechat(gateway, query, xml)
    assert response.status_code == 400
    assert missing in response.json()["message"]


def test_refused_messages_leave_no_trace(gateway: RunningGateway, assistant: Assistant) -> None:
    """A forged, stale or undecryptable copy of a message must not claim its MsgId."""
    user = "o" + uuid.uuid4().hex[:27]
    xml = message_xml(user, gateway.wechat.account, "text", Content="法律援助怎么申请")
    forged = {**gateway.wechat.query(), "signature": "0" * 40}
    assert post_wechat(gateway, forged, xml).status_code == 403
    stale = gateway.wechat.query(timestamp=int(time.time()) - 3600)
    assert post_wechat(gateway, stale, xml).status_code == 403

    safe = gateway.wechat.request(xml, "safe")
    bad_msg_signature = {**safe["params"], "msg_signature": "0" * 40}
    assert post_wechat(gateway, bad_msg_signature, safe["content"]).status_code == 403
    no_msg_signature = {k: v for k, v in safe["params"].items() if k != "msg_signature"}
    assert post_wechat(gateway, no_msg_signature, safe["content"]).status_code == 400

    other_account = WeChatCrypto(gateway.wechat.token, new_aes_key(), "wxotheraccount")
    query = gateway.wechat.query()
    foreign = other_account.encrypt_message(xml, query["nonce"], query["timestamp"])
    encrypted = foreign.split("<Encrypt><![CDATA[")[1].split("]]>")[0]
    msg_signature = foreign.split("<MsgSignature><![CDATA[")[1].split("]]>")[0]
    body = f"<xml><ToUserName>gh</ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
    params = {**query, "encrypt_type": "aes", "msg_signature": msg_signature}
    assert post_wechat(gateway, params, body).status_code in (400, 403)

    assert no_turns(assistant, user)
    # The genuine message is then answered normally, not taken for a retry of the refused ones.
    with gateway.client() as client:
        reply = gateway.wechat.reply(gateway.wechat.post(client, xml))
    assert reply is not None and "法律援助" in reply["Content"]


def test_hotline_bad_signatures_are_refused_and_not_recorded(gateway: RunningGateway) -> None:
    call_id = "bad-" + uuid.uuid4().hex[:8]
    assert gateway.hotline("call-started", {"call_id": call_id}).status_code == 200
    body = json.dumps(
        {"call_id": call_id, "speaker": "caller", "text": "我要投诉"}, ensure_ascii=False
    ).encode()
    url = f"{gateway.url}/webhooks/hotline/utterance"
    cases = {
        "wrong secret": hotline_headers(body, secret="guessed"),
        "stale": hotline_headers(body, timestamp=int(time.time()) - 3600),
        "no signature": {"Content-Type": "application/json"},
    }
    for name, headers in cases.items():
        response = httpx.post(url, content=body, headers=headers, timeout=30)
        assert response.status_code == 401, name
        assert response.json()["error"] == "bad_signature"
    tampered = httpx.post(
        url,
        content=body.replace("投诉".encode(), "表扬".encode()),
        headers=hotline_headers(body),
        timeout=30,
    )
    assert tampered.status_code == 401
    with gateway.login("agent") as agent:
        calls = agent.get("/api/agent/calls").json()
    assert next(c for c in calls if c["call_id"] == call_id)["transcript"] == []


@pytest.mark.parametrize(
    ("raw", "content_type", "status"),
    [
        (b"{not json", "application/json", 400),
        (b'{"call_id": "x"}', "application/json", 422),
        (b'{"call_id": "x", "speaker": "robot", "text": "hi"}', "application/json", 422),
        (b'{"call_id": "../etc", "speaker": "caller", "text": "hi"}', "application/json", 422),
        (
            b'{"call_id": "never-started", "speaker": "caller", "text": "hi"}',
            "application/json",
            404,
        ),
        (b'{"call_id": "x", "speaker": "caller", "text": "hi"}', "text/plain", 415),
    ],
    ids=[
        "invalid-json",
        "missing-fields",
        "bad-speaker",
        "bad-call-id",
        "unknown-call",
        "content-type",
    ],
)
def test_hotline_bad_events_get_clear_errors(
    gateway: RunningGateway, raw: bytes, content_type: str, status: int
) -> None:
    headers = {**hotline_headers(raw), "Content-Type": content_type}
    response = httpx.post(
        f"{gateway.url}/webhooks/hotline/utterance", content=raw, headers=headers, timeout=30
    )
    assert response.status_code == status
    assert response.json()["message"]


def test_hotline_oversized_body_is_refused(gateway: RunningGateway) -> None:
    raw = json.dumps({"call_id": "x", "speaker": "caller", "text": "长" * 600_000}).encode()
    response = httpx.post(
        f"{gateway.url}/webhooks/hotline/utterance",
        content=raw,
        headers=hotline_headers(raw),
        timeout=30,
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    "body",
    [{}, {"message": ""}, {"message": 12}],
    # Over-long messages get 413 with the limit named: tests/cluster/test_limits.py.
    ids=["no-message", "empty", "not-text"],
)
def test_web_chat_bad_requests(gateway: RunningGateway, body: Dict[str, str]) -> None:
    response = httpx.post(f"{gateway.url}/api/chat", json=body, timeout=30)
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_request"


def test_feedback_for_unknown_call_or_action(gateway: RunningGateway) -> None:
    unknown = {"call_id": "nope", "suggestion_id": "a.b", "action": "used"}
    bad_action = {"call_id": "nope", "suggestion_id": "a.b", "action": "liked"}
    with gateway.login("agent") as agent:
        assert agent.post("/api/agent/feedback", json=unknown).status_code == 404
        assert agent.post("/api/agent/feedback", json=bad_action).status_code == 422
