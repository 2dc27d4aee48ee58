"""The systems the bad-input corpus runs against, and how one case is sent, judged and followed.

Two gateways in this process share one stand-in Rasa: one with an EncodingAESKey (safe mode,
as production runs) and one in plain mode. The service API is its own app with a SQLite file.
For every case the surface's stored state is read before and after the request; a refused
request must leave it unchanged, and a valid request sent right after must still work.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import time
import uuid
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

import httpx
import xmltodict
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select, text
from wechatpy.crypto import WeChatCrypto

from bot.gateway import create_app
from bot.review.inbox import Candidate, Inbox
from bot.service_api.app import create_app as create_service_api
from bot.service_api.db import Database
from bot.service_api.deps import current_time
from bot.service_api.models import Appointment, LegalCheckup, Slot
from bot.settings import Settings
from tests.gateway.fixtures import (
    APP_ID,
    HOTLINE_SECRET,
    WECHAT_TOKEN,
    gateway_settings,
    hotline_headers,
    logged_in,
)
from tests.gateway.servers import FakeRasa, ServerThread, free_port
from tests.gateway.wechat_peer import WeChatPeer, message_xml, new_aes_key, signature
from tests.service_api.conftest import FROZEN_NOW
from tests.service_api.helpers import API_KEY, PERSON_B, booking, checkup, seed_test_halls

from .cases import NOTHING, SCRIPT, Case, Chunks

Headers = List[Tuple[str, Any]]


@dataclass
class Outcome:
    status: int
    headers: httpx.Headers
    text: str

    def json(self) -> Any:
        return json.loads(self.text)

    @property
    def media_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


@dataclass
class Context:
    """What one case's placeholders stand for, and what its set-up sent."""

    user: str = ""
    msgid: str = ""
    call: str = ""
    prior: Optional[Tuple[bytes, Dict[str, str]]] = None

    def fill(self, value: Any, world: World) -> Any:
        names = {
            "{user}": self.user,
            "{msgid}": self.msgid,
            "{call}": self.call,
            "{account}": world.peer.account,
            "{desk_call}": world.desk_call,
            "{suggestion}": world.suggestion,
            "{item}": str(world.item_id),
            "{appointment}": world.appointment_id,
            "{checkup}": world.checkup_id,
        }
        if isinstance(value, str):
            for name, actual in names.items():
                value = value.replace(name, actual)
            return value
        if isinstance(value, bytes):
            return self.fill(value.decode("latin-1"), world).encode("latin-1")
        if isinstance(value, dict):
            return {self.fill(k, world): self.fill(v, world) for k, v in value.items()}
        if isinstance(value, list):
            return [self.fill(v, world) for v in value]
        return value


def _body(case: Case, ctx: Context, world: World) -> Tuple[Any, Headers]:
    """The request body and the Content-Type it goes with (JSON unless the case says)."""
    headers: Headers = []
    if case.json is not NOTHING:
        content: Any = json.dumps(ctx.fill(case.json, world), ensure_ascii=False).encode()
        headers.append(("Content-Type", "application/json"))
    elif isinstance(case.body, Chunks):
        chunks = case.body

        def stream() -> Iterator[bytes]:  # no Content-Length: counted while it streams
            for _ in range(chunks.count):
                yield b"x" * chunks.size

        content = stream()
        headers.append(("Content-Type", "application/json"))
    else:
        content = ctx.fill(case.body, world)
        if content is not None:
            headers.append(("Content-Type", "application/json"))
    overridden = {name.lower() for name, _ in case.headers}
    headers = [h for h in headers if h[0].lower() not in overridden]
    return content, headers + [(k, ctx.fill(v, world)) for k, v in case.headers]


def _outcome(response: httpx.Response) -> Outcome:
    return Outcome(response.status_code, response.headers, response.text)


def raw_http(port: int, request: bytes) -> Outcome:
    """One request written to the socket byte for byte: no client library normalises it."""
    with socket.create_connection(("127.0.0.1", port), timeout=15) as sock:
        sock.sendall(request)
        received = b""
        while True:
            try:
                chunk = sock.recv(65536)
            except (ConnectionResetError, TimeoutError):
                break
            if not chunk:
                break
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1]) if lines and lines[0].startswith("HTTP/") else 0
    pairs = [line.split(":", 1) for line in lines[1:] if ":" in line]
    headers = httpx.Headers([(k.strip(), v.strip()) for k, v in pairs])
    return Outcome(status, headers, body.decode("utf-8", errors="replace"))


@dataclass
class World:
    rasa: FakeRasa
    safe_url: str
    safe_port: int
    plain_url: str
    settings: Settings
    peer: WeChatPeer
    plain_peer: WeChatPeer
    admin: httpx.Client
    agent: httpx.Client
    trainer: httpx.Client
    service: TestClient
    desk_call: str = ""
    suggestion: str = ""
    item_id: int = 0
    appointment_id: str = ""
    checkup_id: str = ""
    nonce_query: Dict[str, str] = field(default_factory=dict)

    # ---- sending -----------------------------------------------------------------------

    def prepare(self, surface: str, case: Case) -> Context:
        """Fresh names for the case's placeholders; a hotline case gets a call just started."""
        ctx = Context(
            user="o" + uuid.uuid4().hex[:27],
            msgid=str(uuid.uuid4().int % 10**18),
            call="bad-" + uuid.uuid4().hex[:12],
        )
        if surface == "hotline":
            started = json.dumps({"call_id": ctx.call}).encode()
            headers = hotline_headers(started)
            response = httpx.post(
                f"{self.safe_url}/webhooks/hotline/call-started",
                content=started, headers=headers, timeout=30,
            )  # fmt: skip
            assert response.status_code == 200, response.text
            ctx.prior = (started, headers)
        if case.sign == "replay":
            # The genuine first delivery, before the stored state is read.
            content, _ = _body(case, ctx, self)
            signed = _hotline_signature("", content)
            path = ctx.fill(case.path or "/webhooks/hotline/utterance", self)
            first = httpx.post(self.safe_url + path, content=content, headers=signed, timeout=30)
            assert first.status_code == 200, first.text
            ctx.prior = (content, signed)
        if case.sign == "nonce-reused":
            genuine = message_xml(
                "o" + uuid.uuid4().hex[:27], self.peer.account, "text", Content="在吗"
            )
            first_request = self.peer.request(genuine, "safe")
            reply = httpx.post(
                self.peer.url, params=first_request["params"], content=first_request["content"],
                headers={"Content-Type": "text/xml"}, timeout=30,
            )  # fmt: skip
            assert reply.status_code == 200, reply.text
            self.nonce_query = first_request["params"]
        return ctx

    def send(self, surface: str, case: Case, ctx: Context) -> Outcome:
        if case.raw:
            return raw_http(self.safe_port, ctx.fill(case.raw, self))
        sender: Callable[[Case, Context], Outcome] = getattr(self, "_" + surface)
        return sender(case, ctx)

    def _gateway(self, client: httpx.Client, case: Case, ctx: Context, path: str) -> Outcome:
        content, headers = _body(case, ctx, self)
        response = client.request(
            case.method,
            ctx.fill(case.path or path, self),
            content=content,
            headers=headers,
            params=ctx.fill(case.params, self) or None,
        )
        return _outcome(response)

    def _web(self, case: Case, ctx: Context) -> Outcome:
        with httpx.Client(base_url=self.safe_url, timeout=30) as client:
            return self._gateway(client, case, ctx, "/api/chat")

    def _login(self, case: Case, ctx: Context) -> Outcome:
        with httpx.Client(base_url=self.safe_url, timeout=30) as client:
            return self._gateway(client, case, ctx, "/api/login")

    def _desk(self, case: Case, ctx: Context) -> Outcome:
        client = self.trainer if case.who == "trainer" else self.agent
        if case.who == "anonymous":
            with httpx.Client(base_url=self.safe_url, timeout=30) as anonymous:
                return self._gateway(anonymous, case, ctx, "/api/agent/feedback")
        return self._gateway(client, case, ctx, "/api/agent/feedback")

    def _trainer(self, case: Case, ctx: Context) -> Outcome:
        client = self.agent if case.who == "agent" else self.trainer
        return self._gateway(client, case, ctx, "/api/trainer/items")

    def _service(self, case: Case, ctx: Context) -> Outcome:
        content, headers = _body(case, ctx, self)
        if case.method == "POST" and not any(k.lower() == "idempotency-key" for k, _ in headers):
            headers.append(("Idempotency-Key", str(uuid.uuid4())))
        if not any(k.lower() == "x-api-key" for k, _ in headers):
            headers.append(("X-API-Key", API_KEY))
        response = self.service.request(
            case.method,
            ctx.fill(case.path, self),
            content=content,
            headers=headers,
            params=ctx.fill(case.params, self) or None,
        )
        return _outcome(response)

    def _hotline(self, case: Case, ctx: Context) -> Outcome:
        path = ctx.fill(case.path or "/webhooks/hotline/utterance", self)
        content, extra = _body(case, ctx, self)
        if case.sign == "replay-start" and ctx.prior:
            content, signed = ctx.prior
        else:
            signed = _hotline_signature(case.sign, content or b"")
        if case.sign == "replay" and ctx.prior:
            content, signed = ctx.prior
        headers: Headers = list(signed.items())
        overridden = {k.lower() for k, _ in extra}
        headers = [h for h in headers if h[0].lower() not in overridden] + extra
        return _outcome(
            httpx.post(self.safe_url + path, content=content, headers=headers, timeout=30)
        )

    def _wechat(self, case: Case, ctx: Context) -> Outcome:
        peer = self.plain_peer if case.sign == "plain-mode" else self.peer
        xml = ctx.fill(case.xml, self)
        query = peer.query()
        content: Any = None
        if case.method == "GET":
            pass  # the server-URL check carries no body
        elif case.sign in ("plain", "plain-mode"):
            content = xml.encode("utf-8") if isinstance(xml, str) else xml
        elif case.sign == "envelope":
            query.update(encrypt_type="aes", msg_signature="0" * 40)
            content = ctx.fill(case.body, self)
        elif case.sign == "encrypted-inner":
            content, query = _encrypt_as(peer.crypto, xml, query, peer.account)
        elif case.sign == "foreign":
            other = WeChatCrypto(WECHAT_TOKEN, new_aes_key(), "wxotheraccount")
            content, query = _encrypt_as(other, xml, query, peer.account)
        else:
            request = peer.request(xml, "safe")
            content, query = request["content"], request["params"]
        if case.sign == "forged":
            query["signature"] = "0" * 40
        elif case.sign == "stale":
            query = _resigned(query, int(time.time()) - 3600)
        elif case.sign == "future":
            query = _resigned(query, int(time.time()) + 3600)
        elif case.sign == "bad-msg-signature":
            query["msg_signature"] = "f" * 40
        elif case.sign == "nonce-reused":
            nonce, stamp = self.nonce_query["nonce"], self.nonce_query["timestamp"]
            envelope = xmltodict.parse(peer.crypto.encrypt_message(xml, nonce, stamp))["xml"]
            query = {**self.nonce_query, "msg_signature": envelope["MsgSignature"]}
            body = {"ToUserName": peer.account, "Encrypt": envelope["Encrypt"]}
            content = xmltodict.unparse({"xml": body}, full_document=False)
        for name in case.drop:
            query.pop(name, None)
        query.update(case.params or {})
        headers = {"Content-Type": "text/xml"}
        headers.update(dict(case.headers))
        response = httpx.request(
            case.method, peer.url, params=query, content=content, headers=headers, timeout=30
        )
        return _outcome(response)

    # ---- what is stored ----------------------------------------------------------------

    def stored(self, surface: str) -> Any:
        """Everything a request of `surface` could change, in a comparable form."""
        if surface == "service":
            return self._service_rows()
        calls = self.admin.get("/api/agent/calls")
        assert calls.status_code == 200
        state = sorted(
            (c["call_id"], len(c["transcript"]), c.get("ended_at"), c.get("caller"), c.get("line"))
            for c in calls.json()
        )
        inbox = Inbox(self.settings.review_database_path)
        try:
            items = [
                (i.id, i.status, i.label_intent, i.label_kb_entry, i.note, i.count)
                for i in inbox.items()
            ]
            audit = len(inbox.audit_log(1000))
        finally:
            inbox.close()
        return {
            "rasa turns": list(self.rasa.senders),
            "rasa parses": len(self.rasa.parsed),
            "calls": state,
            "feedback": self._feedback_rows(),
            "inbox": items,
            "audit": audit,
        }

    def _feedback_rows(self) -> int:
        engine = create_engine(self.settings.resolved_feedback_database_url())
        with engine.connect() as connection:
            count = connection.execute(text("SELECT count(*) FROM agent_feedback")).scalar()
        engine.dispose()
        return int(count or 0)

    def _service_rows(self) -> Any:
        db: Database = self.service.app.state.db  # type: ignore[attr-defined]
        with db.session() as session:
            appointments = session.execute(
                select(Appointment.id, Appointment.status).order_by(Appointment.id)
            ).all()
            checkups = session.scalar(select(func.count()).select_from(LegalCheckup))
            taken = session.scalar(select(func.coalesce(func.sum(Slot.booked), 0)))
        return {"appointments": list(appointments), "checkups": checkups, "taken": taken}

    # ---- a valid request afterwards --------------------------------------------------

    def follow_up(self, surface: str, case: Case, ctx: Context) -> None:
        """A valid request of the same kind right after the case must still be served."""
        if surface == "web" or surface == "paths":
            with httpx.Client(base_url=self.safe_url, timeout=30) as client:
                reply = client.post("/api/chat", json={"message": "你好"})
            assert reply.status_code == 200, reply.text
            assert reply.json()["messages"][0]["text"] == "收到:你好"
        elif surface == "wechat":
            peer = self.plain_peer if case.sign == "plain-mode" else self.peer
            mode = "plain" if case.sign == "plain-mode" else "safe"
            # The same user and MsgId: a refused copy must not have claimed the message.
            # An accepted message holds its MsgId: the next one is a new message.
            msgid = str(uuid.uuid4().int % 10**18) if case.stores else ctx.msgid
            xml = message_xml(ctx.user, peer.account, "text", Content="跟进", MsgId=msgid)
            with httpx.Client(timeout=30) as client:
                reply = peer.reply(peer.post(client, xml, mode))
            assert reply is not None and reply["Content"] == "收到:跟进"
        elif surface == "hotline":
            words = {"call_id": ctx.call, "speaker": "caller", "text": "企业信用修复怎么办理"}
            raw = json.dumps(words, ensure_ascii=False).encode()
            response = httpx.post(
                f"{self.safe_url}/webhooks/hotline/utterance",
                content=raw, headers=hotline_headers(raw), timeout=30,
            )  # fmt: skip
            assert response.status_code == 200, response.text
            assert response.json()["recorded"] is True
        elif surface == "desk":
            verdict = {
                "call_id": self.desk_call,
                "suggestion_id": self.suggestion,
                "action": "used",
            }
            assert self.agent.post("/api/agent/feedback", json=verdict).status_code == 201
        elif surface == "trainer":
            items = self.trainer.get("/api/trainer/items")
            assert items.status_code == 200
            ids = [i["id"] for g in items.json()["groups"] for i in g["items"]]
            assert self.item_id in ids
        elif surface == "login":
            name = "follow-" + uuid.uuid4().hex[:8]
            with logged_in(self.safe_url, self.settings, "agent", name) as client:
                assert client.get("/api/me").json()["name"] == name
        elif surface == "service":
            created = self.service.post(
                "/v1/legal-checkups",
                json=checkup(),
                headers={"Idempotency-Key": str(uuid.uuid4()), "X-API-Key": API_KEY},
            )
            assert created.status_code == 201, created.text


def _hotline_signature(recipe: str, body: bytes) -> Dict[str, Any]:
    now = int(time.time())
    if recipe == "stale":
        return hotline_headers(body, timestamp=now - 3600)
    if recipe == "future":
        return hotline_headers(body, timestamp=now + 3600)
    if recipe == "wrong-secret":
        return hotline_headers(body, secret="guessed-secret")
    if recipe == "tampered":
        return hotline_headers(body + b" ")
    if recipe == "unsigned":
        return {"Content-Type": "application/json"}
    headers: Dict[str, Any] = hotline_headers(body)
    if recipe == "no-prefix":
        headers["X-Hotline-Signature"] = headers["X-Hotline-Signature"].removeprefix("sha256=")
    elif recipe == "upper-hex":
        headers["X-Hotline-Signature"] = "sha256=" + headers["X-Hotline-Signature"][7:].upper()
    elif recipe == "ts-text":
        headers["X-Hotline-Timestamp"] = "yesterday"
    elif recipe == "ts-arabic-digits":
        # Digits of another script, which int() would read: the signature is made over them.
        stamp = "".join(chr(0x0660 + int(d)) for d in str(now))
        digest = hmac.new(HOTLINE_SECRET.encode(), stamp.encode() + b"." + body, hashlib.sha256)
        headers["X-Hotline-Timestamp"] = stamp.encode()
        headers["X-Hotline-Signature"] = "sha256=" + digest.hexdigest()
    elif recipe == "sig-non-ascii":
        headers["X-Hotline-Signature"] = "sha256=签名".encode()
    return headers


def _resigned(query: Dict[str, str], stamp: int) -> Dict[str, str]:
    """The same query at another time, signed correctly: only its age is wrong."""
    nonce = query["nonce"]
    ts = str(stamp)
    return {**query, "timestamp": ts, "signature": signature(WECHAT_TOKEN, ts, nonce)}


def _encrypt_as(
    crypto: WeChatCrypto, xml: str, query: Dict[str, str], account: str
) -> Tuple[str, Dict[str, str]]:
    """`xml` encrypted (validly) with `crypto`, as a safe-mode body with its msg_signature."""
    envelope = xmltodict.parse(crypto.encrypt_message(xml, query["nonce"], query["timestamp"]))
    query = {**query, "encrypt_type": "aes", "msg_signature": envelope["xml"]["MsgSignature"]}
    body = {"ToUserName": account, "Encrypt": envelope["xml"]["Encrypt"]}
    return xmltodict.unparse({"xml": body}, full_document=False), query


def build_world(stack: ExitStack, var_dir: Path) -> World:
    """Start everything, log in the staff, and make the call, item and booking cases refer to."""
    rasa = FakeRasa()
    rasa_url = stack.enter_context(ServerThread(rasa.app())).url
    aes_key = new_aes_key()
    common: Dict[str, Any] = {
        "rasa_replicas": rasa_url,
        "action_port": free_port(),
        "rate_limit_user": 0,
        "rate_limit_ip": 0,
    }
    settings = gateway_settings(var_dir / "safe", "http://127.0.0.1:9", aes_key, **common)
    plain_settings = gateway_settings(var_dir / "plain", "http://127.0.0.1:9", "", **common)
    safe = stack.enter_context(ServerThread(create_app(settings)))
    plain = stack.enter_context(ServerThread(create_app(plain_settings)))
    admin = stack.enter_context(logged_in(safe.url, settings, "admin"))
    agent = stack.enter_context(logged_in(safe.url, settings, "agent"))
    trainer = stack.enter_context(logged_in(safe.url, settings, "trainer"))

    service_settings = Settings(
        database_url=f"sqlite:///{var_dir / 'service_api.db'}",
        service_api_key=API_KEY,
        var_dir=var_dir / "service",
        service_api_booking_days=30,
    )
    service_app = create_service_api(service_settings)
    service_app.dependency_overrides[current_time] = lambda: FROZEN_NOW
    service = stack.enter_context(TestClient(service_app, raise_server_exceptions=False))
    seed_test_halls(service_app.state.db)

    world = World(
        rasa=rasa,
        safe_url=safe.url,
        safe_port=safe.port,
        plain_url=plain.url,
        settings=settings,
        peer=WeChatPeer(safe.url, WECHAT_TOKEN, APP_ID, aes_key),
        plain_peer=WeChatPeer(plain.url, WECHAT_TOKEN, APP_ID, new_aes_key()),
        admin=admin,
        agent=agent,
        trainer=trainer,
        service=service,
    )
    world.desk_call = "desk-" + uuid.uuid4().hex[:10]
    for event, body in (
        ("call-started", {"call_id": world.desk_call, "caller_number": "13812345678"}),
        (
            "utterance",
            {"call_id": world.desk_call, "speaker": "caller", "text": "经营异常名录怎么移出"},
        ),
    ):
        raw = json.dumps(body, ensure_ascii=False).encode()
        response = httpx.post(
            f"{safe.url}/webhooks/hotline/{event}", content=raw, headers=hotline_headers(raw)
        )
        assert response.status_code == 200, response.text
    world.suggestion = response.json()["suggestions"][0]["id"]

    inbox = Inbox(settings.review_database_path)
    try:
        for ref, words in (("corpus-1", "营业执照丢了怎么补办"), ("corpus-2", SCRIPT)):
            inbox.add(Candidate("web", ref, words, "business_registration", 0.41, "low_confidence"))
        world.item_id = next(i.id for i in inbox.items() if i.text != SCRIPT)
    finally:
        inbox.close()

    headers = {"X-API-Key": API_KEY}
    booked = service.post(
        "/v1/appointments", json=booking(**PERSON_B),
        headers={**headers, "Idempotency-Key": "corpus-booking"},
    )  # fmt: skip
    assert booked.status_code == 201, booked.text
    world.appointment_id = booked.json()["appointment_id"]
    requested = service.post(
        "/v1/legal-checkups", json=checkup(), headers={**headers, "Idempotency-Key": "corpus-ft"}
    )
    assert requested.status_code == 201, requested.text
    world.checkup_id = requested.json()["request_id"]
    return world
