"""Serving the staff pages: the login page for a visitor, 403 for a person without the role."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from .auth import current_person
from .errors import GatewayError
from .paths import PAGES_DIR

MEDIA_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8"}


async def staff_page(request: Request, role: str, name: str) -> Response:
    """`pages/<name>` for a person who may act as `role` ("staff": anyone logged in)."""
    person = await current_person(request)
    if person is None:
        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
    if role != "staff" and not person.may(role):
        raise GatewayError(403, "forbidden", "您的账号没有访问此页面的权限")
    path = PAGES_DIR / name
    # Staff pages are per person: no shared cache may keep one.
    headers = {"Cache-Control": "no-store"}
    return FileResponse(path, media_type=MEDIA_TYPES[path.suffix], headers=headers)
