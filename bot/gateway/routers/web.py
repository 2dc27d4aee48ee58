"""The citizens' web chat: the page at `/` and `POST /api/chat`, channel "web".

The conversation id comes from the gateway's signed cookie (bot/gateway/chat_session.py), never
from the request body, and the limits count that id and the real client address.
"""

from __future__ import annotations

import logging
from typing import List, Optional

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from pydantic import BaseModel, Field

from connectors.limits import RATE_LIMITED_REPLY
from connectors.rasa import RasaUnavailable
from connectors.web import WebMessage, render_web

from ..chat_session import COOKIE, MAX_AGE
from ..clients import client_address
from ..deps import ResourcesDep
from ..errors import GatewayError
from ..paths import STATIC_DIR
from ..resources import Resources

logger = logging.getLogger(__name__)
router = APIRouter(tags=["web chat"])


class ChatRequest(BaseModel):
    # The length limit is a setting (WEB_MESSAGE_MAX_CHARS), checked in the handler so the
    # user gets a message that says so rather than a generic validation error.
    message: str = Field(..., min_length=1)


class ChatResponse(BaseModel):
    messages: List[WebMessage]
    handoff: bool = False


def _session(request: Request, resources: Resources, response: Response) -> str:
    """The conversation id of this browser, a new one (set on `response`) when it has none."""
    cookie: Optional[str] = request.cookies.get(COOKIE)
    session_id = resources.chat_sessions.verify(cookie)
    if session_id is None:
        if cookie:
            logger.info("web.session_replaced reason=bad_signature")
        session_id, value = resources.chat_sessions.issue()
        response.set_cookie(
            COOKIE,
            value,
            max_age=MAX_AGE,
            httponly=True,
            secure=resources.settings.secure_cookies,
            samesite="lax",
        )
    return session_id


@router.get("/", include_in_schema=False)
async def chat_page(request: Request, resources: ResourcesDep) -> FileResponse:
    page = FileResponse(STATIC_DIR / "chat.html", media_type="text/html; charset=utf-8")
    _session(request, resources, page)
    return page


@router.post(
    "/api/chat",
    response_model=ChatResponse,
    summary="网页咨询:发送一条消息",
    responses={413: {"description": "消息过长"}, 429: {"description": "发送过于频繁"}},
)
async def chat(
    body: ChatRequest, request: Request, response: Response, resources: ResourcesDep
) -> ChatResponse | JSONResponse:
    limit = resources.settings.web_message_max_chars
    if len(body.message) > limit:
        raise GatewayError(
            413, "message_too_long", f"消息过长({len(body.message)}字),请控制在{limit}字以内。"
        )
    sender = "web:" + _session(request, resources, response)
    address = client_address(request, resources.trusted_proxies)
    verdict = await resources.limiter.check(user=sender, ip=address)
    if not verdict.allowed:
        refused = JSONResponse(
            {"error": "rate_limited", "message": RATE_LIMITED_REPLY},
            status_code=429,
            headers={"Retry-After": str(verdict.retry_after)},
        )
        if cookie := response.headers.get("set-cookie"):
            refused.headers["set-cookie"] = cookie
        return refused
    try:
        replies = await resources.rasa.send(sender, body.message, {"channel": "web"})
    except RasaUnavailable as error:
        logger.error("web.rasa_unavailable error=%s", error)
        raise GatewayError(
            503,
            "assistant_unavailable",
            "助手暂时无法回复,请稍后再试,或拨打12345政务服务便民热线。",
        ) from error
    messages, handoff = render_web(replies)
    if handoff:
        await resources.handover.hand_over("web", sender)
    return ChatResponse(messages=messages, handoff=handoff)
