"""Retraining from the trainer page: start a training (one at a time, in the background), follow
its progress, see the new model's figures against the served model's, discard it.

Activation is in routers/models.py, which asks for a second confirmation naming each reported
figure the new model lowers beyond its noise.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict

from fastapi import APIRouter

from bot.review.training import TrainingBusy

from ..deps import InboxDep, ResourcesDep, TrainerDep, TrainerJobs
from ..errors import GatewayError

router = APIRouter(tags=["trainer"])


@router.get("/api/trainer/training", summary="最近一次训练:进度、新旧模型在报告集上的指标")
def training(jobs: TrainerJobs, trainer: TrainerDep) -> Dict[str, Any]:
    return {"running": jobs.running, "run": jobs.latest.as_dict() if jobs.latest else None}


@router.post("/api/trainer/training", summary="开始训练(后台,一次一个)")
async def start_training(
    jobs: TrainerJobs, inbox: InboxDep, resources: ResourcesDep, trainer: TrainerDep
) -> Dict[str, Any]:
    served = [Path(p).name for p in (await resources.rasa.served_models()).values() if p]
    try:
        run = jobs.start(trainer.name, served[0] if served else "")
    except TrainingBusy as error:
        raise GatewayError(409, "training_running", "已有一次训练在进行,请等它结束") from error
    inbox.audit("train_start", trainer.name, {"run": run.id, "active": run.active})
    return {"running": True, "run": run.as_dict()}


@router.post("/api/trainer/training/discard", summary="放弃新训练的模型")
def discard(jobs: TrainerJobs, inbox: InboxDep, trainer: TrainerDep) -> Dict[str, Any]:
    run = jobs.latest
    if run is None or jobs.running or run.state != "done":
        raise GatewayError(409, "nothing_to_discard", "没有已完成、待决定的训练")
    inbox.audit("model_discard", trainer.name, {"run": run.id, "model": run.model})
    # The file stays in models/ (it is the cached model of that data); the page forgets it.
    jobs.latest = None
    return {"discarded": run.model}
