"""The OpenAPI page and schema, for logged-in staff only: they list every endpoint."""

from __future__ import annotations

from typing import Any, Dict

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, Response

from ..auth import current_person
from ..deps import StaffDep

router = APIRouter(include_in_schema=False)


@router.get("/docs")
async def docs(request: Request) -> Response:
    if await current_person(request) is None:
        return Response(status_code=303, headers={"Location": "/login?next=/docs"})
    html: HTMLResponse = get_swagger_ui_html(openapi_url="/openapi.json", title=request.app.title)
    return html


@router.get("/openapi.json")
async def openapi(request: Request, person: StaffDep) -> Dict[str, Any]:
    schema: Dict[str, Any] = request.app.openapi()
    return schema
