"""The trainer page `/trainer` and its API, included by the gateway (bot.gateway.app).

Trainers (and admins) only, logged in as themselves (bot/gateway/auth.py); every change lands
in the audit table under the trainer's account name.
"""

from __future__ import annotations

from typing import Annotated, Any, Dict, List, Optional

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import PlainTextResponse, Response
from pydantic import BaseModel, Field

from bot.review import taxonomy
from bot.review.apply import Workspace, apply_labels
from bot.review.inbox import STATUSES, Inbox, ItemNotFound
from bot.review.labels import LabelError, dismiss_item, label_item
from bot.review.sources import default_candidates, export
from bot.review.summary import build_report
from bot.settings import Settings
from core.intents import entities

from ..deps import TrainerDep
from ..errors import GatewayError
from ..staff_pages import staff_page

router = APIRouter(tags=["trainer"])


class EntityLabel(BaseModel):
    entity: str = Field(..., max_length=64)
    text: str = Field(..., min_length=1, max_length=200)
    value: str = Field("", max_length=200)


class LabelBody(BaseModel):
    intent: str = Field("", max_length=64)
    entities: List[EntityLabel] = []
    kb_entry: str = Field("", max_length=128)


class DismissBody(BaseModel):
    note: str = Field("", max_length=500)


class ApplyBody(BaseModel):
    items: List[int] = []


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_inbox(request: Request) -> Inbox:
    """One inbox per app, opened on first use so the gateway starts without it."""
    inbox: Optional[Inbox] = getattr(request.app.state, "review_inbox", None)
    if inbox is None:
        inbox = Inbox(_settings(request).review_database_path)
        request.app.state.review_inbox = inbox
    return inbox


InboxDep = Annotated[Inbox, Depends(get_inbox)]
# Larger ids do not fit the database's integer and would fail the query instead of finding nothing.
ItemId = Annotated[int, Path(le=2**63 - 1)]


@router.get("/trainer", include_in_schema=False)
async def trainer_page(request: Request) -> Response:
    return await staff_page(request, "trainer", "trainer.html")


@router.get("/trainer/trainer.js", include_in_schema=False)
async def trainer_script(request: Request) -> Response:
    return await staff_page(request, "trainer", "trainer.js")


@router.get("/api/trainer/choices", summary="可选的意图、实体与知识条目")
def choices(trainer: TrainerDep) -> Dict[str, Any]:
    entries = taxonomy.knowledge_entries()
    return {
        "intents": taxonomy.intent_choices(),
        "entities": sorted(entities()),
        "knowledge": [{"id": k, "title": v} for k, v in sorted(entries.items())],
        "statuses": STATUSES,
    }


@router.get("/api/trainer/items", summary="收件箱(按预测意图分组)")
def items(inbox: InboxDep, trainer: TrainerDep, status: str = "open") -> Dict[str, Any]:
    if status not in STATUSES:
        raise GatewayError(422, "invalid_status", f"未知状态“{status}”")
    groups: Dict[str, List[Dict[str, Any]]] = {}
    for item in inbox.items(status=status):
        groups.setdefault(item.predicted_intent, []).append(item.as_dict())
    return {
        "counts": inbox.counts(),
        "groups": [{"intent": k, "items": v} for k, v in groups.items()],
    }


@router.post("/api/trainer/items/{item_id}/label", summary="标注")
def label(item_id: ItemId, body: LabelBody, inbox: InboxDep, trainer: TrainerDep) -> Dict[str, Any]:
    entities = [e.model_dump() for e in body.entities]
    try:
        item = label_item(inbox, item_id, trainer.name, body.intent, entities, body.kb_entry)
    except ItemNotFound as error:
        raise GatewayError(404, "unknown_item", f"收件箱中没有第 {item_id} 条") from error
    except LabelError as error:
        raise GatewayError(422, "invalid_label", str(error)) from error
    return item.as_dict()


@router.post("/api/trainer/items/{item_id}/dismiss", summary="忽略")
def dismiss(
    item_id: ItemId, body: DismissBody, inbox: InboxDep, trainer: TrainerDep
) -> Dict[str, Any]:
    try:
        return dismiss_item(inbox, item_id, trainer.name, body.note).as_dict()
    except ItemNotFound as error:
        raise GatewayError(404, "unknown_item", f"收件箱中没有第 {item_id} 条") from error
    except LabelError as error:
        raise GatewayError(409, "already_applied", str(error)) from error


@router.post("/api/trainer/apply", summary="写入训练数据")
def apply(
    body: ApplyBody, request: Request, inbox: InboxDep, trainer: TrainerDep
) -> Dict[str, Any]:
    workspace = Workspace.from_settings(_settings(request))
    report = apply_labels(inbox, workspace, trainer.name, body.items)
    return {"outcomes": [o.__dict__ for o in report.outcomes], "summary": report.lines()[-1]}


@router.post("/api/trainer/export", summary="从对话记录导出")
def run_export(request: Request, inbox: InboxDep, trainer: TrainerDep) -> Dict[str, Any]:
    settings = _settings(request)
    candidates = default_candidates(
        settings.tracker_database_path,
        settings.redis_url,
        settings.resolved_feedback_database_url(),
        settings.review_confidence_threshold,
    )
    result = export(inbox, candidates)
    inbox.audit("export", trainer.name, result.__dict__)
    return {**result.__dict__, "message": f"导出完成: {result}"}


@router.get("/api/trainer/audit", summary="操作记录")
def audit(inbox: InboxDep, trainer: TrainerDep, limit: int = 100) -> List[Dict[str, Any]]:
    return inbox.audit_log(max(1, min(limit, 1000)))


@router.get("/api/trainer/report", summary="复核报告(Markdown)")
def report(request: Request, inbox: InboxDep, trainer: TrainerDep) -> PlainTextResponse:
    text = build_report(inbox, _settings(request).review_nlu_dir)
    return PlainTextResponse(text, media_type="text/markdown; charset=utf-8")
