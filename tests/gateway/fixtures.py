"""Session fixtures shared by tests/gateway and tests/connectors: a gateway in this process,
pointed at the session's running assistant, with a local stand-in for WeChat's platform API."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ContextManager, Dict, Iterator, Optional

import httpx
import pytest

from bot.gateway import create_app
from bot.gateway.accounts import AccountStore
from bot.settings import Settings
from tests.assistant import Assistant
from tests.log_guard import watch_settings

from .servers import FakeWeChatPlatform, ServerThread
from .wechat_peer import WeChatPeer, new_aes_key

WECHAT_TOKEN = "banshi-test-token"
APP_ID = "wx0123456789abcdef"
APP_SECRET = "test-app-secret"
HOTLINE_SECRET = "hotline-test-secret"
STAFF_PASSWORD = "desk-pass-2024"


def add_account(
    settings: Settings, name: str, role: str, password: Optional[str] = STAFF_PASSWORD
) -> None:
    """A staff account in the gateway's database, as `python -m bot.gateway.accounts add` makes."""
    store = AccountStore(settings.resolved_feedback_database_url())
    try:
        store.add(name, role, password)
    finally:
        store.close()


@contextmanager
def logged_in(url: str, settings: Settings, role: str, name: str = "") -> Iterator[httpx.Client]:
    """A client logged in as a new account with `role`, sending its CSRF token on changes."""
    name = name or f"{role}-{uuid.uuid4().hex[:8]}"
    add_account(settings, name, role)
    with httpx.Client(base_url=url, timeout=60) as client:
        response = client.post("/api/login", json={"name": name, "password": STAFF_PASSWORD})
        assert response.status_code == 200, response.text
        client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
        yield client


def hotline_headers(
    body: bytes, secret: str = HOTLINE_SECRET, timestamp: Optional[int] = None
) -> Dict[str, str]:
    """Headers the hotline platform sends: HMAC-SHA256 over "<timestamp>.<body>"."""
    ts = str(timestamp if timestamp is not None else int(time.time()))
    digest = hmac.new(secret.encode(), ts.encode() + b"." + body, hashlib.sha256).hexdigest()
    return {
        "Content-Type": "application/json",
        "X-Hotline-Timestamp": ts,
        "X-Hotline-Signature": f"sha256={digest}",
    }


@dataclass
class RunningGateway:
    url: str
    settings: Settings
    wechat: WeChatPeer
    platform: FakeWeChatPlatform

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=60)

    def login(self, role: str = "agent") -> ContextManager[httpx.Client]:
        return logged_in(self.url, self.settings, role)

    def hotline(self, event: str, body: Dict[str, Any], **kwargs: Any) -> httpx.Response:
        raw = json.dumps(body, ensure_ascii=False).encode()
        return httpx.post(
            f"{self.url}/webhooks/hotline/{event}",
            content=raw,
            headers=hotline_headers(raw, **kwargs),
            timeout=60,
        )


def gateway_settings(var_dir: Path, api_base: str, aes_key: str, **overrides: Any) -> Settings:
    values: Dict[str, Any] = {
        "var_dir": var_dir,
        "wechat_token": WECHAT_TOKEN,
        "wechat_app_id": APP_ID,
        "wechat_app_secret": APP_SECRET,
        "wechat_aes_key": aes_key,
        "wechat_api_base": api_base,
        "hotline_secret": HOTLINE_SECRET,
        # The test servers speak plain http on loopback.
        "cookie_secure": False,
        **overrides,
    }
    settings = Settings(**values)
    watch_settings(settings)
    return settings


@pytest.fixture(scope="session")
def wechat_platform() -> Iterator[tuple[FakeWeChatPlatform, ServerThread]]:
    platform = FakeWeChatPlatform(APP_ID, APP_SECRET)
    with ServerThread(platform.app()) as server:
        yield platform, server


@pytest.fixture(scope="session")
def gateway(
    assistant: Assistant,
    wechat_platform: tuple[FakeWeChatPlatform, ServerThread],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[RunningGateway]:
    """The real gateway app on a free port, talking to the session's Rasa and action server."""
    platform, api = wechat_platform
    aes_key = new_aes_key()
    settings = gateway_settings(
        tmp_path_factory.mktemp("gateway"),
        api.url,
        aes_key,
        rasa_port=assistant.settings.rasa_port,
        action_port=assistant.settings.action_port,
    )
    with ServerThread(create_app(settings)) as server:
        peer = WeChatPeer(server.url, WECHAT_TOKEN, APP_ID, aes_key)
        yield RunningGateway(server.url, settings, peer, platform)
