"""The bad-input corpus: every case is data, grouped by the surface it is sent to.

A case names the request and what it must get back: the HTTP status, the error code of the
body `{"error", "message"}` and words of the Chinese message. Unless `stores` is set, the
request must change nothing the surface keeps (turns on Rasa, transcript lines, feedback
rows, inbox items, appointments, check-up requests), and a valid request right after it must
still be served (tests/badinput/surfaces.py). Placeholders in braces are filled per case:
{user} and {msgid} a fresh WeChat user and message, {call} a call just started, {desk_call}
and {suggestion} a call with an issued suggestion, {item} an open inbox item, {appointment}
and {checkup} a booking and a check-up request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Tuple

NOTHING: Any = object()


@dataclass(frozen=True)
class Chunks:
    """A body streamed without Content-Length: `count` chunks of `size` bytes."""

    count: int
    size: int = 65536


@dataclass(frozen=True)
class Case:
    id: str
    status: int
    error: str = ""  # the body's "error" code
    says: str = ""  # words the message (or the reply) must contain
    method: str = "POST"
    path: str = ""  # the surface's usual route when empty
    json: Any = NOTHING
    body: Any = None  # raw bytes (sent as application/json unless headers say otherwise)
    headers: Tuple[Tuple[str, Any], ...] = ()
    params: Any = None
    sign: str = ""  # how the surface signs it; see surfaces.py
    xml: Any = ""  # the WeChat message inside the envelope
    drop: Tuple[str, ...] = ()  # query parameters WeChat's request goes without
    raw: bytes = b""  # a whole HTTP request, written to the socket as is
    who: str = ""  # desk and trainer: "anonymous", "agent", "trainer"
    stores: bool = False  # accepted, and expected to store what it carries
    then: str = ""  # a check of what was stored (test_corpus.py CHECKS)


SCRIPT = "<script>alert('办事')</script>"
IMG = "<img src=x onerror=alert(1)>"
CDATA_BREAK = "]]><script>alert(1)</script><![CDATA["
GBK_CHAT = '{"message": "营业执照怎么办"}'.encode("gbk")
LATIN1_CHAT = '{"message": "café"}'.encode("latin-1")
JSON = ("Content-Type", "application/json")
FORM = ("Content-Type", "application/x-www-form-urlencoded")
TEXT = ("Content-Type", "text/plain")
NESTED = b'{"message": ' + b"[" * 8000 + b"]" * 8000 + b"}"


def _message(**fields: str) -> str:
    inner = "".join(f"<{k}><![CDATA[{v}]]></{k}>" for k, v in fields.items())
    return f"<xml>{inner}</xml>"


TEXT_XML = _message(
    ToUserName="{account}", FromUserName="{user}", CreateTime="1700000000",
    MsgType="text", Content="你好", MsgId="{msgid}",
)  # fmt: skip
BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    "<xml><ToUserName>{account}</ToUserName><FromUserName>{user}</FromUserName>"
    "<CreateTime>1</CreateTime><MsgType>text</MsgType><Content>&lol3;</Content>"
    "<MsgId>{msgid}</MsgId></xml>"
)
EXTERNAL_ENTITY = (
    '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    "<xml><ToUserName>{account}</ToUserName><FromUserName>{user}</FromUserName>"
    "<CreateTime>1</CreateTime><MsgType>text</MsgType><Content>&xxe;</Content>"
    "<MsgId>{msgid}</MsgId></xml>"
)
ENVELOPE = "<xml><ToUserName>{account}</ToUserName><Encrypt><![CDATA[%s]]></Encrypt></xml>"

WEB: List[Case] = [
    Case("empty-body", 422, "invalid_request", body=b""),
    Case("empty-object", 422, "invalid_request", json={}),
    Case("empty-message", 422, "invalid_request", "message", json={"message": ""}),
    Case("number-message", 422, "invalid_request", json={"message": 12}),
    Case("null-message", 422, "invalid_request", json={"message": None}),
    Case("list-message", 422, "invalid_request", json={"message": ["你好"]}),
    Case("object-message", 422, "invalid_request", json={"message": {"text": "你好"}}),
    Case("top-level-array", 422, "invalid_request", json=["你好"]),
    Case("top-level-string", 422, "invalid_request", json="你好"),
    Case("truncated-json", 422, "invalid_request", body=b'{"message": "\xe4\xbd\xa0'),
    Case("gbk-bytes", 400, "invalid_body", "UTF-8", body=GBK_CHAT),
    Case("latin1-bytes", 400, "invalid_body", "UTF-8", body=LATIN1_CHAT),
    Case("invalid-utf8", 400, "invalid_body", "UTF-8", body=b'{"message": "\xff\xfe\xfd"}'),
    Case("raw-control-char", 422, "invalid_request", body=b'{"message": "a\x01b"}'),
    Case("lone-surrogate", 422, "invalid_request", body=b'{"message": "\\ud800"}'),
    Case("deeply-nested", 422, "invalid_request", body=NESTED),
    Case("text-plain", 422, "invalid_request", body=b'{"message": "hi"}', headers=(TEXT,)),
    Case("form-encoded", 422, "invalid_request", body=b"message=%E4%BD%A0", headers=(FORM,)),
    Case(
        "xml-body",
        422,
        "invalid_request",
        body=b"<message>hi</message>",
        headers=(("Content-Type", "application/xml"),),
    ),
    Case("too-long-message", 413, "message_too_long", "2000", json={"message": "办" * 2001}),
    Case(
        "over-24-kib",
        413,
        "body_too_large",
        "24 KiB",
        json={"message": "你好", "padding": "x" * 30000},
    ),
    Case("chunked-over-cap", 413, "body_too_large", body=Chunks(8)),
    Case("get-method", 405, "http_error", "方法", method="GET"),
    Case("put-method", 405, "http_error", method="PUT", json={"message": "你好"}),
    Case(
        "forged-cookie",
        200,
        json={"message": "你好"},
        stores=True,
        then="new-web-session",
        headers=(("Cookie", "banshi_chat=victim123.forgedsignature"),),
    ),
    Case(
        "non-ascii-cookie",
        200,
        json={"message": "你好"},
        stores=True,
        then="new-web-session",
        headers=(("Cookie", "banshi_chat=会话.签名".encode()),),
    ),
    Case(
        "sender-in-body",
        200,
        json={"message": "你好", "sender_id": "victim123"},
        stores=True,
        then="new-web-session",
    ),
    Case("script-in-message", 200, json={"message": SCRIPT}, stores=True, then="web-echo"),
]

WECHAT: List[Case] = [
    Case(
        "truncated-envelope",
        400,
        "wechat_request_refused",
        "XML",
        sign="envelope",
        body="<xml><ToUserName>gh</ToUserName",
    ),
    Case(
        "billion-laughs-envelope",
        400,
        "wechat_request_refused",
        sign="envelope",
        body=BILLION_LAUGHS,
    ),
    Case(
        "external-entity-envelope",
        400,
        "wechat_request_refused",
        sign="envelope",
        body=EXTERNAL_ENTITY,
    ),
    Case(
        "wrong-root",
        400,
        "wechat_request_refused",
        "<xml>",
        sign="envelope",
        body="<root><Encrypt>abc</Encrypt></root>",
    ),
    Case(
        "no-encrypt",
        400,
        "wechat_request_refused",
        "Encrypt",
        sign="envelope",
        body="<xml><ToUserName>gh</ToUserName></xml>",
    ),
    Case(
        "undecryptable",
        403,
        "wechat_request_refused",
        sign="envelope",
        body=ENVELOPE % "bm90IGEgbWVzc2FnZQ==",
    ),
    Case(
        "binary-envelope",
        400,
        "wechat_request_refused",
        sign="envelope",
        body=b"\xff\xfe\x00<\x00x",
    ),
    Case(
        "gbk-envelope",
        400,
        "wechat_request_refused",
        sign="envelope",
        body="<xml><ToUserName>公众号</ToUserName></xml>".encode("gbk"),
    ),
    Case(
        "billion-laughs-inside",
        400,
        "wechat_request_refused",
        sign="encrypted-inner",
        xml=BILLION_LAUGHS,
    ),
    Case(
        "external-entity-inside",
        400,
        "wechat_request_refused",
        sign="encrypted-inner",
        xml=EXTERNAL_ENTITY,
    ),
    Case(
        "no-msgtype-inside",
        400,
        "wechat_request_refused",
        "MsgType",
        sign="encrypted-inner",
        xml=_message(ToUserName="{account}", FromUserName="{user}", Content="你好"),
    ),
    Case(
        "truncated-inside",
        400,
        "wechat_request_refused",
        sign="encrypted-inner",
        xml="<xml><ToUserName>{account}</ToUserName><MsgType>text",
    ),
    Case("plain-downgrade", 403, "wechat_request_refused", "加密", sign="plain", xml=TEXT_XML),
    Case("forged-signature", 403, "wechat_request_refused", "签名", sign="forged", xml=TEXT_XML),
    Case("stale-timestamp", 403, "wechat_request_refused", "过期", sign="stale", xml=TEXT_XML),
    Case("future-timestamp", 403, "wechat_request_refused", "过期", sign="future", xml=TEXT_XML),
    Case(
        "bad-msg-signature",
        403,
        "wechat_request_refused",
        "msg_signature",
        sign="bad-msg-signature",
        xml=TEXT_XML,
    ),
    Case("other-account", 400, "wechat_request_refused", sign="foreign", xml=TEXT_XML),
    Case("nonce-reused", 403, "wechat_request_refused", "nonce", sign="nonce-reused", xml=TEXT_XML),
    Case(
        "no-signature",
        400,
        "wechat_request_refused",
        "signature",
        xml=TEXT_XML,
        drop=("signature",),
    ),
    Case(
        "no-timestamp",
        400,
        "wechat_request_refused",
        "timestamp",
        xml=TEXT_XML,
        drop=("timestamp",),
    ),
    Case("no-nonce", 400, "wechat_request_refused", "nonce", xml=TEXT_XML, drop=("nonce",)),
    Case(
        "no-msg-signature",
        400,
        "wechat_request_refused",
        "msg_signature",
        xml=TEXT_XML,
        drop=("msg_signature",),
    ),
    Case(
        "text-timestamp",
        400,
        "wechat_request_refused",
        "timestamp",
        xml=TEXT_XML,
        params={"timestamp": "tomorrow"},
    ),
    Case(
        "json-content-type",
        415,
        "unsupported_media_type",
        "text/xml",
        xml=TEXT_XML,
        headers=(JSON,),
    ),
    Case(
        "over-256-kib",
        413,
        "body_too_large",
        "256 KiB",
        sign="envelope",
        body="<xml>" + "a" * 300_000 + "</xml>",
    ),
    Case(
        "verify-forged",
        403,
        "wechat_request_refused",
        method="GET",
        sign="forged",
        params={"echostr": "<script>x</script>"},
    ),
    Case("verify-no-echostr", 400, "wechat_request_refused", "echostr", method="GET"),
    Case(
        "plain-latin1-declared",
        400,
        "wechat_request_refused",
        "UTF-8",
        sign="plain-mode",
        xml=(
            '<?xml version="1.0" encoding="ISO-8859-1"?>' + TEXT_XML.replace("你好", "café")
        ).encode("latin-1", errors="ignore"),
    ),
    Case(
        "plain-gbk-bytes",
        400,
        "wechat_request_refused",
        sign="plain-mode",
        xml=TEXT_XML.replace("你好", "营业执照").encode("gbk"),
    ),
    Case(
        "plain-billion-laughs", 400, "wechat_request_refused", sign="plain-mode", xml=BILLION_LAUGHS
    ),
    Case(
        "plain-forged",
        403,
        "wechat_request_refused",
        "签名",
        sign="plain-mode",
        xml=TEXT_XML,
        params={"signature": "0" * 40},
    ),
    Case(
        "cdata-break-in-content",
        200,
        xml=TEXT_XML.replace("你好", "]]]]><![CDATA[>" + CDATA_BREAK[3:]),
        stores=True,
        then="wechat-echo",
    ),
]

HOTLINE: List[Case] = [
    Case("invalid-json", 400, "invalid_json", json=NOTHING, body=b"{not json"),
    Case("top-level-array", 422, "invalid_event", json=["{call}"]),
    Case(
        "missing-text",
        422,
        "invalid_event",
        "text",
        json={"call_id": "{call}", "speaker": "caller"},
    ),
    Case(
        "unknown-speaker",
        422,
        "invalid_event",
        "speaker",
        json={"call_id": "{call}", "speaker": "robot", "text": "你好"},
    ),
    Case(
        "path-in-call-id",
        422,
        "invalid_event",
        "call_id",
        json={"call_id": "../../etc/passwd", "speaker": "caller", "text": "你好"},
    ),
    Case(
        "control-char-call-id",
        422,
        "invalid_event",
        "call_id",
        json={"call_id": "{call}\u0001", "speaker": "caller", "text": "你好"},
    ),
    Case(
        "long-call-id",
        422,
        "invalid_event",
        "call_id",
        json={"call_id": "c" * 65, "speaker": "caller", "text": "你好"},
    ),
    Case(
        "text-2001-chars",
        422,
        "invalid_event",
        "text",
        json={"call_id": "{call}", "speaker": "caller", "text": "办" * 2001},
    ),
    Case(
        "empty-text",
        422,
        "invalid_event",
        "text",
        json={"call_id": "{call}", "speaker": "caller", "text": ""},
    ),
    Case(
        "list-text",
        422,
        "invalid_event",
        "text",
        json={"call_id": "{call}", "speaker": "caller", "text": ["你好"]},
    ),
    Case(
        "bad-time",
        422,
        "invalid_event",
        "time",
        json={"call_id": "{call}", "speaker": "caller", "text": "你好", "time": "昨天"},
    ),
    Case(
        "lone-surrogate-text",
        422,
        "invalid_event",
        "text",
        body=b'{"call_id": "{call}", "speaker": "caller", "text": "\\udc00"}',
    ),
    Case(
        "unknown-call",
        404,
        "unknown_call",
        "call-started",
        json={"call_id": "never-started", "speaker": "caller", "text": "你好"},
    ),
    Case(
        "gbk-body",
        400,
        "invalid_json",
        body='{"call_id": "{call}", "speaker": "caller", "text": "投诉"}'.encode("gbk"),
    ),
    Case(
        "latin1-body",
        400,
        "invalid_json",
        body='{"call_id": "{call}", "speaker": "caller", "text": "café"}'.encode("latin-1"),
    ),
    Case(
        "invalid-utf8",
        400,
        "invalid_json",
        body=b'{"call_id": "{call}", "speaker": "caller", "text": "\xc3\x28"}',
    ),
    Case(
        "raw-control-char",
        400,
        "invalid_json",
        body=b'{"call_id": "{call}", "speaker": "caller", "text": "a\x00b"}',
    ),
    Case(
        "text-plain",
        415,
        "unsupported_media_type",
        "application/json",
        headers=(TEXT,),
        json={"call_id": "{call}", "speaker": "caller", "text": "你好"},
    ),
    Case(
        "over-32-kib",
        413,
        "body_too_large",
        "32 KiB",
        json={"call_id": "{call}", "speaker": "caller", "text": "长" * 12000},
    ),
    Case(
        "stale-signature",
        401,
        "bad_signature",
        "过期",
        sign="stale",
        json={"call_id": "{call}", "speaker": "caller", "text": "你好"},
    ),
    Case(
        "future-signature",
        401,
        "bad_signature",
        "过期",
        sign="future",
        json={"call_id": "{call}", "speaker": "caller", "text": "你好"},
    ),
    Case(
        "wrong-secret",
        401,
        "bad_signature",
        "签名",
        sign="wrong-secret",
        json={"call_id": "{call}", "speaker": "caller", "text": "你好"},
    ),
    Case(
        "tampered-body",
        401,
        "bad_signature",
        "签名",
        sign="tampered",
        json={"call_id": "{call}", "speaker": "caller", "text": "你好"},
    ),
    Case(
        "unsigned",
        401,
        "bad_signature",
        "X-Hotline-Signature",
        sign="unsigned",
        json={"call_id": "{call}", "speaker": "caller", "text": "你好"},
    ),
    Case(
        "signature-without-prefix",
        401,
        "bad_signature",
        sign="no-prefix",
        json={"call_id": "{call}", "speaker": "caller", "text": "你好"},
    ),
    Case(
        "text-timestamp",
        401,
        "bad_signature",
        "Unix",
        sign="ts-text",
        json={"call_id": "{call}", "speaker": "caller", "text": "你好"},
    ),
    Case(
        "arabic-digit-timestamp",
        401,
        "bad_signature",
        sign="ts-arabic-digits",
        json={"call_id": "{call}", "speaker": "caller", "text": "你好"},
    ),
    Case(
        "non-ascii-signature",
        401,
        "bad_signature",
        sign="sig-non-ascii",
        json={"call_id": "{call}", "speaker": "caller", "text": "你好"},
    ),
    Case(
        "replayed-utterance",
        409,
        "replayed_request",
        "重复",
        sign="replay",
        json={"call_id": "{call}", "speaker": "agent", "text": "您好,请讲"},
    ),
    Case(
        "start-replayed-as-end",
        409,
        "replayed_request",
        sign="replay-start",
        path="/webhooks/hotline/call-ended",
    ),
    Case(
        "bad-ended-at",
        422,
        "invalid_event",
        "ended_at",
        path="/webhooks/hotline/call-ended",
        json={"call_id": "{call}", "ended_at": "not a time"},
    ),
    Case(
        "numeric-caller-number",
        422,
        "invalid_event",
        "caller_number",
        path="/webhooks/hotline/call-started",
        json={"call_id": "{call}y", "caller_number": 13812345678},
    ),
    Case(
        "unknown-event",
        404,
        "http_error",
        path="/webhooks/hotline/call-transferred",
        json={"call_id": "{call}"},
    ),
    Case(
        "script-in-line-and-caller",
        200,
        path="/webhooks/hotline/call-started",
        json={"call_id": "{call}x", "caller_number": SCRIPT, "line": IMG},
        stores=True,
        then="desk-shows-line",
    ),
    Case(
        "script-in-utterance",
        200,
        stores=True,
        then="desk-shows-text",
        json={"call_id": "{call}", "speaker": "caller", "text": SCRIPT},
    ),
]

FEEDBACK = {"call_id": "{desk_call}", "suggestion_id": "{suggestion}", "action": "used"}

DESK: List[Case] = [
    Case("unknown-action", 422, "invalid_request", "action", json={**FEEDBACK, "action": "liked"}),
    Case("numeric-action", 422, "invalid_request", "action", json={**FEEDBACK, "action": 1}),
    Case(
        "empty-suggestion",
        422,
        "invalid_request",
        "suggestion_id",
        json={**FEEDBACK, "suggestion_id": ""},
    ),
    Case(
        "invented-suggestion",
        422,
        "unknown_suggestion",
        "建议",
        json={**FEEDBACK, "suggestion_id": "legal_aid.invented"},
    ),
    Case("unknown-call", 404, "unknown_call", json={**FEEDBACK, "call_id": "no-such-call"}),
    Case(
        "path-in-call-id",
        422,
        "invalid_request",
        "call_id",
        json={**FEEDBACK, "call_id": "../../var/feedback.db"},
    ),
    Case(
        "edited-text-4001",
        422,
        "invalid_request",
        "edited_text",
        json={**FEEDBACK, "action": "edited", "edited_text": "改" * 4001},
    ),
    Case(
        "over-64-kib",
        413,
        "body_too_large",
        "64 KiB",
        json={**FEEDBACK, "edited_text": "x" * 70000},
    ),
    Case("invalid-json", 422, "invalid_request", body=b'{"call_id": '),
    Case(
        "gbk-body",
        400,
        "invalid_body",
        "UTF-8",
        body='{"call_id": "{desk_call}", "suggestion_id": "{suggestion}", "action": "used", '
        '"edited_text": "改写"}'.encode("gbk"),
    ),
    Case(
        "form-encoded",
        422,
        "invalid_request",
        headers=(FORM,),
        body=b"call_id={desk_call}&suggestion_id={suggestion}&action=used",
    ),
    Case(
        "no-csrf-token", 403, "csrf_failed", "刷新", json=FEEDBACK, headers=(("X-CSRF-Token", ""),)
    ),
    Case(
        "wrong-csrf-token", 403, "csrf_failed", json=FEEDBACK, headers=(("X-CSRF-Token", "0" * 64),)
    ),
    Case(
        "non-ascii-csrf-token",
        403,
        "csrf_failed",
        json=FEEDBACK,
        headers=(("X-CSRF-Token", "令牌".encode()),),
    ),
    Case(
        "foreign-origin",
        403,
        "csrf_failed",
        "来源",
        json=FEEDBACK,
        headers=(("Origin", "https://evil.example"),),
    ),
    Case(
        "method-override-to-get",
        403,
        "csrf_failed",
        json=FEEDBACK,
        headers=(("X-CSRF-Token", ""), ("X-HTTP-Method-Override", "GET")),
    ),
    Case("anonymous", 401, "login_required", "登录", json=FEEDBACK, who="anonymous"),
    Case(
        "forged-session-cookie",
        401,
        "login_required",
        json=FEEDBACK,
        who="anonymous",
        headers=(("Cookie", "banshi_session=forged-token"),),
    ),
    Case("trainer-account", 403, "forbidden", "权限", json=FEEDBACK, who="trainer"),
    Case("get-feedback", 405, "http_error", method="GET"),
    Case("calls-with-post", 405, "http_error", path="/api/agent/calls", json={}),
    Case(
        "desk-script-inserts-text-only",
        200,
        method="GET",
        path="/agent/agent.js",
        then="no-html-sinks",
    ),
]

LABEL = "/api/trainer/items/{item}/label"

TRAINER: List[Case] = [
    Case(
        "script-as-status", 422, "invalid_status", "状态", method="GET", params={"status": SCRIPT}
    ),
    Case(
        "text-item-id",
        422,
        "invalid_request",
        path="/api/trainer/items/abc/label",
        json={"intent": "greet"},
    ),
    Case(
        "huge-item-id",
        422,
        "invalid_request",
        path="/api/trainer/items/99999999999999999999/label",
        json={"intent": "greet"},
    ),
    Case(
        "negative-item-id",
        404,
        "unknown_item",
        path="/api/trainer/items/-1/label",
        json={"intent": "greet"},
    ),
    Case(
        "traversal-item-id",
        404,
        "http_error",
        path="/api/trainer/items/..%2F..%2Fapply/label",
        json={"intent": "greet"},
    ),
    Case("unknown-intent", 422, "invalid_label", path=LABEL, json={"intent": SCRIPT}),
    Case(
        "entity-text-201",
        422,
        "invalid_request",
        "text",
        path=LABEL,
        json={"intent": "greet", "entities": [{"entity": "city", "text": "沈" * 201}]},
    ),
    Case(
        "entities-not-list",
        422,
        "invalid_request",
        "entities",
        path=LABEL,
        json={"intent": "greet", "entities": "city"},
    ),
    Case("label-invalid-json", 422, "invalid_request", path=LABEL, body=b'{"intent": "gre'),
    Case(
        "label-gbk-body",
        400,
        "invalid_body",
        "UTF-8",
        path=LABEL,
        body='{"intent": "greet", "kb_entry": "营业执照"}'.encode("gbk"),
    ),
    Case(
        "label-without-csrf",
        403,
        "csrf_failed",
        path=LABEL,
        json={"intent": "greet"},
        headers=(("X-CSRF-Token", ""),),
    ),
    Case("label-as-agent", 403, "forbidden", path=LABEL, json={"intent": "greet"}, who="agent"),
    Case(
        "dismiss-note-501",
        422,
        "invalid_request",
        "note",
        path="/api/trainer/items/{item}/dismiss",
        json={"note": "注" * 501},
    ),
    Case(
        "dismiss-note-number",
        422,
        "invalid_request",
        "note",
        path="/api/trainer/items/{item}/dismiss",
        json={"note": 5},
    ),
    Case(
        "apply-text-ids",
        422,
        "invalid_request",
        "items",
        path="/api/trainer/apply",
        json={"items": ["x"]},
    ),
    Case(
        "apply-huge-id",
        200,
        path="/api/trainer/apply",
        json={"items": [10**20]},
        then="nothing-applied",
    ),
    Case(
        "audit-text-limit",
        422,
        "invalid_request",
        "limit",
        method="GET",
        path="/api/trainer/audit",
        params={"limit": "all"},
    ),
    Case(
        "export-without-csrf",
        403,
        "csrf_failed",
        path="/api/trainer/export",
        headers=(("X-CSRF-Token", ""),),
    ),
    Case("stored-script-comes-back-as-data", 200, method="GET", then="trainer-shows-text"),
    Case(
        "report-is-not-html",
        200,
        method="GET",
        path="/api/trainer/report",
        then="served-as-markdown",
    ),
    Case(
        "trainer-script-inserts-text-only",
        200,
        method="GET",
        path="/trainer/trainer.js",
        then="no-html-sinks",
    ),
]

LOGIN: List[Case] = [
    Case("no-name", 422, "invalid_request", "name", json={"password": "x" * 10}),
    Case("numeric-name", 422, "invalid_request", "name", json={"name": 1, "password": "x" * 10}),
    Case(
        "name-65-chars",
        422,
        "invalid_request",
        "name",
        json={"name": "n" * 65, "password": "x" * 10},
    ),
    Case(
        "password-257-chars",
        422,
        "invalid_request",
        "password",
        json={"name": "nobody", "password": "x" * 257},
    ),
    Case("invalid-json", 422, "invalid_request", body=b'{"name": "a", "password": '),
    Case(
        "latin1-body",
        400,
        "invalid_body",
        "UTF-8",
        body='{"name": "josé", "password": "contraseña"}'.encode("latin-1"),
    ),
    Case("form-encoded", 422, "invalid_request", body=b"name=a&password=b", headers=(FORM,)),
    Case(
        "foreign-origin",
        403,
        "csrf_failed",
        "来源",
        json={"name": "a", "password": "b" * 8},
        headers=(("Origin", "https://evil.example"),),
    ),
    Case(
        "unknown-name-with-nul",
        401,
        "bad_credentials",
        "用户名或密码错误",
        json={"name": "admin\u0000", "password": "whatever1"},
    ),
    Case("script-as-name", 401, "bad_credentials", json={"name": SCRIPT, "password": "12345678"}),
]

APPOINTMENTS = "/v1/appointments"
GOOD = {
    "hall_id": "test-full",
    "service": "驾驶证补换领",
    "start": "2026-10-13T09:00:00+08:00",
    "name": "演示用户丙",
    "phone": "13700000009",
    "id_number": "11010519491231002X",
}
PROOF = {"phone": "13700000002"}
CHECKUP = {
    "enterprise_name": "演示科技有限公司",
    "uscc": "91210100MA0000001G",
    "contact_name": "演示联系人",
    "contact_phone": "13700000003",
    "city": "沈阳",
    "topics": ["合同管理"],
}


def _booking(**fields: Any) -> Dict[str, Any]:
    return {**GOOD, **fields}


SERVICE: List[Case] = [
    Case(
        "id-checksum",
        422,
        "invalid_id_number",
        path=APPOINTMENTS,
        json=_booking(id_number="110105194912310021"),
    ),
    Case(
        "id-17-digits",
        422,
        "invalid_id_number",
        path=APPOINTMENTS,
        json=_booking(id_number="11010519491231002"),
    ),
    Case(
        "id-birth-date",
        422,
        "invalid_id_number",
        path=APPOINTMENTS,
        json=_booking(id_number="110105194913310028"),
    ),
    Case(
        "id-unknown-region",
        422,
        "invalid_id_number",
        path=APPOINTMENTS,
        json=_booking(id_number="990105194912310024"),
    ),
    Case(
        "phone-10-digits",
        422,
        "invalid_phone",
        "手机号",
        path=APPOINTMENTS,
        json=_booking(phone="1370000000"),
    ),
    Case(
        "phone-landline",
        422,
        "invalid_phone",
        path=APPOINTMENTS,
        json=_booking(phone="02488888888"),
    ),
    Case(
        "phone-letters", 422, "invalid_phone", path=APPOINTMENTS, json=_booking(phone="137abcd0001")
    ),
    Case("phone-number-type", 422, path=APPOINTMENTS, json=_booking(phone=13700000009)),
    Case(
        "start-unix-seconds",
        422,
        "invalid_datetime",
        path=APPOINTMENTS,
        json=_booking(start=1791853200),
    ),
    Case(
        "start-february-30",
        422,
        "invalid_datetime",
        path=APPOINTMENTS,
        json=_booking(start="2026-02-30T09:00:00+08:00"),
    ),
    Case(
        "start-in-words",
        422,
        "invalid_datetime",
        path=APPOINTMENTS,
        json=_booking(start="下周一上午"),
    ),
    Case(
        "start-not-a-slot",
        422,
        "not_a_slot",
        path=APPOINTMENTS,
        json=_booking(start="2026-10-13T09:17:00+08:00"),
    ),
    Case(
        "start-on-holiday",
        422,
        "hall_closed",
        "国庆",
        path=APPOINTMENTS,
        json=_booking(start="2026-10-01T09:00:00+08:00"),
    ),
    Case(
        "nul-in-name",
        422,
        "invalid_text",
        "控制字符",
        path=APPOINTMENTS,
        json=_booking(name="演示\u0000用户"),
    ),
    Case("name-10000-chars", 422, path=APPOINTMENTS, json=_booking(name="名" * 10000)),
    Case(
        "unknown-hall", 422, "hall_not_found", path=APPOINTMENTS, json=_booking(hall_id="../../etc")
    ),
    Case("body-array", 422, path=APPOINTMENTS, json=[GOOD]),
    Case("invalid-json", 422, path=APPOINTMENTS, body=b'{"hall_id": "test-full",'),
    Case(
        "gbk-body",
        400,
        path=APPOINTMENTS,
        body=(
            '{"hall_id": "test-full", "service": "驾驶证补换领", "start": '
            '"2026-10-13T09:00:00+08:00", "name": "演示用户丙", "phone": "13700000009", '
            '"id_number": "11010519491231002X"}'
        ).encode("gbk"),
    ),
    Case("text-plain", 422, path=APPOINTMENTS, headers=(TEXT,), body=b"hall_id=test-full"),
    Case(
        "no-idempotency-key",
        400,
        "idempotency_key_missing",
        path=APPOINTMENTS,
        json=GOOD,
        headers=(("Idempotency-Key", ""),),
    ),
    Case(
        "non-ascii-idempotency-key",
        400,
        path=APPOINTMENTS,
        json=GOOD,
        headers=(("Idempotency-Key", "预约-1".encode()),),
    ),
    Case(
        "idempotency-key-256",
        400,
        path=APPOINTMENTS,
        json=GOOD,
        headers=(("Idempotency-Key", "k" * 256),),
    ),
    Case(
        "reused-idempotency-key",
        422,
        "idempotency_key_reused",
        path=APPOINTMENTS,
        json=GOOD,
        headers=(("Idempotency-Key", "corpus-booking"),),
    ),
    Case(
        "no-api-key",
        401,
        "unauthorized",
        path=APPOINTMENTS,
        json=GOOD,
        headers=(("X-API-Key", ""),),
    ),
    Case(
        "non-ascii-api-key",
        401,
        "unauthorized",
        path=APPOINTMENTS,
        json=GOOD,
        headers=(("X-API-Key", "密钥".encode()),),
    ),
    Case(
        "short-appointment-id",
        422,
        "invalid_appointment_id",
        method="GET",
        path=APPOINTMENTS + "/AP123",
        params=PROOF,
    ),
    Case(
        "appointment-id-with-i-and-o",
        422,
        "invalid_appointment_id",
        method="GET",
        path=APPOINTMENTS + "/APIOIOIOIO",
        params=PROOF,
    ),
    Case(
        "traversal-appointment-id",
        404,
        method="GET",
        path=APPOINTMENTS + "/..%2F..%2Fhalls",
        params=PROOF,
    ),
    Case(
        "wrong-proof",
        404,
        "appointment_not_found",
        method="GET",
        path=APPOINTMENTS + "/{appointment}",
        params={"phone": "13900000000"},
    ),
    Case("no-proof", 403, "proof_required", method="GET", path=APPOINTMENTS + "/{appointment}"),
    Case(
        "cancel-with-wrong-id-number",
        404,
        "appointment_not_found",
        path=APPOINTMENTS + "/{appointment}/cancel",
        json={"id_number": "11010519491231002X"},
    ),
    Case(
        "cancel-invalid-id",
        422,
        "invalid_appointment_id",
        path=APPOINTMENTS + "/AP<script>/cancel",
        json=PROOF,
    ),
    Case(
        "list-invalid-phone",
        422,
        "invalid_phone",
        method="GET",
        path=APPOINTMENTS,
        params={"phone": "12345", "id_number": "210102199001011237"},
    ),
    Case(
        "list-invalid-id-number",
        422,
        "invalid_id_number",
        method="GET",
        path=APPOINTMENTS,
        params={"phone": "13700000002", "id_number": "210102199001011238"},
    ),
    Case(
        "slots-february-30",
        422,
        method="GET",
        path="/v1/halls/test-full/slots",
        params={"service": "驾驶证补换领", "date": "2026-02-30"},
    ),
    Case(
        "slots-reversed-range",
        422,
        "invalid_date_range",
        method="GET",
        path="/v1/halls/test-full/slots",
        params={"service": "驾驶证补换领", "date_from": "2026-10-14", "date_to": "2026-10-12"},
    ),
    Case(
        "slots-in-past",
        422,
        "date_in_past",
        method="GET",
        path="/v1/halls/test-full/slots",
        params={"service": "驾驶证补换领", "date": "2020-01-01"},
    ),
    Case(
        "slots-unknown-service",
        422,
        "unknown_service",
        method="GET",
        path="/v1/halls/test-full/slots",
        params={"service": SCRIPT},
    ),
    Case(
        "unknown-city", 422, "unknown_city", method="GET", path="/v1/halls", params={"city": "长春"}
    ),
    Case("case-number-garbage", 422, "invalid_case_number", method="GET", path="/v1/cases/ABC"),
    Case(
        "case-number-nul", 422, "invalid_case_number", method="GET", path="/v1/cases/GD2026%00001"
    ),
    Case(
        "uscc-checksum",
        422,
        "invalid_uscc",
        "校验位",
        path="/v1/legal-checkups",
        json={**CHECKUP, "uscc": "91210100MA0000001H"},
    ),
    Case(
        "uscc-with-letter-o",
        422,
        "invalid_uscc",
        path="/v1/legal-checkups",
        json={**CHECKUP, "uscc": "91210100MA00000O1G"},
    ),
    Case("topics-not-list", 422, path="/v1/legal-checkups", json={**CHECKUP, "topics": "合同管理"}),
    Case(
        "checkup-landline",
        422,
        "invalid_phone",
        path="/v1/legal-checkups",
        json={**CHECKUP, "contact_phone": "0245555555"},
    ),
    Case(
        "checkup-id-invalid",
        422,
        "invalid_request_id",
        method="GET",
        path="/v1/legal-checkups/FT%3Cscript%3E",
    ),
    Case(
        "script-in-enterprise-name",
        201,
        path="/v1/legal-checkups",
        stores=True,
        json={**CHECKUP, "enterprise_name": SCRIPT + "有限公司"},
        then="service-echo",
    ),
]


def _raw(line: str, *headers: str, body: bytes = b"") -> bytes:
    head = [line, "Host: gw", *headers, "Connection: close"]
    return ("\r\n".join(head) + "\r\n\r\n").encode("utf-8") + body


CHAT_BODY = '{"message": "你好"}'.encode()

PATHS: List[Case] = [
    Case("static-dot-dot", 404, raw=_raw("GET /static/../bot/settings.py HTTP/1.1")),
    Case("static-encoded-dot-dot", 404, raw=_raw("GET /static/%2e%2e/%2e%2e/settings.py HTTP/1.1")),
    Case(
        "static-encoded-slash-to-pages",
        404,
        raw=_raw("GET /static/..%2fpages%2fagent.html HTTP/1.1"),
    ),
    Case("static-double-encoded", 404, raw=_raw("GET /static/%252e%252e%252fapp.py HTTP/1.1")),
    Case("static-backslashes", 404, raw=_raw("GET /static/..\\..\\app.py HTTP/1.1")),
    Case("static-absolute", 404, raw=_raw("GET /static//etc/passwd HTTP/1.1")),
    Case("static-nul-suffix", 404, raw=_raw("GET /static/chat.js%00.html HTTP/1.1")),
    Case("static-non-ascii-path", 400, raw=_raw("GET /static/中文.js HTTP/1.1")),
    Case("root-dot-dot", 404, raw=_raw("GET /../../etc/passwd HTTP/1.1")),
    Case("pages-not-public", 404, raw=_raw("GET /static/agent.js HTTP/1.1")),
    Case(
        "duplicate-content-length",
        400,
        raw=_raw(
            "POST /api/chat HTTP/1.1",
            "Content-Type: application/json",
            f"Content-Length: {len(CHAT_BODY)}",
            "Content-Length: 3",
            body=CHAT_BODY,
        ),
    ),
    Case(
        "text-content-length",
        400,
        raw=_raw(
            "POST /api/chat HTTP/1.1",
            "Content-Type: application/json",
            "Content-Length: abc",
            body=CHAT_BODY,
        ),
    ),
    Case(
        "negative-content-length",
        400,
        raw=_raw(
            "POST /api/chat HTTP/1.1",
            "Content-Type: application/json",
            "Content-Length: -5",
            body=CHAT_BODY,
        ),
    ),
    Case("control-char-in-header", 400, raw=_raw("GET /livez HTTP/1.1", "X-Note: a\x01b")),
    Case(
        "non-ascii-header-to-chat",
        200,
        stores=True,
        raw=_raw(
            "POST /api/chat HTTP/1.1",
            "Content-Type: application/json",
            "X-Forwarded-For: 北京",
            "User-Agent: 浏览器",
            f"Content-Length: {len(CHAT_BODY)}",
            body=CHAT_BODY,
        ),
    ),
    Case(
        "method-override-header",
        405,
        raw=_raw(
            "POST /api/agent/calls HTTP/1.1", "X-HTTP-Method-Override: GET", "Content-Length: 0"
        ),
    ),
    Case("method-override-query", 405, raw=_raw("GET /api/chat?_method=POST HTTP/1.1")),
    Case("unknown-method", 400, raw=_raw("BREW /api/chat HTTP/1.1", "Content-Length: 0")),
    Case("trace-method", 405, raw=_raw("TRACE /api/agent/calls HTTP/1.1")),
]

SURFACES: Dict[str, Tuple[str, List[Case]]] = {
    "web": ("web chat", WEB),
    "wechat": ("WeChat", WECHAT),
    "hotline": ("hotline", HOTLINE),
    "desk": ("desk", DESK),
    "trainer": ("trainer", TRAINER),
    "login": ("staff login", LOGIN),
    "service": ("service API", SERVICE),
    "paths": ("paths and headers", PATHS),
}
