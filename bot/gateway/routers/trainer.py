"""The trainer page `/trainer` and its API, included by the gateway (bot.gateway.app).

Trainers (and admins) only, logged in as themselves (bot/gateway/auth.py); every change lands
in the audit table under the trainer's account name.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Annotated, Any, Dict, Iterator, List, Tuple

from fastapi import APIRouter, Path, Request
from fastapi.responses import PlainTextResponse, Response
from pydantic import BaseModel, Field

from bot.review import taxonomy
from bot.review.apply import Workspace, apply_labels
from bot.review.decisions import mark_followup, mark_knowledge_gap
from bot.review.inbox import STATUSES, ItemNotFound
from bot.review.labels import LabelError, dismiss_item, label_item
from bot.review.sources import default_candidates, export
from bot.review.summary import build_report
from core.intents import entities

from ..deps import InboxDep, TrainerDep, app_settings
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


class NoteBody(BaseModel):
    note: str = Field("", max_length=500)


class ApplyBody(BaseModel):
    items: List[int] = []


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
    found = inbox.items(status=status)
    seen = inbox.occurrences([item.id for item in found])
    for item in found:
        # The latest conversation it was seen in: the turns around it, ranking, answer.
        latest = seen[item.id][0].as_dict() if seen[item.id] else None
        row = {**item.as_dict(), "conversation": latest, "conversations": len(seen[item.id])}
        groups.setdefault(item.predicted_intent, []).append(row)
    return {
        "counts": inbox.counts(),
        "groups": [{"intent": k, "items": v} for k, v in groups.items()],
    }


@contextmanager
def _deciding(item_id: int, refused: Tuple[int, str]) -> Iterator[None]:
    """The errors of a decision on an item: 404 for an unknown item, `refused` with the
    reason for a decision the item does not allow."""
    try:
        yield
    except ItemNotFound as error:
        raise GatewayError(404, "unknown_item", f"收件箱中没有第 {item_id} 条") from error
    except LabelError as error:
        raise GatewayError(*refused, str(error)) from error


@router.post("/api/trainer/items/{item_id}/label", summary="标注")
def label(item_id: ItemId, body: LabelBody, inbox: InboxDep, trainer: TrainerDep) -> Dict[str, Any]:
    entities = [e.model_dump() for e in body.entities]
    with _deciding(item_id, (422, "invalid_label")):
        item = label_item(inbox, item_id, trainer.name, body.intent, entities, body.kb_entry)
    return item.as_dict()


@router.post("/api/trainer/items/{item_id}/dismiss", summary="忽略")
def dismiss(
    item_id: ItemId, body: NoteBody, inbox: InboxDep, trainer: TrainerDep
) -> Dict[str, Any]:
    with _deciding(item_id, (409, "already_applied")):
        return dismiss_item(inbox, item_id, trainer.name, body.note).as_dict()


@router.post("/api/trainer/items/{item_id}/followup", summary="标为追问(转为开发对话用例)")
def followup(
    item_id: ItemId, request: Request, inbox: InboxDep, trainer: TrainerDep
) -> Dict[str, Any]:
    cases = app_settings(request).review_dialogue_file
    with _deciding(item_id, (422, "invalid_decision")):
        return mark_followup(inbox, item_id, trainer.name, cases).as_dict()


@router.post("/api/trainer/items/{item_id}/knowledge-gap", summary="标为知识缺口")
def knowledge_gap(
    item_id: ItemId, body: NoteBody, inbox: InboxDep, trainer: TrainerDep
) -> Dict[str, Any]:
    with _deciding(item_id, (409, "already_applied")):
        return mark_knowledge_gap(inbox, item_id, trainer.name, body.note).as_dict()


@router.post("/api/trainer/apply", summary="写入训练数据")
def apply(
    body: ApplyBody, request: Request, inbox: InboxDep, trainer: TrainerDep
) -> Dict[str, Any]:
    workspace = Workspace.from_settings(app_settings(request))
    report = apply_labels(inbox, workspace, trainer.name, body.items)
    return {"outcomes": [o.__dict__ for o in report.outcomes], "summary": report.lines()[-1]}


@router.post("/api/trainer/export", summary="从对话记录导出")
def run_export(request: Request, inbox: InboxDep, trainer: TrainerDep) -> Dict[str, Any]:
    settings = app_settings(request)
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
    text = build_report(inbox, app_settings(request).review_nlu_dir)
    return PlainTextResponse(text, media_type="text/markdown; charset=utf-8")
