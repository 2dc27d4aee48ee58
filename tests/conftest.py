"""Shared fixtures: the trained model and one running assistant per test session.

The suite spans the two environments: tests/nlu (the NLU components and their evaluation)
runs in the Rasa environment, everything else in the application environment. Each
environment collects only its part, so `pytest` means the same in both.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import socket
from pathlib import Path
from typing import Iterator, List, Optional

import pytest

from bot.model import train
from tests.assistant import Assistant, start_assistant, start_rasa
from tests.log_guard import SecretScanner, scan_files, watch_secrets

RASA_ENVIRONMENT = importlib.util.find_spec("rasa") is not None
NLU_TESTS = Path(__file__).resolve().parent / "nlu"

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

# Quality figures tests measure (NLU accuracy, retrieval hit rates), shown after the run.
FIGURES: List[str] = []
# Every log line of the run is checked for configured secrets (tests/log_guard.py).
SCANNER = SecretScanner()
LATE_LEAKS: List[str] = []


def pytest_configure(config: pytest.Config) -> None:
    root = logging.getLogger()
    root.addHandler(SCANNER)
    # DEBUG, so that a secret in a line production would only show at a verbose level counts too.
    root.setLevel(logging.DEBUG)


@pytest.fixture(autouse=True)
def no_secrets_in_logs() -> Iterator[None]:
    yield
    leaks = SCANNER.take()
    if leaks:
        pytest.fail("a configured secret was logged:\n" + "\n".join(x.describe() for x in leaks))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    leaks = SCANNER.take()
    factory = getattr(session.config, "_tmp_path_factory", None)
    if factory is not None and factory._basetemp is not None:
        leaks += scan_files(factory.getbasetemp())
    if leaks:
        LATE_LEAKS.extend(x.describe() for x in leaks)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if FIGURES:
        terminalreporter.section("quality figures")
        for line in FIGURES:
            terminalreporter.write_line(line)
    if LATE_LEAKS:
        terminalreporter.section("secrets in logs", red=True)
        for line in LATE_LEAKS:
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
        watch_secrets(running.settings.resolved_service_api_key())
    watch_secrets(running.token)
    yield running
    running.stop()
