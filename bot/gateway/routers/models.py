"""Rolling out a trained model from the trainer page: which model the Rasa servers serve,
activating another of the project's models, and rolling back (trainers and admins).

Activation loads the model into every Rasa replica through Rasa's HTTP API (`PUT /model`
with the project's token); bot.rasa_server refuses any file outside the models directory.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Dict, List

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from bot.rasa_server import models_dir
from bot.review.rollout import RolloutError, Rollouts, model_file, project_models
from bot.review.training import confirmation_needed

from ..deps import InboxDep, ResourcesDep, TrainerDep, TrainerJobs
from ..errors import GatewayError

logger = logging.getLogger(__name__)
router = APIRouter(tags=["trainer"])


class ActivateBody(BaseModel):
    model: str = Field(..., min_length=1, max_length=128)
    # The names of the figures the trainer confirms the model may lower (second confirmation).
    confirm: List[str] = Field([], max_length=10)


def _names(served: Dict[str, str]) -> Dict[str, str]:
    return {url: Path(path).name if path else "" for url, path in served.items()}


@router.get("/api/trainer/models", summary="已训练的模型、各 Rasa 服务正在使用的模型")
async def models(inbox: InboxDep, resources: ResourcesDep, trainer: TrainerDep) -> Dict[str, Any]:
    served = _names(await resources.rasa.served_models())
    rollouts = Rollouts(inbox)
    return {
        "models": [
            {**m.as_dict(), "active": m.name in served.values()}
            for m in project_models(models_dir())
        ],
        "served": served,
        "rollback_to": rollouts.rollback_target(),
        "history": rollouts.history(),
    }


async def _activate(
    name: str, action: str, inbox: InboxDep, resources: ResourcesDep, actor: str
) -> Dict[str, Any]:
    try:
        path = model_file(models_dir(), name)
    except RolloutError as error:
        raise GatewayError(422, "invalid_model", str(error)) from error
    before = _names(await resources.rasa.served_models())
    previous = next((n for n in before.values() if n), "")
    problems = await resources.rasa.load_model(str(path))
    failed = {url: why for url, why in problems.items() if why}
    inbox.audit(f"model_{action}", actor, {"model": name, "previous": previous, "failed": failed})
    logger.info(
        "gateway.model_%s model=%s previous=%s actor=%s failed=%s",
        action,
        name,
        previous,
        actor,
        len(failed),
    )
    if failed:
        raise GatewayError(
            502, "model_load_failed", f"有 {len(failed)} 个 Rasa 服务未能加载 {name},请查看日志"
        )
    Rollouts(inbox).record(action, name, previous, actor)
    return {
        "model": name,
        "previous": previous,
        "served": _names(await resources.rasa.served_models()),
    }


@router.post("/api/trainer/models/activate", summary="启用模型(加载到所有 Rasa 服务)")
async def activate(
    body: ActivateBody,
    inbox: InboxDep,
    resources: ResourcesDep,
    jobs: TrainerJobs,
    trainer: TrainerDep,
) -> Any:
    unconfirmed = confirmation_needed(jobs.latest, body.model, body.confirm)
    if unconfirmed:
        # The page asks again, naming each figure, and sends their names in `confirm`.
        message = (
            "新模型使报告指标下降超出噪声:"
            + ";".join(d.message() for d in unconfirmed)
            + "。确需启用,请再次确认并注明该指标。"
        )
        return JSONResponse(
            {
                "error": "confirmation_required",
                "message": message,
                "figures": [d.figure for d in unconfirmed],
                "labels": [d.label for d in unconfirmed],
            },
            status_code=409,
        )
    detail = await _activate(body.model, "activate", inbox, resources, trainer.name)
    if body.confirm:
        inbox.audit(
            "model_confirm_drop", trainer.name, {"model": body.model, "figures": body.confirm}
        )
    return detail


@router.post("/api/trainer/models/rollback", summary="回滚到上一个模型")
async def rollback(inbox: InboxDep, resources: ResourcesDep, trainer: TrainerDep) -> Dict[str, Any]:
    target = Rollouts(inbox).rollback_target()
    if not target:
        raise GatewayError(409, "nothing_to_roll_back", "还没有从本页启用过模型,无法回滚")
    return await _activate(target, "rollback", inbox, resources, trainer.name)
