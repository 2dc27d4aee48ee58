"""The knowledge-gap list `/trainer/gaps`: questions the assistant had no answer for, grouped,
for whoever writes knowledge/content (trainers and admins, like the trainer page)."""

from __future__ import annotations

from typing import Any, Dict

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response

from bot.review.knowledge_gaps import gap_groups, gaps_markdown

from ..deps import InboxDep, TrainerDep
from ..staff_pages import staff_page

router = APIRouter(tags=["trainer"])


@router.get("/trainer/gaps", include_in_schema=False)
async def gaps_page(request: Request) -> Response:
    return await staff_page(request, "trainer", "gaps.html")


@router.get("/trainer/gaps.js", include_in_schema=False)
async def gaps_script(request: Request) -> Response:
    return await staff_page(request, "trainer", "gaps.js")


@router.get("/api/trainer/gaps", summary="知识缺口(相似问题分组)")
def gaps(inbox: InboxDep, trainer: TrainerDep) -> Dict[str, Any]:
    groups = gap_groups(inbox)
    return {"groups": [g.as_dict() for g in groups]}


@router.get("/api/trainer/gaps/export", summary="知识缺口清单(Markdown)")
def export_gaps(inbox: InboxDep, trainer: TrainerDep) -> PlainTextResponse:
    groups = gap_groups(inbox)
    inbox.audit("gaps_export", trainer.name, {"groups": len(groups)})
    return PlainTextResponse(
        gaps_markdown(groups),
        media_type="text/markdown; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="knowledge_gaps.md"'},
    )
