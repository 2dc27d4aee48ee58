"""The one error shape, `{"error": code, "message": Chinese text}`, and its handlers."""

from __future__ import annotations

import logging
from typing import Any, Optional

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from .validation import FieldRuleError

logger = logging.getLogger(__name__)

# Chinese names of the fields a caller can get wrong, for messages such as "缺少必填参数：手机号".
FIELD_LABELS: dict[str, str] = {
    "hall_id": "大厅编号",
    "service": "办理事项",
    "start": "预约时间",
    "name": "姓名",
    "phone": "手机号",
    "id_number": "身份证号",
    "city": "城市",
    "date": "日期",
    "date_from": "开始日期",
    "date_to": "结束日期",
    "enterprise_name": "企业名称",
    "uscc": "统一社会信用代码",
    "contact_name": "联系人",
    "contact_phone": "联系电话",
    "topics": "体检事项",
}


class ErrorDetail(BaseModel):
    """One failed field."""

    field: Optional[str] = None
    error: str
    message: str


class ErrorBody(BaseModel):
    """Every non-2xx response body."""

    error: str
    message: str
    details: Optional[list[ErrorDetail]] = None


class ApiError(Exception):
    """An error the caller can act on; raised anywhere, rendered by `install_error_handlers`."""

    def __init__(self, status_code: int, error: str, message: str) -> None:
        super().__init__(f"{error}: {message}")
        self.status_code = status_code
        self.error = error
        self.message = message


def error_response(status_code: int, body: ErrorBody) -> JSONResponse:
    """Render `body` without the `details` key when there are none."""
    return JSONResponse(body.model_dump(exclude_none=True), status_code=status_code)


def describe_validation_error(err: dict[str, Any]) -> ErrorDetail:
    """Turn one pydantic error into a field name, an error code and a Chinese message."""
    names = [part for part in err.get("loc", ()) if isinstance(part, str)]
    field = names[-1] if names and names[-1] not in ("body", "query", "path", "header") else None
    label = FIELD_LABELS.get(field or "", field or "请求")
    kind: str = err.get("type", "")
    ctx: dict[str, Any] = err.get("ctx") or {}
    rule = ctx.get("error")
    if kind == "value_error" and isinstance(rule, FieldRuleError):
        return ErrorDetail(field=field, error=rule.error, message=rule.message)
    if kind == "missing":
        return ErrorDetail(
            field=field, error="missing_field", message=f"缺少必填参数：{label}（{field}）"
        )
    if kind == "json_invalid":
        return ErrorDetail(error="invalid_json", message="请求体不是有效的 JSON")
    if kind in ("model_attributes_type", "dict_type") and field is None:
        return ErrorDetail(error="invalid_body", message="请求体应为 JSON 对象")
    if kind.startswith("datetime"):
        message = f"{label}不是有效的时间，请使用 ISO 8601 格式，例如 2026-10-10T09:00:00+08:00"
        return ErrorDetail(field=field, error="invalid_datetime", message=message)
    if kind.startswith("date"):
        message = f"{label}不是有效的日期，请使用 YYYY-MM-DD 格式，例如 2026-10-10"
        return ErrorDetail(field=field, error="invalid_date", message=message)
    if kind == "list_type":
        return ErrorDetail(field=field, error="invalid_field", message=f"{label}应为列表")
    return ErrorDetail(field=field, error="invalid_field", message=f"{label}格式不正确")


async def _on_api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    logger.info("service_api.rejected status=%s error=%s", exc.status_code, exc.error)
    return error_response(exc.status_code, ErrorBody(error=exc.error, message=exc.message))


async def _on_rule_error(request: Request, exc: Exception) -> JSONResponse:
    # Raised by a query parameter check in a route (inside a request body pydantic catches it).
    assert isinstance(exc, FieldRuleError)
    body = ErrorBody(error=exc.error, message=exc.message)
    logger.info("service_api.rejected status=422 error=%s", body.error)
    return error_response(422, body)


async def _on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    details = [describe_validation_error(err) for err in exc.errors()]
    codes = {d.error for d in details}
    error = codes.pop() if len(codes) == 1 else "validation_error"
    message = "；".join(dict.fromkeys(d.message for d in details))
    # Log codes and field names only: the rejected values may be phone or ID numbers.
    logger.info(
        "service_api.rejected status=422 error=%s fields=%s",
        error,
        ",".join(d.field or "-" for d in details),
    )
    return error_response(422, ErrorBody(error=error, message=message, details=details))


async def _on_http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    known = {
        404: ("not_found", "请求的接口不存在"),
        405: ("method_not_allowed", "该接口不支持此请求方法"),
    }
    error, message = known.get(exc.status_code, ("http_error", "请求无法处理"))
    return error_response(exc.status_code, ErrorBody(error=error, message=message))


async def _on_unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    route = getattr(request.scope.get("route"), "path", "-")
    logger.exception("service_api.internal_error route=%s", route)
    body = ErrorBody(error="internal_error", message="服务暂时不可用，请稍后再试")
    return error_response(500, body)


def install_error_handlers(app: FastAPI) -> None:
    """Make every error, including FastAPI's own 404/405/422, answer in the one JSON shape."""
    app.add_exception_handler(ApiError, _on_api_error)
    app.add_exception_handler(FieldRuleError, _on_rule_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(Exception, _on_unexpected_error)


# Documented on every route so the OpenAPI contract shows the error shape.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "缺少或错误的 X-API-Key"},
    422: {"model": ErrorBody, "description": "参数不合法（message 说明原因）"},
}
