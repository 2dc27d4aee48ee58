"""Shared fixtures: the trained model and one running assistant per test session.

The suite spans the two environments: tests/nlu (the NLU components and their evaluation)
runs in the Rasa environment, everything else in the application environment. Each
environment collects only its part, so `pytest` means the same in both.
"""

from __future__ import annotations

import importlib.util
import os
import socket
from pathlib import Path
from typing import Iterator, List, Optional

import pytest

from bot.model import train
from tests.assistant import Assistant, start_assistant, start_rasa

RASA_ENVIRONMENT = importlib.util.find_spec("rasa") is not None
NLU_TESTS = Path(__file__).resolve().parent / "nlu"

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

# Quality figures tests measure (NLU accuracy, retrieval hit rates), shown after the run.
FIGURES: List[str] = []


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if FIGURES:
        terminalreporter.section("quality figures")
        for line in FIGURES:
            terminalreporter.write_line(line)


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> Optional[bool]:
    path = collection_path.resolve()
    nlu_side = path == NLU_TESTS or NLU_TESTS in path.parents
    if RASA_ENVIRONMENT:
        return None if nlu_side or path in NLU_TESTS.parents else True
    return True if nlu_side else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def model_path() -> Path:
    return train()


@pytest.fixture(scope="session")
def assistant(model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    var_dir = tmp_path_factory.mktemp("assistant")
    if RASA_ENVIRONMENT:
        running = start_rasa(model_path, var_dir, _free_port())
    else:
        running = start_assistant(model_path, var_dir, _free_port(), _free_port(), _free_port())
    yield running
    running.stop()
