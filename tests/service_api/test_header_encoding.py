"""An X-API-Key that is not ASCII is a wrong key: 401, never a 500."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient


@pytest.mark.parametrize("value", ["密钥".encode(), "clé".encode("latin-1"), b"\xff\xfe"])
def test_a_non_ascii_api_key_is_401(client: TestClient, value: bytes) -> None:
    response = client.get("/v1/halls", headers=[(b"x-api-key", value)])
    assert response.status_code == 401
    assert response.json()["message"]
