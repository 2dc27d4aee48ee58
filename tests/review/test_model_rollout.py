"""A trainer activates another trained model in the running Rasa server from the trainer page
and rolls back to the previous one with one click; nothing outside the models directory loads."""

from __future__ import annotations

import os
import shutil
import time
import uuid
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from bot.gateway import create_app
from bot.rasa_server import models_dir
from bot.settings import Settings
from tests.assistant import Assistant
from tests.gateway.fixtures import logged_in
from tests.gateway.servers import ServerThread

pytestmark = pytest.mark.rasa
LOADING = 600


def served(assistant: Assistant) -> str:
    status = httpx.get(
        f"{assistant.rasa_url}/status", params={"token": assistant.token}, timeout=30
    ).json()
    return Path(status["model_file"]).name


@pytest.fixture
def second_model(assistant: Assistant) -> Iterator[str]:
    """A copy of the served model under another fingerprint, older than every real model so
    that nothing taking the newest model picks it."""
    original = models_dir() / served(assistant)
    copy = models_dir() / f"{uuid.uuid4().hex[:16]}.tar.gz"
    shutil.copy2(original, copy)
    old = time.time() - 10 * 365 * 86400
    os.utime(copy, (old, old))
    try:
        yield copy.name
    finally:
        # Whatever the test did, the session's assistant goes on with its own model.
        if served(assistant) != original.name:
            httpx.put(
                f"{assistant.rasa_url}/model",
                params={"token": assistant.token},
                json={"model_file": str(original)},
                timeout=600,
            )
        copy.unlink()


@pytest.fixture
def gateway(assistant: Assistant, tmp_path: Path) -> Iterator[ServerThread]:
    settings = Settings(
        var_dir=tmp_path / "var",
        cookie_secure=False,
        rasa_port=assistant.settings.rasa_port,
        rasa_token=assistant.token,
    )
    with ServerThread(create_app(settings)) as server:
        server.settings = settings  # type: ignore[attr-defined]
        yield server


def test_a_trainer_activates_a_model_and_rolls_back(
    assistant: Assistant, gateway: ServerThread, second_model: str
) -> None:
    settings: Settings = gateway.settings  # type: ignore[attr-defined]
    first = served(assistant)
    assert httpx.get(f"{gateway.url}/api/trainer/models").status_code == 401
    with logged_in(gateway.url, settings, "agent") as agent:
        assert agent.post("/api/trainer/models/rollback").status_code == 403
    with logged_in(gateway.url, settings, "trainer", "li.na") as trainer:
        listing = trainer.get("/api/trainer/models").json()
        assert [m["name"] for m in listing["models"] if m["active"]] == [first]
        assert second_model in [m["name"] for m in listing["models"]]
        nothing = trainer.post("/api/trainer/models/rollback")
        assert nothing.status_code == 409 and "无法回滚" in nothing.json()["message"]
        for name in ("../README.md", "0123456789abcdef.tar.gz"):
            refused = trainer.post("/api/trainer/models/activate", json={"model": name})
            assert refused.status_code == 422, name
        assert served(assistant) == first

        # Loading a model takes a while on a busy machine; the page waits as long.
        done = trainer.post(
            "/api/trainer/models/activate", json={"model": second_model}, timeout=LOADING
        )
        assert done.status_code == 200, done.text
        assert (done.json()["model"], done.json()["previous"]) == (second_model, first)
        assert served(assistant) == second_model
        # The assistant goes on answering, conversations and all, with the new model.
        assert assistant.send("外地户口在沈阳怎么办居住证")

        back = trainer.post("/api/trainer/models/rollback", timeout=LOADING)
        assert back.status_code == 200, back.text
        assert served(assistant) == first
        audit = trainer.get("/api/trainer/audit").json()
        assert [(a["action"], a["actor"]) for a in audit[:2]] == [
            ("model_rollback", "li.na"),
            ("model_activate", "li.na"),
        ]
        assert trainer.get("/api/trainer/models").json()["rollback_to"] == second_model


def test_rasa_loads_no_model_from_outside_the_models_directory(
    assistant: Assistant, tmp_path: Path
) -> None:
    outside = tmp_path / "0123456789abcdef.tar.gz"
    shutil.copy2(models_dir() / served(assistant), outside)
    before = served(assistant)
    params = {"token": assistant.token}
    for body in (
        {"model_file": str(outside)},
        {"model_file": str(models_dir() / before), "model_server": {"url": "http://x"}},
        {"model_file": "/etc/passwd"},
    ):
        refused = httpx.put(f"{assistant.rasa_url}/model", params=params, json=body, timeout=60)
        assert refused.status_code == 403, body
        assert refused.json()["reason"] == "ModelChangeRefused"
    assert served(assistant) == before
