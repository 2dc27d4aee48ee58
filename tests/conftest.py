"""Shared fixtures: the trained model and one running assistant per test session."""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Iterator, List

import pytest

from bot.model import train
from tests.assistant import Assistant, start_assistant

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

# Quality figures tests measure (NLU accuracy, retrieval hit rates), shown after the run.
FIGURES: List[str] = []


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if FIGURES:
        terminalreporter.section("quality figures")
        for line in FIGURES:
            terminalreporter.write_line(line)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def model_path() -> Path:
    return train()


@pytest.fixture(scope="session")
def assistant(model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    running = start_assistant(
        model_path, tmp_path_factory.mktemp("assistant"), _free_port(), _free_port(), _free_port()
    )
    yield running
    running.stop()
