"""CSRF protection of the logged-in pages, the proxy's single-sign-on header, cookie flags."""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import httpx

from bot.gateway import create_app

from .desk import PASSWORD, Desk, desk_settings
from .servers import ServerThread
from .test_desk_access import start_call

SSO_HEADER = "X-Remote-User"


@contextmanager
def running(tmp_path: Path, rasa: ServerThread, **overrides: Any) -> Iterator[Desk]:
    settings = desk_settings(tmp_path, rasa.url, **overrides)
    with ServerThread(create_app(settings)) as server:
        yield Desk(server.url, settings)


def test_a_change_without_the_csrf_token_is_refused(desk: Desk) -> None:
    call_id, issued = start_call(desk)
    verdict = {"call_id": call_id, "suggestion_id": issued[0], "action": "used"}
    with desk.login("sun-" + uuid.uuid4().hex[:6], "admin") as staff:
        token = staff.headers.pop("X-CSRF-Token")
        missing = staff.post("/api/agent/feedback", json=verdict)
        assert missing.status_code == 403
        assert missing.json()["error"] == "csrf_failed"
        assert "刷新" in missing.json()["message"]
        wrong = staff.post("/api/agent/feedback", json=verdict, headers={"X-CSRF-Token": "x"})
        assert wrong.status_code == 403
        assert staff.post("/api/trainer/export", headers={"X-CSRF-Token": "x"}).status_code == 403
        foreign = staff.post(
            "/api/agent/feedback",
            json=verdict,
            headers={"X-CSRF-Token": token, "Origin": "https://evil.example"},
        )
        assert foreign.status_code == 403
        ok = staff.post("/api/agent/feedback", json=verdict, headers={"X-CSRF-Token": token})
        assert ok.status_code == 201


def test_a_login_from_a_foreign_origin_is_refused(desk: Desk) -> None:
    name = "zhou-" + uuid.uuid4().hex[:6]
    desk.add_account(name, "agent")
    response = httpx.post(
        f"{desk.url}/api/login",
        json={"name": name, "password": PASSWORD},
        headers={"Origin": "https://evil.example"},
    )
    assert response.status_code == 403
    assert "set-cookie" not in response.headers


def test_the_sso_header_of_a_trusted_proxy_logs_the_person_in(
    tmp_path: Path, fake_rasa: ServerThread
) -> None:
    with running(tmp_path, fake_rasa, sso_header=SSO_HEADER, sso_proxies="127.0.0.1") as desk:
        desk.add_account("wu.agent", "agent", password=None)
        call_id, issued = start_call(desk)
        with desk.client() as client:
            client.headers[SSO_HEADER] = "wu.agent"
            me = client.get("/api/me")
            assert me.status_code == 200
            assert me.json()["name"] == "wu.agent"
            assert client.get("/api/agent/calls").status_code == 200
            assert client.get("/api/trainer/items").status_code == 403
            verdict = {"call_id": call_id, "suggestion_id": issued[0], "action": "used"}
            assert client.post("/api/agent/feedback", json=verdict).status_code == 403
            client.headers["X-CSRF-Token"] = me.json()["csrf_token"]
            assert client.post("/api/agent/feedback", json=verdict).status_code == 201
            client.headers[SSO_HEADER] = "not.an.account"
            assert client.get("/api/agent/calls").status_code == 401


def test_the_sso_header_from_an_untrusted_address_is_ignored(
    tmp_path: Path, fake_rasa: ServerThread
) -> None:
    with running(tmp_path, fake_rasa, sso_header=SSO_HEADER, sso_proxies="10.9.8.7") as desk:
        desk.add_account("wu.agent", "agent", password=None)
        with desk.client() as client:
            client.headers[SSO_HEADER] = "wu.agent"
            assert client.get("/api/agent/calls").status_code == 401


def test_an_sso_only_account_cannot_log_in_with_a_password(desk: Desk) -> None:
    name = "sso-" + uuid.uuid4().hex[:6]
    desk.add_account(name, "agent", password=None)
    with desk.client() as client:
        for password in ("", "anything"):
            response = client.post("/api/login", json={"name": name, "password": password})
            assert response.status_code in (401, 422)


async def test_production_cookies_are_secure_whatever_the_setting(
    tmp_path: Path, fake_rasa: ServerThread
) -> None:
    settings = desk_settings(tmp_path, fake_rasa.url, environment="production")
    desk = Desk("http://gateway", settings)
    desk.add_account("zheng", "agent")
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            login = await client.post("/api/login", json={"name": "zheng", "password": PASSWORD})
            chat = await client.get("/")
    assert login.status_code == 200
    assert "; secure" in login.headers["set-cookie"].lower()
    assert "; secure" in chat.headers["set-cookie"].lower()
