"""A gateway in this process with a stand-in Rasa, and the staff accounts that log in to it.

Unlike fixtures.py it needs no trained model: the stand-in answers `/model/parse` with one
intent, which is all the hotline assist, the desk and the login pages need.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator

import httpx
import pytest

from bot.gateway import create_app
from bot.gateway.accounts import AccountStore
from bot.settings import Settings

from .fixtures import HOTLINE_SECRET, hotline_headers
from .servers import FakeRasa, ServerThread, free_port

PASSWORD = "desk-pass-2024"


@dataclass
class Desk:
    url: str
    settings: Settings

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30)

    def add_account(self, name: str, role: str, password: str | None = PASSWORD) -> None:
        store = AccountStore(self.settings.resolved_feedback_database_url())
        try:
            store.add(name, role, password)
        finally:
            store.close()

    @contextmanager
    def login(self, name: str, role: str) -> Iterator[httpx.Client]:
        """A client logged in as a new account `name` with `role`, sending its CSRF token."""
        self.add_account(name, role)
        with self.client() as client:
            response = client.post("/api/login", json={"name": name, "password": PASSWORD})
            assert response.status_code == 200, response.text
            client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
            yield client

    def hotline(self, event: str, body: Dict[str, Any]) -> httpx.Response:
        raw = json.dumps(body, ensure_ascii=False).encode()
        return httpx.post(
            f"{self.url}/webhooks/hotline/{event}",
            content=raw,
            headers=hotline_headers(raw),
            timeout=30,
        )


def desk_settings(var_dir: Path, rasa_url: str, **overrides: Any) -> Settings:
    values: Dict[str, Any] = {
        "var_dir": var_dir,
        "rasa_replicas": rasa_url,
        "action_port": free_port(),
        "hotline_secret": HOTLINE_SECRET,
        # The test servers speak plain http on loopback.
        "cookie_secure": False,
        **overrides,
    }
    return Settings(**values)


@pytest.fixture(scope="module")
def fake_rasa() -> Iterator[ServerThread]:
    with ServerThread(FakeRasa().app()) as server:
        yield server


@pytest.fixture(scope="module")
def desk(fake_rasa: ServerThread, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    settings = desk_settings(tmp_path_factory.mktemp("desk"), fake_rasa.url)
    with ServerThread(create_app(settings)) as server:
        yield Desk(server.url, settings)
