"""A running assistant for tests, started once per session.

In the application environment: service API, action server and Rasa, started by bot.run. In
the Rasa environment (the NLU tests): the Rasa server alone, which is all /model/parse needs.
Both are driven over HTTP only.
"""

from __future__ import annotations

import secrets
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Optional

import httpx

from bot.rasa_server import command as rasa_command
from connectors.http_logs import hide_query_strings
from core.clock import set_clock_file
from core.paths import PROJECT_ROOT

if TYPE_CHECKING:
    from bot.settings import Settings


@dataclass
class Assistant:
    rasa_url: str
    token: str
    processes: List[subprocess.Popen] = field(default_factory=list)
    # The application settings, when the whole assistant runs (application environment).
    app_settings: Optional[Settings] = None

    @property
    def settings(self) -> Settings:
        assert self.app_settings is not None, "only Rasa runs in this environment"
        return self.app_settings

    def __post_init__(self) -> None:
        hide_query_strings()  # parse() and tracker() put the Rasa token in the query string

    def send(self, text: str, sender: Optional[str] = None) -> List[Dict[str, Any]]:
        """One user message through the REST channel; the bot's replies."""
        response = httpx.post(
            f"{self.rasa_url}/webhooks/rest/webhook",
            json={"sender": sender or uuid.uuid4().hex, "message": text},
            timeout=60,
        )
        response.raise_for_status()
        return response.json()

    def parse(self, text: str) -> Dict[str, Any]:
        response = httpx.post(
            f"{self.rasa_url}/model/parse",
            params={"token": self.token},
            json={"text": text},
            timeout=60,
        )
        response.raise_for_status()
        return response.json()

    def tracker(self, sender: str) -> Dict[str, Any]:
        response = httpx.get(
            f"{self.rasa_url}/conversations/{sender}/tracker",
            params={"token": self.token},
            timeout=30,
        )
        response.raise_for_status()
        return response.json()

    @contextmanager
    def clock_at(self, moment: datetime) -> Iterator[None]:
        """Every process of the assistant lives at `moment` (and on from it) inside the block."""
        path = self.settings.banshi_clock_file
        set_clock_file(path, moment)
        try:
            yield
        finally:
            set_clock_file(path, None)

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def start_assistant(
    model: Path, var_dir: Path, rasa_port: int, action_port: int, api_port: int
) -> Assistant:
    """Service API (SQLite under var_dir), action server and Rasa, on the given ports."""
    from bot.run import action_server, rasa_server, service_api, start
    from bot.settings import Settings

    settings = Settings(
        var_dir=var_dir,
        # Every process of the assistant reads its clock from here (Assistant.clock_at).
        banshi_clock_file=str(var_dir / "clock"),
        rasa_port=rasa_port,
        action_port=action_port,
        service_api_url=f"http://127.0.0.1:{api_port}",
    )
    var_dir.mkdir(parents=True, exist_ok=True)
    chosen = [service_api(settings), action_server(settings), rasa_server(settings, model)]
    processes = start(settings, chosen)
    return Assistant(settings.rasa_url, settings.resolved_rasa_token(), processes, settings)


def start_rasa(model: Path, var_dir: Path, port: int) -> Assistant:
    """The Rasa server alone with `model`, from the environment running the tests."""
    var_dir.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(24)
    url = f"http://127.0.0.1:{port}"
    command = rasa_command(sys.executable, model, "127.0.0.1", port, token)
    with open(var_dir / "rasa.out", "ab") as log:
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT)
    running = Assistant(url, token, [process])
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"{url}/status", params={"token": token}, timeout=2).status_code == 200:
                return running
        except httpx.HTTPError:
            pass
        time.sleep(1)
    running.stop()
    raise RuntimeError(f"Rasa did not start; see {var_dir / 'rasa.out'}")


def texts(messages: List[Dict[str, Any]]) -> str:
    """All reply texts joined, for assertions on what the user reads."""
    return "\n".join(m.get("text", "") for m in messages)


def buttons(messages: List[Dict[str, Any]]) -> List[Dict[str, str]]:
    return [b for m in messages for b in m.get("buttons") or []]
