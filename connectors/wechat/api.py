"""The WeChat platform API calls the connector needs: access token and customer-service send.

wechatpy's own client is synchronous and would block the event loop, so these two calls go
through the gateway's shared httpx.AsyncClient instead.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Dict, Optional

import httpx

from connectors.http_logs import error_summary, hide_query_strings
from connectors.store import KeyValueStore

logger = logging.getLogger(__name__)

# 40001 invalid credential, 40014 invalid token, 42001 token expired: fetch a new one, retry once.
TOKEN_ERRORS = frozenset({40001, 40014, 42001})
# 45015: the user wrote more than 48 h ago; 45047: too many messages since the user last wrote.
# Neither improves on retry, so the reply is dropped and logged.
REFUSED = {45015: "超过48小时未互动", 45047: "客服消息条数超限"}
# Refresh a little before WeChat's expiry so a token is never used in its last seconds.
EXPIRY_MARGIN = 300


class WeChatApiError(Exception):
    def __init__(self, errcode: int, errmsg: str) -> None:
        super().__init__(f"errcode={errcode} errmsg={errmsg}")
        self.errcode = errcode


def failure_summary(error: BaseException) -> str:
    """What a log line may say about a failed platform call: type, status or errcode."""
    if isinstance(error, WeChatApiError):
        return f"WeChatApiError errcode={error.errcode}"
    return error_summary(error)


class WeChatApi:
    """Access token (cached in the shared store until expiry) and customer-service messages."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        store: KeyValueStore,
        base_url: str,
        app_id: str,
        app_secret: str,
        retries: int = 2,
    ) -> None:
        self.http = http
        self.store = store
        self.base_url = base_url.rstrip("/")
        self.app_id = app_id
        self.app_secret = app_secret
        self.retries = retries
        self._refresh_lock = asyncio.Lock()
        # The token URL carries secret=, every send URL access_token=.
        hide_query_strings()

    @property
    def _token_key(self) -> str:
        return f"wechat:access_token:{self.app_id}"

    async def access_token(self, stale: Optional[str] = None) -> str:
        """A valid token; `stale` is one WeChat just rejected, which must not be returned again."""
        cached = await self.store.get(self._token_key)
        if cached and cached != stale:
            return cached
        async with self._refresh_lock:
            # Another request may have refreshed it while this one waited for the lock.
            cached = await self.store.get(self._token_key)
            if cached and cached != stale:
                return cached
            data = await self._call(
                "GET",
                "/cgi-bin/token",
                params={
                    "grant_type": "client_credential",
                    "appid": self.app_id,
                    "secret": self.app_secret,
                },
            )
            token = str(data.get("access_token") or "")
            if not token:
                raise WeChatApiError(-1, "no access_token in response")
            ttl = max(60, int(data.get("expires_in", 7200)) - EXPIRY_MARGIN)
            await self.store.set(self._token_key, token, ttl)
            logger.info("wechat.token_refreshed ttl=%s", ttl)
            return token

    async def send_text(self, openid: str, content: str) -> bool:
        """Send one customer-service text message; False when WeChat refused it."""
        body = {"touser": openid, "msgtype": "text", "text": {"content": content}}
        token = await self.access_token()
        for attempt in range(2):
            try:
                await self._call(
                    "POST",
                    "/cgi-bin/message/custom/send",
                    params={"access_token": token},
                    # WeChat shows \\u escapes literally, so the body is sent as raw UTF-8.
                    content=json.dumps(body, ensure_ascii=False).encode("utf-8"),
                )
                return True
            except WeChatApiError as error:
                if error.errcode in TOKEN_ERRORS and attempt == 0:
                    logger.info("wechat.token_rejected errcode=%s", error.errcode)
                    token = await self.access_token(stale=token)
                    continue
                if error.errcode in REFUSED:
                    logger.warning(
                        "wechat.cs_send_refused errcode=%s reason=%s",
                        error.errcode,
                        REFUSED[error.errcode],
                    )
                    return False
                raise
        return False

    async def _call(self, method: str, path: str, **kwargs: Any) -> Dict[str, Any]:
        url = self.base_url + path
        for attempt in range(self.retries + 1):
            try:
                response = await self.http.request(
                    method, url, headers={"Content-Type": "application/json"}, **kwargs
                )
                response.raise_for_status()
                data: Dict[str, Any] = response.json()
                break
            except (httpx.TransportError, httpx.HTTPStatusError) as error:
                if attempt == self.retries:
                    raise
                logger.warning("wechat.api_retry path=%s error=%s", path, error_summary(error))
                await asyncio.sleep(0.2 * 2**attempt)
        errcode = int(data.get("errcode") or 0)
        if errcode:
            raise WeChatApiError(errcode, str(data.get("errmsg", "")))
        return data
