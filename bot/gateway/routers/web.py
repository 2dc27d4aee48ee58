"""The citizens' web chat: the page at `/` and `POST /api/chat`, channel "web"."""

from __future__ import annotations

import logging
from typing import List

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel, Field

from connectors.limits import RATE_LIMITED_REPLY
from connectors.rasa import RasaUnavailable
from connectors.web import WebMessage, render_web

from ..deps import ResourcesDep
from ..errors import GatewayError
from ..paths import STATIC_DIR

logger = logging.getLogger(__name__)
router = APIRouter(tags=["web chat"])


class ChatRequest(BaseModel):
    sender_id: str = Field(
        ..., pattern=r"^[A-Za-z0-9_-]{8,64}$", description="浏览器生成的会话标识"
    )
    # The length limit is a setting (WEB_MESSAGE_MAX_CHARS), checked in the handler so the
    # user gets a message that says so rather than a generic validation error.
    message: str = Field(..., min_length=1)


class ChatResponse(BaseModel):
    messages: List[WebMessage]
    handoff: bool = False


@router.get("/", include_in_schema=False)
async def chat_page() -> FileResponse:
    return FileResponse(STATIC_DIR / "chat.html", media_type="text/html; charset=utf-8")


@router.post(
    "/api/chat",
    response_model=ChatResponse,
    summary="网页咨询:发送一条消息",
    responses={413: {"description": "消息过长"}, 429: {"description": "发送过于频繁"}},
)
async def chat(
    body: ChatRequest, request: Request, resources: ResourcesDep
) -> ChatResponse | JSONResponse:
    limit = resources.settings.web_message_max_chars
    if len(body.message) > limit:
        raise GatewayError(
            413, "message_too_long", f"消息过长({len(body.message)}字),请控制在{limit}字以内。"
        )
    ip = request.client.host if request.client else ""
    verdict = await resources.limiter.check(user=f"web:{body.sender_id}", ip=ip)
    if not verdict.allowed:
        return JSONResponse(
            {"error": "rate_limited", "message": RATE_LIMITED_REPLY},
            status_code=429,
            headers={"Retry-After": str(verdict.retry_after)},
        )
    try:
        replies = await resources.rasa.send(
            f"web:{body.sender_id}", body.message, {"channel": "web"}
        )
    except RasaUnavailable as error:
        logger.error("web.rasa_unavailable error=%s", error)
        raise GatewayError(
            503,
            "assistant_unavailable",
            "助手暂时无法回复,请稍后再试,或拨打12345政务服务便民热线。",
        ) from error
    messages, handoff = render_web(replies)
    return ChatResponse(messages=messages, handoff=handoff)
