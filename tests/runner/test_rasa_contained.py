"""Rasa serves only the project's model, on loopback, without the REST channel in production."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import yaml

from bot.rasa_server import MODEL_NAME, project_model
from bot.run import rasa_server, write_credentials
from bot.settings import Settings
from tests.assistant import Assistant


def test_only_a_trained_model_in_the_models_directory_is_accepted(tmp_path: Path) -> None:
    outside = tmp_path / "0123456789abcdef.tar.gz"
    outside.write_bytes(b"")
    assert "must be a file in" in (project_model(str(outside)) or "")
    assert project_model("models/../README.md")
    assert MODEL_NAME.match("0123456789abcdef.tar.gz")
    assert not MODEL_NAME.match("downloaded.tar.gz")


def test_the_rest_channel_exists_in_development_only(tmp_path: Path) -> None:
    development = yaml.safe_load(write_credentials(Settings(var_dir=tmp_path)).read_text())
    production = yaml.safe_load(
        write_credentials(Settings(var_dir=tmp_path, environment="production")).read_text()
    )
    assert set(development) == {"connectors.channel.GatewayInput", "rest"}
    assert set(production) == {"connectors.channel.GatewayInput"}


def test_rasa_listens_on_loopback_even_when_the_gateway_is_public(tmp_path: Path) -> None:
    settings = Settings(var_dir=tmp_path, host="0.0.0.0")
    command = rasa_server(settings, tmp_path / "0123456789abcdef.tar.gz").command
    assert command[command.index("-i") + 1] == "127.0.0.1"
    assert settings.rasa_url.startswith("http://127.0.0.1:")


@pytest.mark.rasa
def test_the_api_refuses_to_load_or_train_another_model(assistant: Assistant) -> None:
    params = {"token": assistant.token}
    for method, path in (("PUT", "/model"), ("DELETE", "/model"), ("POST", "/model/train")):
        refused = httpx.request(
            method, f"{assistant.rasa_url}{path}", params=params, json={}, timeout=30
        )
        assert refused.status_code == 403, (method, path)
        assert refused.json()["reason"] == "ModelChangeRefused"
    # Still answering with the model it was started with.
    assert assistant.parse("外地户口在沈阳怎么办居住证")["intent"]["name"]
    status = httpx.get(f"{assistant.rasa_url}/status", params=params, timeout=30).json()
    assert Path(status["model_file"]).name.endswith(".tar.gz")
