"""Real local HTTP servers for the gateway tests: the gateway itself and WeChat's platform API."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Dict, List

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp

from tests.log_guard import watch_secrets


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServerThread:
    """uvicorn serving `app` on 127.0.0.1 in a daemon thread, lifespan included."""

    def __init__(self, app: ASGIApp, port: int = 0) -> None:
        self.port = port or free_port()
        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            lifespan="on",
            # As bot/gateway/__main__.py: the app alone decides whom to believe about addresses.
            proxy_headers=False,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("test server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


@dataclass
class FakeWeChatPlatform:
    """Records what the gateway sends to WeChat; errcodes can be queued to test error paths."""

    app_id: str
    app_secret: str
    sent: List[Dict[str, Any]] = field(default_factory=list)
    token_requests: int = 0
    send_errors: List[int] = field(default_factory=list)
    tokens_issued: List[str] = field(default_factory=list)
    # An HTTP status (e.g. 500) the endpoint answers with instead of working, for outage tests.
    token_status: int = 0
    send_status: int = 0

    def valid_token(self, token: str) -> bool:
        return bool(self.tokens_issued) and token == self.tokens_issued[-1]

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.get("/cgi-bin/token")
        async def token(grant_type: str, appid: str, secret: str) -> Any:
            self.token_requests += 1
            if self.token_status:
                return JSONResponse({"errmsg": "system busy"}, status_code=self.token_status)
            if appid != self.app_id or secret != self.app_secret:
                return {"errcode": 40013, "errmsg": "invalid appid"}
            issued = f"ACCESS_TOKEN_{len(self.tokens_issued) + 1}_{uuid.uuid4().hex}"
            watch_secrets(issued)
            self.tokens_issued.append(issued)
            return {"access_token": issued, "expires_in": 7200}

        @app.post("/cgi-bin/message/custom/send")
        async def send(access_token: str, request: Request) -> Any:
            if self.send_status:
                return JSONResponse({"errmsg": "system busy"}, status_code=self.send_status)
            if not self.valid_token(access_token):
                return {"errcode": 40001, "errmsg": "invalid credential"}
            if self.send_errors:
                code = self.send_errors.pop(0)
                return {"errcode": code, "errmsg": "queued error"}
            self.sent.append(await request.json())
            return {"errcode": 0, "errmsg": "ok"}

        return app

    def texts_for(self, openid: str) -> List[str]:
        return [m["text"]["content"] for m in self.sent if m["touser"] == openid]

    def wait_for(self, openid: str, count: int = 1, timeout: float = 30) -> List[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            texts = self.texts_for(openid)
            if len(texts) >= count:
                return texts
            time.sleep(0.05)
        return self.texts_for(openid)


@dataclass
class FakeRasa:
    """Answers `/model/parse` with a fixed intent and echoes conversation turns, like Rasa."""

    intent: str = "credit_repair"
    confidence: float = 0.97
    senders: List[str] = field(default_factory=list)
    parsed: List[str] = field(default_factory=list)

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/model/parse")
        async def parse(request: Request) -> Dict[str, Any]:
            body: Dict[str, Any] = await request.json()
            self.parsed.append(body["text"])
            intent = {"name": self.intent, "confidence": self.confidence}
            return {"text": body["text"], "intent": intent, "intent_ranking": [intent]}

        @app.post("/webhooks/gateway/webhook")
        async def turn(request: Request) -> Any:
            body: Dict[str, Any] = await request.json()
            self.senders.append(body["sender"])
            return [{"recipient_id": body["sender"], "text": f"收到:{body['message']}"}]

        return app
