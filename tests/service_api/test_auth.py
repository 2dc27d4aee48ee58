"""X-API-Key on every /v1 route; /healthz open; errors in the one JSON shape."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError

from bot.service_api.db import Database


def _v1_requests(client: TestClient) -> list[tuple[str, str]]:
    """Every /v1 operation of the app's OpenAPI contract, with placeholders filled in."""
    requests: list[tuple[str, str]] = []
    paths = client.app.openapi()["paths"]  # type: ignore[attr-defined]
    for route, operations in paths.items():
        if route.startswith("/v1"):
            path = re.sub(r"\{[^}]+\}", "x", route)
            requests.extend((method.upper(), path) for method in operations)
    return requests


@pytest.mark.parametrize("headers", [{}, {"X-API-Key": "wrong-key"}], ids=["missing", "wrong"])
def test_every_v1_route_rejects_a_missing_or_wrong_key(
    client: TestClient, headers: dict[str, str]
) -> None:
    requests = _v1_requests(client)
    assert len(requests) >= 10
    client.headers.pop("X-API-Key")
    for method, path in requests:
        response = client.request(method, path, headers=headers)
        assert response.status_code == 401, (method, path)
        assert response.json()["error"] == "unauthorized"
        assert "X-API-Key" in response.json()["message"]


def test_the_right_key_is_accepted(client: TestClient) -> None:
    assert client.get("/v1/halls").status_code == 200


def test_healthz_needs_no_key_and_checks_the_database(client: TestClient) -> None:
    client.headers.pop("X-API-Key")
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_an_unreachable_database(
    client: TestClient, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreachable() -> None:
        raise OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))

    monkeypatch.setattr(db, "ping", unreachable)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"error": "database_unavailable", "message": "数据库暂时不可用"}


def test_unknown_path_answers_in_json(client: TestClient) -> None:
    response = client.get("/v1/nothing-here")
    assert response.status_code == 404
    assert response.json() == {"error": "not_found", "message": "请求的接口不存在"}
