"""The committed contract is exactly what the app generates, and the CLI writes it."""

from __future__ import annotations

from pathlib import Path

from bot.service_api.__main__ import OPENAPI_PATH, main
from bot.service_api.app import openapi_document


def test_committed_openapi_matches_the_app() -> None:
    assert OPENAPI_PATH.read_text("utf-8") == openapi_document(), (
        "docs/service_api.openapi.json is stale: run `python -m bot.service_api openapi`"
    )


def test_openapi_command_writes_the_document(tmp_path: Path) -> None:
    output = tmp_path / "openapi.json"
    assert main(["openapi", "--output", str(output)]) == 0
    assert output.read_text("utf-8") == openapi_document()
