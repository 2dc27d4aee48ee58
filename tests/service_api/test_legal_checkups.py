"""企业法治体检 requests: created once per Idempotency-Key, credit code checked."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from .helpers import VALID_USCC, checkup


def _post(client: TestClient, body: dict[str, Any], key: str = "ft-1") -> Any:
    return client.post("/v1/legal-checkups", json=body, headers={"Idempotency-Key": key})


def test_request_is_accepted_and_can_be_read_back(client: TestClient) -> None:
    response = _post(client, checkup(city="大连市", topics=["合同管理", "合同管理", "劳动用工"]))
    assert response.status_code == 201
    body = response.json()
    assert re.fullmatch(r"FT[0-9A-HJ-NP-Z]{8}", body["request_id"])
    assert body["status"] == "已受理"
    assert (body["uscc"], body["city"], body["topics"]) == (
        VALID_USCC,
        "大连",
        ["合同管理", "劳动用工"],
    )
    assert body["contact_phone_masked"] == "137****0003"
    assert client.get(f"/v1/legal-checkups/{body['request_id']}").json() == body


def test_retry_returns_the_same_request_and_a_changed_body_is_refused(client: TestClient) -> None:
    first = _post(client, checkup())
    assert _post(client, checkup()).json() == first.json()
    assert _post(client, checkup()).status_code == 200
    changed = _post(client, checkup(topics=["税务合规"]))
    assert changed.status_code == 422 and changed.json()["error"] == "idempotency_key_reused"


@pytest.mark.parametrize(
    ("overrides", "error", "words"),
    [
        ({"uscc": "91210100MA0000001H"}, "invalid_uscc", "校验位"),
        ({"uscc": "91210100MA000000"}, "invalid_uscc", "18位"),
        ({"uscc": "91210100MA000000IG"}, "invalid_uscc", "格式"),
        ({"contact_phone": "0245555555"}, "invalid_phone", "手机号"),
        ({"city": "长春"}, "unknown_city", "葫芦岛"),
        ({"topics": []}, "missing_field", "体检事项"),
        ({"topics": ["算命"]}, "unknown_topic", "合同管理"),
        ({"topics": "合同管理"}, "invalid_field", "体检事项"),
    ],
)
def test_invalid_requests_are_422_in_chinese(
    client: TestClient, overrides: dict[str, Any], error: str, words: str
) -> None:
    response = _post(client, checkup(**overrides))
    assert response.status_code == 422, response.text
    assert response.json()["error"] == error
    assert words in response.json()["message"]


def test_unknown_and_malformed_ids(client: TestClient) -> None:
    assert client.get("/v1/legal-checkups/FT00000000").status_code == 404
    assert client.get("/v1/legal-checkups/AP00000000").status_code == 422


def test_missing_idempotency_key(client: TestClient) -> None:
    response = client.post("/v1/legal-checkups", json=checkup())
    assert response.status_code == 400
    assert response.json()["error"] == "idempotency_key_missing"
