"""A running assistant (action server + Rasa server) for tests, started once per session."""

from __future__ import annotations

import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional

import httpx

from bot.run import action_server, rasa_server, service_api, start, stop_all
from bot.settings import Settings


@dataclass
class Assistant:
    settings: Settings
    processes: List[subprocess.Popen]

    @property
    def token(self) -> str:
        return self.settings.resolved_rasa_token()

    def send(self, text: str, sender: Optional[str] = None) -> List[Dict[str, Any]]:
        """One user message through the REST channel; the bot's replies."""
        response = httpx.post(
            f"{self.settings.rasa_url}/webhooks/rest/webhook",
            json={"sender": sender or uuid.uuid4().hex, "message": text},
            timeout=60,
        )
        response.raise_for_status()
        return response.json()

    def parse(self, text: str) -> Dict[str, Any]:
        response = httpx.post(
            f"{self.settings.rasa_url}/model/parse",
            params={"token": self.token},
            json={"text": text},
            timeout=60,
        )
        response.raise_for_status()
        return response.json()

    def tracker(self, sender: str) -> Dict[str, Any]:
        response = httpx.get(
            f"{self.settings.rasa_url}/conversations/{sender}/tracker",
            params={"token": self.token},
            timeout=30,
        )
        response.raise_for_status()
        return response.json()

    def stop(self) -> None:
        stop_all(self.processes)


def start_assistant(
    model: Path, var_dir: Path, rasa_port: int, action_port: int, api_port: int
) -> Assistant:
    """Service API (SQLite under var_dir), action server and Rasa, on the given ports."""
    settings = Settings(
        var_dir=var_dir,
        rasa_port=rasa_port,
        action_port=action_port,
        service_api_url=f"http://127.0.0.1:{api_port}",
    )
    var_dir.mkdir(parents=True, exist_ok=True)
    chosen = [service_api(settings), action_server(settings), rasa_server(settings, model)]
    return Assistant(settings, start(settings, chosen))


def texts(messages: List[Dict[str, Any]]) -> str:
    """All reply texts joined, for assertions on what the user reads."""
    return "\n".join(m.get("text", "") for m in messages)


def buttons(messages: List[Dict[str, Any]]) -> List[Dict[str, str]]:
    return [b for m in messages for b in m.get("buttons") or []]
