"""Retraining from the trainer page: start a training (one at a time, in the background), follow
its progress, see the new model's figures against the served model's, discard it.

Activation is in routers/models.py, which asks for a second confirmation naming each reported
figure the new model lowers beyond its noise.

One training at a time holds across gateways: a training is claimed in the gateways' shared
store (Redis when configured) before it starts, and the claim is released by the gateway that
ran it once the run has ended. A gateway that crashed mid-training leaves its claim until
CLAIM_SECONDS pass.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, Optional

from fastapi import APIRouter

from bot.review.training import Trainer, TrainingBusy
from connectors.store import KeyValueStore

from ..deps import InboxDep, ResourcesDep, TrainerDep, TrainerJobs
from ..errors import GatewayError

router = APIRouter(tags=["trainer"])

CLAIM_KEY = "trainer:training"
# Longer than any training and measurement on the reference machine (about 25 minutes).
CLAIM_SECONDS = 4 * 3600


async def _claim(store: KeyValueStore) -> Optional[Dict[str, Any]]:
    raw = await store.get(CLAIM_KEY)
    return dict(json.loads(raw)) if raw else None


async def _release_ended(jobs: Trainer, store: KeyValueStore) -> None:
    """Drop this gateway's claim once its training has ended."""
    run = jobs.latest
    if run is None or jobs.running:
        return
    claim = await _claim(store)
    if claim is not None and claim.get("run") == run.id:
        await store.delete(CLAIM_KEY)


def _elsewhere(claim: Dict[str, Any]) -> str:
    return f"{claim.get('actor', '')} 于 {claim.get('started_at', '')[:16]} 开始的训练"


@router.get("/api/trainer/training", summary="最近一次训练:进度、新旧模型在报告集上的指标")
async def training(
    jobs: TrainerJobs, resources: ResourcesDep, trainer: TrainerDep
) -> Dict[str, Any]:
    await _release_ended(jobs, resources.store)
    claim = None if jobs.running else await _claim(resources.store)
    return {
        "running": jobs.running or claim is not None,
        # A training another gateway runs: who started it and when.
        "elsewhere": _elsewhere(claim) if claim else "",
        "run": jobs.latest.as_dict() if jobs.latest else None,
    }


@router.post("/api/trainer/training", summary="开始训练(后台,一次一个)")
async def start_training(
    jobs: TrainerJobs, inbox: InboxDep, resources: ResourcesDep, trainer: TrainerDep
) -> Dict[str, Any]:
    store = resources.store
    await _release_ended(jobs, store)
    started_at = datetime.now(timezone.utc).isoformat()
    claim = {"actor": trainer.name, "started_at": started_at, "run": ""}
    if jobs.running or not await store.add(CLAIM_KEY, json.dumps(claim), CLAIM_SECONDS):
        held = await _claim(store)
        where = _elsewhere(held) if held and not jobs.running else "一次训练"
        raise GatewayError(409, "training_running", f"已有{where}在进行,请等它结束")
    served = [Path(p).name for p in (await resources.rasa.served_models()).values() if p]
    try:
        run = jobs.start(trainer.name, served[0] if served else "")
    except TrainingBusy as error:
        await store.delete(CLAIM_KEY)
        raise GatewayError(409, "training_running", "已有一次训练在进行,请等它结束") from error
    await store.set(CLAIM_KEY, json.dumps({**claim, "run": run.id}), CLAIM_SECONDS)
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
