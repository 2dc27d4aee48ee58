"""Time from "apply" on the trainer page to an active model, with the real configuration.

python -m bench.trainer_loop [--config config.yml] [--json PATH]

On a copy of data/ (data/ itself is never touched): a question the served model does not
understand is labelled and applied as the page does, the model is trained from the copy
(`python -m bot.model train CONFIG --data COPY`, what the page's 「重新训练」 runs), the new model
and the current one are measured on every reported figure as the page measures them (the locked
real half with bench/nlu_real.py; knowledge, legal and multi-turn through an assistant of each
model's own with bench/model_figures.py), and the new model
is loaded with `PUT /model` into a Rasa server this bench starts with the current model. Prints
each phase and the total in seconds, and the figures before and after.

The trained model is removed afterwards from models/ and the model cache. Training is a full
training (a few minutes on two free cores; longer when other work shares them).
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional

import httpx

from bench.common import free_port
from bot.model import cache_dir, train
from bot.rasa_server import models_dir
from bot.review.apply import Workspace, apply_labels
from bot.review.inbox import Candidate, Inbox
from bot.review.labels import label_item
from bot.review.training import Trainer, measure_model, train_command
from bot.run import rasa_server, start, stop_all
from bot.settings import Settings
from core.paths import PROJECT_ROOT

# Dialect wordings of "a free lawyer" the served model does not all understand.
from tests.review.test_retrain import INTENT, QUESTIONS


def parse(url: str, token: str, text: str) -> Dict[str, object]:
    response = httpx.post(
        f"{url}/model/parse", params={"token": token}, json={"text": text}, timeout=60
    )
    intent: Dict[str, object] = response.json()["intent"]
    return intent


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", default="config.yml")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    current = train()  # the model for data/ as it is: the one being served
    with tempfile.TemporaryDirectory(prefix="banshi-trainer-loop-") as work_dir:
        work = Path(work_dir)
        data = work / "data"
        shutil.copytree(PROJECT_ROOT / "data", data)
        shutil.copytree(PROJECT_ROOT / "knowledge" / "content", work / "knowledge")
        settings = Settings(var_dir=work / "var", rasa_port=free_port())
        settings.var_dir.mkdir()
        processes = start(settings, [rasa_server(settings, current)])
        url, token = settings.rasa_url, settings.resolved_rasa_token()
        new_model = ""
        try:
            before = {q: parse(url, token, q) for q in QUESTIONS}
            question = next((q for q, i in before.items() if i["name"] != INTENT), QUESTIONS[0])
            inbox = Inbox(settings.review_database_path)
            inbox.add(
                Candidate("bench", "1", question, str(before[question]["name"]), 0.3, "fallback")
            )
            (item,) = inbox.items()
            label_item(inbox, item.id, "bench", intent=INTENT)

            phases: Dict[str, float] = {}
            t0 = time.perf_counter()
            workspace = Workspace(data / "nlu", work / "knowledge")
            (outcome,) = apply_labels(inbox, workspace, "bench").outcomes
            assert outcome.status == "applied", outcome.message
            phases["apply"] = time.perf_counter() - t0

            measured: Dict[str, float] = {}

            def timed_measure(model: Path) -> Dict[str, float]:
                t = time.perf_counter()
                figures = measure_model(model)
                measured[model.name] = time.perf_counter() - t
                return figures

            jobs = Trainer(
                models_dir(),
                work / "figures",
                command=lambda: train_command(args.config, data),
                measure=timed_measure,
            )
            run = jobs.start("bench", current.name)
            jobs.wait()
            if run.state != "done":
                raise SystemExit(f"training failed: {run.error}")
            new_model = run.model
            phases["train + measure"] = time.perf_counter() - t0 - phases["apply"]
            phases["measure (both models)"] = sum(measured.values())

            t1 = time.perf_counter()
            loaded = httpx.put(
                f"{url}/model",
                params={"token": token},
                json={"model_file": str(models_dir() / new_model)},
                timeout=1200,
            )
            assert loaded.status_code == 204, loaded.text
            phases["activate (PUT /model)"] = time.perf_counter() - t1
            total = time.perf_counter() - t0
            after = parse(url, token, question)
        finally:
            stop_all(processes)
            if new_model and new_model != current.name:
                (models_dir() / new_model).unlink(missing_ok=True)
                (cache_dir() / new_model).unlink(missing_ok=True)
    print(f"question: {question}")
    print(f"  before: {before[question]}\n  after:  {after}")
    for name, seconds in phases.items():
        print(f"{name:>24}: {seconds:7.1f} s")
    print(f"{'apply → active model':>24}: {total:7.1f} s")
    print(f"figures before: {run.before}\nfigures after:  {run.after}")
    print("drops beyond noise: " + (", ".join(d.message() for d in run.drops) or "none"))
    if args.json:
        args.json.write_text(
            json.dumps(
                {"phases_s": phases, "total_s": total, "before": run.before, "after": run.after},
                ensure_ascii=False,
                indent=2,
            ),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
