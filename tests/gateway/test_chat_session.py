"""The web chat's session is issued by the gateway, and the limits count real clients."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest

from bot.gateway import create_app
from core.paths import PROJECT_ROOT

from .desk import desk_settings
from .servers import FakeRasa, ServerThread, free_port

COOKIE = "banshi_chat"


@pytest.fixture
def rasa() -> Iterator[tuple[FakeRasa, ServerThread]]:
    fake = FakeRasa()
    with ServerThread(fake.app()) as server:
        yield fake, server


@contextmanager
def gateway(tmp_path: Path, rasa: ServerThread, **overrides: Any) -> Iterator[httpx.Client]:
    settings = desk_settings(tmp_path, rasa.url, **overrides)
    with (
        ServerThread(create_app(settings)) as server,
        httpx.Client(base_url=server.url, timeout=30) as client,
    ):
        yield client


def chat(client: httpx.Client, message: str = "你好", **extra: Any) -> httpx.Response:
    return client.post("/api/chat", json={"message": message, **extra.pop("body", {})}, **extra)


def test_the_chat_page_issues_a_signed_httponly_session(
    tmp_path: Path, rasa: tuple[FakeRasa, ServerThread]
) -> None:
    fake, server = rasa
    with gateway(tmp_path, server) as client:
        page = client.get("/")
        assert page.status_code == 200
        cookie = page.headers["set-cookie"]
        assert cookie.startswith(f"{COOKIE}=") and "httponly" in cookie.lower()
        session = client.cookies[COOKIE]
        assert chat(client).status_code == 200
        assert chat(client, body={"sender_id": "chosen-by-client"}).status_code == 200
    # Both turns are one conversation under the issued id; the client's choice is ignored.
    assert fake.senders == [f"web:{session.split('.')[0]}"] * 2


def test_a_forged_session_cookie_is_replaced(
    tmp_path: Path, rasa: tuple[FakeRasa, ServerThread]
) -> None:
    fake, server = rasa
    with gateway(tmp_path, server) as client:
        client.cookies.set(COOKIE, "someone-elses-id.forgedsignature", domain="127.0.0.1")
        response = chat(client)
        assert response.status_code == 200
        assert client.cookies[COOKIE] != "someone-elses-id.forgedsignature"
    assert fake.senders != ["web:someone-elses-id"]
    assert fake.senders[0].startswith("web:")


def test_a_new_sender_id_per_message_does_not_escape_the_user_limit(
    tmp_path: Path, rasa: tuple[FakeRasa, ServerThread]
) -> None:
    _, server = rasa
    with gateway(tmp_path, server, rate_limit_user=2, rate_limit_ip=0) as client:
        statuses = [
            chat(client, body={"sender_id": f"fresh{i:04d}sender"}).status_code for i in range(3)
        ]
    assert statuses == [200, 200, 429]


def test_a_forged_forwarded_address_does_not_escape_the_ip_limit(
    tmp_path: Path, rasa: tuple[FakeRasa, ServerThread]
) -> None:
    _, server = rasa
    with gateway(tmp_path, server, rate_limit_user=0, rate_limit_ip=2) as client:
        statuses = []
        for i in range(3):
            client.cookies.clear()  # a fresh session each time, too
            forged = {"X-Forwarded-For": f"198.51.100.{i}"}
            statuses.append(chat(client, headers=forged).status_code)
    assert statuses == [200, 200, 429]


def test_a_configured_proxy_is_trusted_to_name_the_client(
    tmp_path: Path, rasa: tuple[FakeRasa, ServerThread]
) -> None:
    _, server = rasa
    settings = {"rate_limit_user": 0, "rate_limit_ip": 1, "trusted_proxies": "127.0.0.0/8"}
    with gateway(tmp_path, server, **settings) as client:
        # The proxy appends the address it saw; whatever the client sent before is kept too.
        first = chat(client, headers={"X-Forwarded-For": "203.0.113.5"})
        other = chat(client, headers={"X-Forwarded-For": "1.1.1.1, 203.0.113.6"})
        again = chat(client, headers={"X-Forwarded-For": "9.9.9.9, 203.0.113.5"})
    assert [first.status_code, other.status_code, again.status_code] == [200, 200, 429]


def test_the_gateway_process_ignores_forwarded_headers_from_untrusted_peers(
    tmp_path: Path, rasa: tuple[FakeRasa, ServerThread]
) -> None:
    """As deployed: `python -m bot.gateway`, even with uvicorn's FORWARDED_ALLOW_IPS=*."""
    _, server = rasa
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(PROJECT_ROOT),
        "VAR_DIR": str(tmp_path),
        "GATEWAY_PORT": str(port),
        "RASA_URLS": server.url,
        "HOTLINE_SECRET": "s",
        "RATE_LIMIT_USER": "0",
        "RATE_LIMIT_IP": "2",
        "FORWARDED_ALLOW_IPS": "*",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.gateway"],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:
            try:
                httpx.get(f"{url}/livez", timeout=2)
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline and process.poll() is None
                time.sleep(0.2)
        statuses = [
            httpx.post(
                f"{url}/api/chat",
                json={"message": "你好"},
                headers={"X-Forwarded-For": f"198.51.100.{i}"},
                timeout=30,
            ).status_code
            for i in range(3)
        ]
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert statuses == [200, 200, 429]
