"""Signed webhooks of the 12345 hotline platform: call started, utterance, call ended."""

from __future__ import annotations

import json
import logging
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Dict, Type, TypeVar

from fastapi import APIRouter, Request
from pydantic import BaseModel, ValidationError

from connectors.hotline.models import Assist, CallEnded, CallStarted, Utterance
from connectors.hotline.service import UnknownCall
from connectors.hotline.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, SignatureError, verify
from connectors.rasa import RasaUnavailable
from connectors.replay import Claim

from ..body import read_limited, require_content_type
from ..deps import ResourcesDep
from ..errors import GatewayError

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/webhooks/hotline", tags=["hotline"])
Event = TypeVar("Event", bound=BaseModel)


async def _verified_event(request: Request, resources: ResourcesDep, model: Type[Event]) -> Event:
    """Verify the HMAC over the raw body first; only then parse and validate it."""
    body = await read_limited(request)
    settings = resources.settings
    try:
        verify(
            settings.resolved_hotline_secret(),
            request.headers.get(TIMESTAMP_HEADER),
            request.headers.get(SIGNATURE_HEADER),
            body,
            settings.hotline_timestamp_window,
        )
    except SignatureError as error:
        logger.warning("hotline.refused path=%s reason=%s", request.url.path, error)
        raise GatewayError(401, "bad_signature", str(error)) from error
    require_content_type(request, "application/json")
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise GatewayError(400, "invalid_json", "请求体不是合法的 JSON") from error
    try:
        return model.model_validate(data)
    except ValidationError as error:
        fields = sorted({".".join(str(p) for p in e["loc"]) for e in error.errors()})
        raise GatewayError(
            422, "invalid_event", "事件字段不符合要求:" + "、".join(fields)
        ) from error


@asynccontextmanager
async def _signed_event(
    request: Request, resources: ResourcesDep, model: Type[Event]
) -> AsyncIterator[Event]:
    """The verified event, handled at most once per signature.

    The signature is claimed before the event is applied and kept for the timestamp window
    once it was; a request that fails gives it back, so the platform's retry of a request that
    got 503 or 404 is applied rather than refused. The claim is the signature's on every
    endpoint: a captured call-started replayed as a call-ended is a replay (docs/connectors.md:
    the events carry their own times, so their bodies differ)."""
    event = await _verified_event(request, resources, model)
    key = "hotline:signature:" + (request.headers.get(SIGNATURE_HEADER) or "").strip()
    claim = await resources.replay.claim(key)
    if claim is Claim.DONE:
        logger.warning("hotline.replayed path=%s", request.url.path)
        raise GatewayError(409, "replayed_request", "该请求已处理过,重复的请求不会再次记录")
    if claim is Claim.PENDING:
        raise GatewayError(
            503, "request_in_progress", "同一请求正在处理,请稍后重试", {"Retry-After": "1"}
        )
    try:
        yield event
    except BaseException:
        await resources.replay.release(key)
        raise
    await resources.replay.settle(key, resources.settings.hotline_timestamp_window)


def _unknown(error: UnknownCall) -> GatewayError:
    return GatewayError(404, "unknown_call", f"没有通话 {error} 的记录,请先发送 call-started 事件")


@router.post("/call-started", summary="通话开始")
async def call_started(request: Request, resources: ResourcesDep) -> Dict[str, Any]:
    async with _signed_event(request, resources, CallStarted) as event:
        state = await resources.hotline.started(event)
    return {"call_id": state.call_id, "caller": state.caller, "line": state.line}


@router.post("/utterance", summary="一句转写文本", response_model=None)
async def utterance(request: Request, resources: ResourcesDep) -> Dict[str, Any]:
    async with _signed_event(request, resources, Utterance) as event:
        try:
            assist = await resources.hotline.utterance(event)
        except UnknownCall as error:
            raise _unknown(error) from error
        except RasaUnavailable as error:
            logger.error("hotline.rasa_unavailable call=%s error=%s", event.call_id, error)
            raise GatewayError(
                503, "assist_unavailable", "坐席辅助暂时不可用,请稍后重试"
            ) from error
    if assist is None:
        return {"call_id": event.call_id, "recorded": True}
    return _assist_body(assist)


def _assist_body(assist: Assist) -> Dict[str, Any]:
    body: Dict[str, Any] = assist.model_dump(mode="json")
    body["recorded"] = True
    return body


@router.post("/call-ended", summary="通话结束")
async def call_ended(request: Request, resources: ResourcesDep) -> Dict[str, Any]:
    async with _signed_event(request, resources, CallEnded) as event:
        try:
            state = await resources.hotline.ended(event)
        except UnknownCall as error:
            raise _unknown(error) from error
    work_order = state.assist.work_order.model_dump(mode="json") if state.assist else None
    return {"call_id": state.call_id, "ended": True, "work_order": work_order}
