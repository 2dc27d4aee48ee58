"""Case status for the three kinds of number, malformed numbers and unknown ones."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from bot.service_api.db import Database
from bot.service_api.seed import seed_demo_data


@pytest.fixture
def seeded(db: Database) -> None:
    seed_demo_data(db)


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize(
    ("asked", "number", "kind", "status"),
    [
        ("2026110300017", "2026110300017", "hotline_ticket", "办理中"),
        ("BJ20261102000101", "BJ20261102000101", "service_application", "已办结"),
        ("bj 2026 1118 0000 27", "BJ20261118000027", "service_application", "待补正"),
        ("(2026)辽0102民初99901号", "(2026)辽0102民初99901号", "court_case", "审理中"),
        ("（２０２６）辽01民终99902号", "(2026)辽01民终99902号", "court_case", "已结案"),
    ],
)
def test_status_and_history_for_each_kind(
    client: TestClient, asked: str, number: str, kind: str, status: str
) -> None:
    response = client.get(f"/v1/cases/{asked}")
    assert response.status_code == 200, response.text
    case = response.json()
    assert (case["case_number"], case["kind"], case["status"]) == (number, kind, status)
    assert case["title"].startswith("演示") and case["department"]
    history = case["history"]
    assert len(history) >= 2
    assert history[-1]["status"] == status
    assert [h["time"] for h in history] == sorted(h["time"] for h in history)
    assert all(h["time"].endswith("+08:00") for h in history)


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize(
    ("asked", "hint"),
    [
        ("20261103", "13位数字"),
        ("2026139900017", "受理日期"),
        ("BJ2026", "BJ加14位数字"),
        ("(2026)辽0102民初号", "法院案号"),
        ("hello", "12345工单号"),
    ],
)
def test_malformed_numbers_explain_the_format(client: TestClient, asked: str, hint: str) -> None:
    response = client.get(f"/v1/cases/{asked}")
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_case_number"
    assert hint in response.json()["message"]


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize("asked", ["2026110399999", "BJ20990101000001", "(2026)辽0102民初1号"])
def test_well_formed_but_unknown_is_404(client: TestClient, asked: str) -> None:
    response = client.get(f"/v1/cases/{asked}")
    assert response.status_code == 404
    assert response.json()["error"] == "case_not_found"
