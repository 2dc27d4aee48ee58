"""Training from the trainer page: one run at a time in the background with its progress, the
new model measured against the served one, and a second confirmation before activating a model
that lowers a reported figure beyond its noise.

The training command here is a stand-in that prints what `python -m bot.model train` prints;
tests/review/test_model_rollout.py loads real models into the running Rasa server."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Dict, List

import httpx
import pytest
import redis

from bench.common import free_port
from bot.gateway.routers.training import CLAIM_KEY
from bot.review.apply import Workspace
from bot.review.training import Trainer, TrainingBusy, drops, noise
from bot.settings import Settings
from tests.gateway.fixtures import logged_in

from .test_trainer_page import Gateway, gateway  # noqa: F401  (the fixture)

OLD, NEW = "aaaaaaaaaaaaaaaa.tar.gz", "bbbbbbbbbbbbbbbb.tar.gz"
GOOD = {"nlu_accuracy": 0.80, "nlu_macro_f1": 0.78, "questions": 200.0}
WORSE = {"nlu_accuracy": 0.70, "nlu_macro_f1": 0.77, "questions": 200.0}
# The gateways' shared store in the test of two gateways (a database no other test uses).
SHARED_REDIS = "redis://127.0.0.1:6379/13"


def fake_training(
    models: Path, name: str = NEW, pause: float = 2.0, fail: bool = False
) -> List[str]:
    """Prints tqdm-style epochs on one line, then the model path, as bot.model train does."""
    script = (
        "import sys, time, pathlib\n"
        "for p in (10, 50, 100):\n"
        "    sys.stdout.write(f'\\rEpochs: {p:3d}%|##| {p}/100'); sys.stdout.flush()\n"
        f"time.sleep({pause})\n"
        f"if {fail}: print('\\nInvalidConfigException: config broken'); sys.exit(1)\n"
        f"pathlib.Path({str(models / name)!r}).write_bytes(b'model')\n"
        f"print('\\n' + {str(models / name)!r})\n"
    )
    return [sys.executable, "-c", script]


class Figures:
    """Measured figures per model file, counting how often each model was measured."""

    def __init__(self, by_model: Dict[str, Dict[str, float]]) -> None:
        self.by_model = by_model
        self.measured: List[str] = []

    def __call__(self, model: Path) -> Dict[str, float]:
        self.measured.append(model.name)
        return self.by_model[model.name]


def test_noise_is_two_standard_errors_of_the_measured_share() -> None:
    assert noise(0.8, 200) == pytest.approx(2 * (0.8 * 0.2 / 200) ** 0.5)
    (drop,) = drops(GOOD, WORSE)
    assert drop.figure == "nlu_accuracy" and "超出噪声" in drop.message()
    # 0.01 of macro-F1 on 200 questions is within noise, and so is any rise.
    assert drops(GOOD, {**GOOD, "nlu_macro_f1": 0.77}) == []
    assert drops(WORSE, GOOD) == []


def test_one_training_at_a_time_with_progress_then_both_models_measured(tmp_path: Path) -> None:
    models = tmp_path / "models"
    models.mkdir()
    (models / OLD).write_bytes(b"old")
    figures = Figures({OLD: GOOD, NEW: WORSE})
    finished: List[str] = []
    jobs = Trainer(
        models,
        tmp_path / "figures",
        command=lambda: fake_training(models),
        measure=figures,
        on_finish=lambda run: finished.append(run.state),
    )
    run = jobs.start("zhang.wei", OLD)
    with pytest.raises(TrainingBusy):
        jobs.start("li.na", OLD)
    # While it trains, the page sees how far the epochs are.
    deadline = time.monotonic() + 30
    while "100%" not in run.stage:
        assert time.monotonic() < deadline, run.stage
        time.sleep(0.05)
    assert run.state == "training" and run.progress == pytest.approx(0.8)
    jobs.wait(60)
    assert (run.state, run.model, run.progress) == ("done", NEW, 1.0)
    assert (run.before, run.after) == (GOOD, WORSE)
    assert [d.figure for d in run.drops] == ["nlu_accuracy"]
    assert finished == ["done"]

    # Trained again with the same data: each model is measured only once.
    again = jobs.start("zhang.wei", OLD)
    jobs.wait(60)
    assert again.state == "done"
    assert sorted(figures.measured) == [OLD, NEW]


def test_a_failed_training_says_why(tmp_path: Path) -> None:
    models = tmp_path / "models"
    models.mkdir()
    jobs = Trainer(
        models,
        tmp_path / "figures",
        command=lambda: fake_training(models, pause=0, fail=True),
        measure=Figures({}),
    )
    run = jobs.start("zhang.wei", "")
    jobs.wait(60)
    assert run.state == "failed"
    assert "训练失败" in run.error and "config broken" in run.error


def test_a_model_written_outside_the_models_directory_is_refused(tmp_path: Path) -> None:
    models, elsewhere = tmp_path / "models", tmp_path / "elsewhere"
    models.mkdir()
    elsewhere.mkdir()
    jobs = Trainer(models, tmp_path / "figures", command=lambda: fake_training(elsewhere, pause=0))
    run = jobs.start("zhang.wei", "")
    jobs.wait(60)
    assert run.state == "failed" and "模型目录" in run.error


def test_the_page_trains_then_asks_twice_before_a_worse_model(
    gateway: Gateway,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    models = tmp_path / "models"
    models.mkdir()
    monkeypatch.setenv("RASA_MODELS_DIR", str(models))
    with logged_in(gateway.url, gateway.settings, "agent") as agent:
        assert agent.post("/api/trainer/training").status_code == 403
    with logged_in(gateway.url, gateway.settings, "trainer", "li.na") as trainer:
        # No Rasa runs here, so the served model is unknown: the new one is measured alone.
        app_jobs = Trainer(
            models,
            tmp_path / "figures",
            command=lambda: fake_training(models),
            measure=Figures({NEW: WORSE}),
        )
        gateway.app.state.trainer = app_jobs
        started = trainer.post("/api/trainer/training")
        assert started.status_code == 200, started.text
        busy = trainer.post("/api/trainer/training")
        assert busy.status_code == 409 and "已有一次训练" in busy.json()["message"]
        deadline = time.monotonic() + 60
        while trainer.get("/api/trainer/training").json()["running"]:
            assert time.monotonic() < deadline
            time.sleep(0.2)
        run = trainer.get("/api/trainer/training").json()["run"]
        assert (run["state"], run["model"], run["after"]["nlu_accuracy"]) == ("done", NEW, 0.7)

        # Measured against a served model that did better, the drop needs a second yes.
        app_jobs.latest.before = GOOD  # type: ignore[union-attr]
        app_jobs.latest.drops = drops(GOOD, WORSE)  # type: ignore[union-attr]
        asked = trainer.post("/api/trainer/models/activate", json={"model": NEW})
        assert asked.status_code == 409
        assert asked.json()["figures"] == ["nlu_accuracy"]
        assert "NLU 准确率" in asked.json()["message"]
        confirmed = trainer.post(
            "/api/trainer/models/activate",
            json={"model": NEW, "confirm": ["nlu_accuracy"]},
            timeout=60,
        )
        # Confirmed, it goes to the Rasa servers, none of which runs in this test.
        assert confirmed.status_code == 502
        assert "未能加载" in confirmed.json()["message"]

        assert trainer.post("/api/trainer/training/discard").status_code == 200
        assert trainer.get("/api/trainer/training").json()["run"] is None
        actions = [a["action"] for a in trainer.get("/api/trainer/audit").json()]
        assert actions[0] == "model_discard"
        assert {"train_start", "model_activate"} <= set(actions)
        assert httpx.get(f"{gateway.url}/api/trainer/training").status_code == 401


def test_one_training_at_a_time_across_gateways_sharing_redis(
    tmp_path: Path, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    models = tmp_path / "models"
    models.mkdir()
    monkeypatch.setenv("RASA_MODELS_DIR", str(models))
    redis.Redis.from_url(SHARED_REDIS).delete(f"banshi:gateway:{CLAIM_KEY}")
    first, second = (
        Gateway(
            Settings(
                var_dir=tmp_path / name,
                cookie_secure=False,
                review_nlu_dir=workspace.nlu_dir,
                review_knowledge_dir=workspace.knowledge_dir,
                rasa_port=free_port(),
                redis_url=SHARED_REDIS,
            ),
            free_port(),
        )
        for name in ("one", "two")
    )
    with first, second:
        for gateway_ in (first, second):
            gateway_.app.state.trainer = Trainer(
                models,
                tmp_path / "figures",
                command=lambda: fake_training(models),
                measure=Figures({NEW: GOOD}),
            )
        with (
            logged_in(first.url, first.settings, "trainer", "li.na") as one,
            logged_in(second.url, second.settings, "trainer", "zhang.wei") as two,
        ):
            assert one.post("/api/trainer/training").status_code == 200
            # The other gateway sees it running and refuses a second one, naming who started it.
            seen = two.get("/api/trainer/training").json()
            assert seen["running"] and "li.na" in seen["elsewhere"]
            busy = two.post("/api/trainer/training")
            assert busy.status_code == 409 and "li.na" in busy.json()["message"]
            deadline = time.monotonic() + 60
            while one.get("/api/trainer/training").json()["running"]:
                assert time.monotonic() < deadline
                time.sleep(0.2)
            # Ended on the first gateway, the claim is gone: the second may train now.
            assert two.get("/api/trainer/training").json()["running"] is False
            assert two.post("/api/trainer/training").status_code == 200
            while two.get("/api/trainer/training").json()["running"]:
                assert time.monotonic() < deadline
                time.sleep(0.2)
