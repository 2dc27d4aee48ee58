"""One error shape for every gateway endpoint: {"error": code, "message": 中文说明}."""

from __future__ import annotations

import logging
from typing import Dict, Optional

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from connectors.store import StoreUnavailable

logger = logging.getLogger(__name__)


class GatewayError(Exception):
    def __init__(
        self, status: int, code: str, message: str, headers: Optional[Dict[str, str]] = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers


def error_response(
    status: int, code: str, message: str, headers: Optional[Dict[str, str]] = None
) -> JSONResponse:
    return JSONResponse({"error": code, "message": message}, status_code=status, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(GatewayError)
    async def _gateway_error(request: Request, error: GatewayError) -> JSONResponse:
        return error_response(error.status, error.code, error.message, error.headers)

    @app.exception_handler(StoreUnavailable)
    async def _store_down(request: Request, error: StoreUnavailable) -> JSONResponse:
        route = getattr(request.scope.get("route"), "path", "<unmatched>")
        logger.error("gateway.store_unavailable route=%s error=%s", route, error)
        return error_response(
            503,
            "store_unavailable",
            "服务暂时繁忙(状态存储不可用),请稍后重试",
            {"Retry-After": "5"},
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        fields = sorted({".".join(str(p) for p in e["loc"][1:]) or "body" for e in error.errors()})
        return error_response(422, "invalid_request", "请求内容不符合要求:" + "、".join(fields))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> JSONResponse:
        # 400 is FastAPI failing to read a body it was told is JSON (not UTF-8, nested too deep).
        messages = {
            400: "请求体无法解析,应为 UTF-8 编码的 JSON",
            404: "没有这个地址",
            405: "不支持该请求方法",
        }
        message = messages.get(error.status_code, str(error.detail))
        codes = {400: "invalid_body", 413: "body_too_large"}
        code = codes.get(error.status_code, "http_error")
        return error_response(error.status_code, code, message)
