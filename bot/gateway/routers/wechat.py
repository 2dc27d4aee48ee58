"""`GET/POST /webhooks/wechat`: the official account's server URL (see connectors/wechat)."""

from __future__ import annotations

import asyncio
import logging
from typing import Dict, Optional, Tuple

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response

from connectors.limits import RATE_LIMITED_REPLY
from connectors.replay import nonce_key
from connectors.wechat.handler import WeChatConnector
from connectors.wechat.protocol import (
    WeChatConfig,
    WeChatRequestError,
    decode_message,
    render_text_reply,
    verify_query,
)

from ..body import read_limited, require_content_type
from ..deps import ResourcesDep
from ..errors import GatewayError

logger = logging.getLogger(__name__)
router = APIRouter(tags=["wechat"])
# After the reply budget, what the store may still take before the answer must leave (5 s).
GRACE = 0.3


def _configured(resources: ResourcesDep) -> Tuple[WeChatConfig, WeChatConnector]:
    if resources.wechat is None or resources.wechat_config is None:
        raise GatewayError(503, "wechat_not_configured", "未配置 WECHAT_TOKEN,微信接入未启用")
    return resources.wechat_config, resources.wechat


def _refuse(error: WeChatRequestError) -> GatewayError:
    logger.warning("wechat.refused status=%s reason=%s", error.status, error.message)
    return GatewayError(error.status, "wechat_request_refused", error.message)


async def _check_nonce(
    resources: ResourcesDep, config: WeChatConfig, query: Dict[str, str], body: bytes
) -> None:
    """A nonce is good for one request; only after every other check, so forgeries spend none."""
    key = nonce_key("wechat", query["timestamp"], query["nonce"])
    if not await resources.replay.nonce_fits(key, body, config.timestamp_window):
        raise WeChatRequestError(403, "该 nonce 已被另一请求使用,疑似重放,请求被拒绝")


@router.get("/webhooks/wechat", summary="微信服务器地址校验")
async def verify_url(request: Request, resources: ResourcesDep) -> PlainTextResponse:
    config, _ = _configured(resources)
    query = dict(request.query_params)
    try:
        verify_query(config, query)
    except WeChatRequestError as error:
        raise _refuse(error) from error
    echostr = query.get("echostr", "")
    if not echostr:
        raise GatewayError(400, "wechat_request_refused", "缺少参数 echostr")
    return PlainTextResponse(echostr)


@router.post("/webhooks/wechat", summary="接收微信消息与事件")
async def receive(request: Request, resources: ResourcesDep) -> Response:
    # WeChat waits 5 s: everything from here on, the shared store included, fits in the budget.
    deadline = asyncio.get_running_loop().time() + resources.settings.wechat_reply_budget
    config, connector = _configured(resources)
    query = dict(request.query_params)
    try:
        verify_query(config, query)
        require_content_type(request, "text/xml", "application/xml")
        body = await read_limited(request)
        inbound = decode_message(config, query, body)
    except WeChatRequestError as error:
        raise _refuse(error) from error

    async def answer() -> Optional[str]:
        await _check_nonce(resources, config, query, body)
        # WeChat's servers are the only peer, so only the user (OpenID) is limited, and the
        # answer is a text reply: an HTTP error would just make WeChat retry the message.
        verdict = await resources.limiter.check(user=f"wechat:{inbound.message.source}")
        if not verdict.allowed:
            return RATE_LIMITED_REPLY
        return await connector.handle(inbound.message, deadline)

    try:
        reply = await connector.answer_in_time(inbound.message, answer(), deadline + GRACE)
    except WeChatRequestError as error:
        raise _refuse(error) from error
    if not reply:
        # "success" tells WeChat not to retry and to show nothing; any reply follows later.
        return PlainTextResponse("success")
    xml = render_text_reply(inbound.message, reply, inbound.encrypted, config, query["nonce"])
    return Response(xml, media_type="application/xml")
