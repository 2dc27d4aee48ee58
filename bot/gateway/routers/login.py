"""Staff login: the page at `/login`, `POST /api/login`, `POST /api/logout`, `GET /api/me`."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from pydantic import BaseModel, Field

from ..accounts import ROLES
from ..auth import HOME_PAGES, SESSION_COOKIE, Person, check_origin
from ..clients import client_address
from ..deps import ResourcesDep, StaffDep
from ..errors import GatewayError
from ..paths import STATIC_DIR
from ..staff_pages import staff_page

logger = logging.getLogger(__name__)
router = APIRouter(tags=["staff login"])


class LoginBody(BaseModel):
    name: str = Field(..., min_length=1, max_length=64)
    password: str = Field(..., min_length=1, max_length=256)


def _me(person: Person) -> Dict[str, Any]:
    return {
        "name": person.name,
        "role": person.role,
        "role_label": ROLES[person.role],
        "csrf_token": person.csrf_token,
        "home": HOME_PAGES[person.role],
        "via": person.via,
    }


@router.get("/login", include_in_schema=False)
async def login_page() -> FileResponse:
    return FileResponse(STATIC_DIR / "login.html", media_type="text/html; charset=utf-8")


@router.post("/api/login", summary="坐席、训练员、管理员登录")
async def login(body: LoginBody, request: Request, resources: ResourcesDep) -> JSONResponse:
    # A page elsewhere must not log the browser into an account of its choosing.
    check_origin(request)
    address = client_address(request, resources.trusted_proxies)
    verdict = await resources.login_limiter.check(user=f"login:{body.name}", ip=address)
    if not verdict.allowed:
        raise GatewayError(429, "too_many_logins", "登录尝试过于频繁,请几分钟后再试")
    account = await asyncio.to_thread(resources.accounts.authenticate, body.name, body.password)
    if account is None:
        logger.warning("gateway.login_failed name=%s", body.name[:64])
        raise GatewayError(401, "bad_credentials", "用户名或密码错误")
    token = await resources.staff_sessions.create(account.name)
    person = Person(
        account.name, account.role, resources.staff_sessions.csrf_token(token), "password"
    )
    logger.info("gateway.login name=%s role=%s", account.name, account.role)
    response = JSONResponse(_me(person))
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=resources.settings.staff_session_ttl,
        httponly=True,
        secure=resources.settings.secure_cookies,
        samesite="lax",
    )
    return response


@router.get("/api/me", summary="当前登录的人")
async def me(person: StaffDep) -> Dict[str, Any]:
    return _me(person)


@router.post("/api/logout", summary="退出登录")
async def logout(request: Request, resources: ResourcesDep, person: StaffDep) -> JSONResponse:
    await resources.staff_sessions.end(request.cookies.get(SESSION_COOKIE, ""))
    logger.info("gateway.logout name=%s", person.name)
    response = JSONResponse({"logged_out": True})
    response.delete_cookie(
        SESSION_COOKIE, httponly=True, secure=resources.settings.secure_cookies, samesite="lax"
    )
    return response


@router.get("/staff.js", include_in_schema=False)
async def staff_script(request: Request) -> Response:
    return await staff_page(request, "staff", "staff.js")
