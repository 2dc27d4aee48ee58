"""The agent desk and the trainer page are closed to anyone who has not logged in."""

from __future__ import annotations

import uuid

import httpx
import pytest
from sqlalchemy import create_engine, text

from .desk import Desk

CLOSED = [
    ("GET", "/api/agent/calls"),
    ("GET", "/api/agent/events"),
    ("POST", "/api/agent/feedback"),
    ("GET", "/api/trainer/items"),
    ("GET", "/api/trainer/choices"),
    ("POST", "/api/trainer/export"),
    ("GET", "/api/admin/accounts"),
    ("GET", "/openapi.json"),
]


def start_call(desk: Desk) -> tuple[str, list[str]]:
    """A call whose caller asked one question; the suggestion ids the desk was given."""
    call_id = "call-" + uuid.uuid4().hex[:10]
    started = desk.hotline("call-started", {"call_id": call_id, "caller_number": "13812345678"})
    assert started.status_code == 200
    words = {"call_id": call_id, "speaker": "caller", "text": "公司被列入经营异常名录怎么移出"}
    assist = desk.hotline("utterance", words)
    assert assist.status_code == 200, assist.text
    ids = [s["id"] for s in assist.json()["suggestions"]]
    assert ids
    return call_id, ids


@pytest.mark.parametrize(("method", "path"), CLOSED, ids=[p for _, p in CLOSED])
def test_an_anonymous_request_gets_401_in_chinese(desk: Desk, method: str, path: str) -> None:
    start_call(desk)
    with desk.client() as client:
        response = client.request(method, path, json={})
    assert response.status_code == 401
    assert response.json()["error"] == "login_required"
    assert "登录" in response.json()["message"]
    assert "13812345678" not in response.text and "138****5678" not in response.text


def test_the_desk_page_sends_an_anonymous_visitor_to_the_login_page(desk: Desk) -> None:
    with desk.client() as client:
        for page in ("/agent", "/trainer", "/docs"):
            response = client.get(page)
            assert response.status_code == 303, page
            assert response.headers["location"] == f"/login?next={page}"
        login = client.get("/login")
    assert login.status_code == 200
    assert "登录" in login.text


def test_public_pages_and_webhooks_need_no_login(desk: Desk) -> None:
    with desk.client() as client:
        assert client.get("/").status_code == 200
        assert client.get("/livez").status_code == 200
        assert client.get("/healthz").status_code in (200, 503)
        assert client.post("/api/chat", json={"message": "你好"}).status_code == 200
    start_call(desk)


def test_an_agent_sees_calls_but_not_the_trainer_api(desk: Desk) -> None:
    call_id, _ = start_call(desk)
    with desk.login("agent-" + uuid.uuid4().hex[:6], "agent") as agent:
        calls = agent.get("/api/agent/calls")
        assert calls.status_code == 200
        assert call_id in [c["call_id"] for c in calls.json()]
        assert agent.get("/agent").status_code == 200
        refused = agent.get("/api/trainer/items")
        assert refused.status_code == 403
        assert refused.json()["error"] == "forbidden"
        assert "权限" in refused.json()["message"]
        assert agent.get("/api/admin/accounts").status_code == 403


def test_a_trainer_cannot_read_the_desk(desk: Desk) -> None:
    with desk.login("trainer-" + uuid.uuid4().hex[:6], "trainer") as trainer:
        assert trainer.get("/api/trainer/items").status_code == 200
        assert trainer.get("/api/agent/calls").status_code == 403


def test_an_admin_reaches_everything(desk: Desk) -> None:
    with desk.login("admin-" + uuid.uuid4().hex[:6], "admin") as admin:
        for path in ("/api/agent/calls", "/api/trainer/items", "/api/admin/accounts", "/docs"):
            assert admin.get(path).status_code == 200, path


def test_feedback_on_a_suggestion_never_issued_is_refused(desk: Desk) -> None:
    call_id, issued = start_call(desk)
    with desk.login("agent-" + uuid.uuid4().hex[:6], "agent") as agent:
        made_up = {"call_id": call_id, "suggestion_id": "legal_aid.invented", "action": "used"}
        response = agent.post("/api/agent/feedback", json=made_up)
        assert response.status_code == 422
        assert response.json()["error"] == "unknown_suggestion"
        assert "建议" in response.json()["message"]
        real = {"call_id": call_id, "suggestion_id": issued[0], "action": "used"}
        assert agent.post("/api/agent/feedback", json=real).status_code == 201
    assert [row.suggestion_id for row in feedback_rows(desk, call_id)] == [issued[0]]


def test_feedback_records_the_agent_who_gave_it(desk: Desk) -> None:
    call_id, issued = start_call(desk)
    name = "wang-" + uuid.uuid4().hex[:6]
    with desk.login(name, "agent") as agent:
        verdict = {"call_id": call_id, "suggestion_id": issued[-1], "action": "rejected"}
        assert agent.post("/api/agent/feedback", json=verdict).status_code == 201
    assert [row.agent for row in feedback_rows(desk, call_id)] == [name]


def feedback_rows(desk: Desk, call_id: str) -> list:
    engine = create_engine(desk.settings.resolved_feedback_database_url())
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT * FROM agent_feedback WHERE call_id = :c ORDER BY id"), {"c": call_id}
        ).all()
    engine.dispose()
    return list(rows)


def test_the_feed_streams_to_a_logged_in_agent(desk: Desk) -> None:
    call_id, _ = start_call(desk)
    with (
        desk.login("agent-" + uuid.uuid4().hex[:6], "agent") as agent,
        agent.stream("GET", "/api/agent/events") as stream,
    ):
        assert stream.status_code == 200
        for line in stream.iter_lines():
            if call_id in line:
                break


def test_a_wrong_password_gets_401_and_sets_no_session(desk: Desk) -> None:
    name = "li-" + uuid.uuid4().hex[:6]
    desk.add_account(name, "agent")
    with desk.client() as client:
        response = client.post("/api/login", json={"name": name, "password": "guess"})
        assert response.status_code == 401
        assert response.json()["message"] == "用户名或密码错误"
        assert not client.cookies
        unknown = client.post("/api/login", json={"name": "nobody", "password": "guess"})
        assert unknown.json()["message"] == "用户名或密码错误"
        assert client.get("/api/agent/calls").status_code == 401


def test_the_session_cookie_is_httponly_samesite_and_ends_at_logout(desk: Desk) -> None:
    with desk.login("zhao-" + uuid.uuid4().hex[:6], "agent") as agent:
        me = agent.get("/api/me").json()
        assert me["role"] == "agent"
        assert agent.post("/api/logout").status_code == 200
        assert agent.get("/api/agent/calls").status_code == 401


def test_the_login_cookie_flags(desk: Desk) -> None:
    name = "qian-" + uuid.uuid4().hex[:6]
    desk.add_account(name, "agent")
    response = httpx.post(
        f"{desk.url}/api/login", json={"name": name, "password": "desk-pass-2024"}
    )
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    # The desk fixture runs with COOKIE_SECURE=false (plain http on loopback).
    assert "secure" not in cookie.replace("samesite", "")
