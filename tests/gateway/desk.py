"""A gateway in this process with a stand-in Rasa, and the staff accounts that log in to it.

Unlike fixtures.py it needs no trained model: the stand-in answers `/model/parse` with one
intent, which is all the hotline assist, the desk and the login pages need.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ContextManager, Dict, Iterator

import httpx
import pytest

from bot.gateway import create_app
from bot.settings import Settings

from .fixtures import HOTLINE_SECRET, STAFF_PASSWORD, add_account, hotline_headers, logged_in
from .servers import FakeRasa, ServerThread, free_port

PASSWORD = STAFF_PASSWORD


@dataclass
class Desk:
    url: str
    settings: Settings

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30)

    def add_account(self, name: str, role: str, password: str | None = PASSWORD) -> None:
        add_account(self.settings, name, role, password)

    def login(self, name: str, role: str) -> ContextManager[httpx.Client]:
        """A client logged in as a new account `name` with `role`, sending its CSRF token."""
        return logged_in(self.url, self.settings, role, name)

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
