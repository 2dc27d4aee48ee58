"""The agent desk: the page at `/agent`, its live feed (server-sent events) and feedback.

Agents (and admins) only; see bot/gateway/auth.py.
"""

from __future__ import annotations

from typing import Any, AsyncIterator, Dict, List, Optional

from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse

from connectors.hotline.calls import FeedFull
from connectors.hotline.models import CategoryPin, DepartmentPin, Feedback, SummaryEdit
from connectors.hotline.service import UnknownCall, UnknownCategory, UnknownSuggestion
from connectors.hotline.subject import categories

from ..deps import AgentDep, ResourcesDep
from ..errors import GatewayError
from ..resources import Resources
from ..staff_pages import staff_page

router = APIRouter(tags=["agent desk"])


@router.get("/agent", include_in_schema=False)
async def agent_page(request: Request) -> Response:
    return await staff_page(request, "agent", "agent.html")


@router.get("/agent/agent.js", include_in_schema=False)
async def agent_script(request: Request) -> Response:
    return await staff_page(request, "agent", "agent.js")


@router.get("/api/agent/calls", summary="最近的通话")
async def recent_calls(resources: ResourcesDep, agent: AgentDep) -> List[Dict[str, Any]]:
    return resources.feed.snapshot()


@router.get("/api/agent/handovers", summary="从网页咨询、微信转人工的会话")
async def handovers(resources: ResourcesDep, agent: AgentDep) -> List[Dict[str, Any]]:
    return resources.feed.handovers()


@router.get("/api/agent/categories", summary="工单类别(键 → 名称)")
async def category_list(agent: AgentDep) -> Dict[str, str]:
    return categories()


@router.post("/api/agent/calls/{call_id}/category", summary="坐席锁定通话的工单类别")
async def pin_category(
    call_id: str, body: CategoryPin, resources: ResourcesDep, agent: AgentDep
) -> Dict[str, Any]:
    return await _pin(resources, call_id, agent.name, category=body.category)


@router.post("/api/agent/calls/{call_id}/department", summary="坐席选定承办单位")
async def pin_department(
    call_id: str, body: DepartmentPin, resources: ResourcesDep, agent: AgentDep
) -> Dict[str, Any]:
    return await _pin(resources, call_id, agent.name, department=body.department)


@router.post("/api/agent/calls/{call_id}/summary", summary="坐席修改工单摘要")
async def edit_summary(
    call_id: str, body: SummaryEdit, resources: ResourcesDep, agent: AgentDep
) -> Dict[str, Any]:
    return await _pin(resources, call_id, agent.name, summary=body.summary)


async def _pin(
    resources: Resources,
    call_id: str,
    agent: str,
    category: Optional[str] = None,
    department: Optional[str] = None,
    summary: Optional[str] = None,
) -> Dict[str, Any]:
    try:
        state = await resources.hotline.pin(call_id, agent, category, department, summary)
    except UnknownCall as error:
        raise GatewayError(404, "unknown_call", f"没有通话 {error} 的记录") from error
    except UnknownCategory as error:
        raise GatewayError(422, "unknown_category", f"没有工单类别 {error}") from error
    order = state.assist.work_order.model_dump(mode="json") if state.assist else None
    return {"call_id": call_id, "work_order": order}


@router.get("/api/agent/events", summary="通话实时推送(text/event-stream)")
async def events(request: Request, resources: ResourcesDep, agent: AgentDep) -> StreamingResponse:
    try:
        subscription = resources.feed.subscribe()
    except FeedFull as error:
        raise GatewayError(
            503, "feed_full", "坐席实时推送连接数已满,请稍后刷新页面重试", {"Retry-After": "10"}
        ) from error

    async def stream() -> AsyncIterator[str]:
        try:
            # Tells the browser how soon to reconnect if the connection drops (or is ended).
            yield "retry: 2000\n\n"
            async for event in subscription:
                if await request.is_disconnected():
                    break
                yield f"data: {event}\n\n" if event is not None else ": keep-alive\n\n"
        finally:
            await subscription.aclose()

    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(stream(), media_type="text/event-stream", headers=headers)


@router.post("/api/agent/feedback", summary="坐席对建议答案的反馈", status_code=201)
async def feedback(body: Feedback, resources: ResourcesDep, agent: AgentDep) -> Dict[str, Any]:
    try:
        row_id = await resources.hotline.record_feedback(body, agent.name)
    except UnknownCall as error:
        raise GatewayError(404, "unknown_call", f"没有通话 {error} 的记录") from error
    except UnknownSuggestion as error:
        raise GatewayError(
            422, "unknown_suggestion", f"本通话没有给出过建议 {error},反馈未保存"
        ) from error
    return {"id": row_id, "recorded": True}
