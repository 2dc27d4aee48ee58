"""Who is asking: a staff session cookie or the hotline proxy's SSO header; roles and CSRF.

Roles: an agent reaches the desk, a trainer the trainer page, an admin everything plus the
accounts. Every state-changing request of a logged-in page must carry the CSRF token
(`X-CSRF-Token`, from the login or `/api/me`) and, when the browser sends one, an Origin of
this very host; a page on another site can make the browser send the cookie but can neither
read the token nor forge the Origin.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from dataclasses import dataclass
from typing import Awaitable, Callable, Optional
from urllib.parse import urlsplit

from fastapi import Request

from .clients import in_networks, peer_address
from .errors import GatewayError
from .resources import Resources

logger = logging.getLogger(__name__)

SESSION_COOKIE = "banshi_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
HOME_PAGES = {"agent": "/agent", "trainer": "/trainer", "admin": "/agent"}


@dataclass(frozen=True)
class Person:
    name: str
    role: str
    csrf_token: str
    via: str  # "password" or "sso"

    def may(self, role: str) -> bool:
        return self.role in (role, "admin")


def _resources(request: Request) -> Resources:
    resources: Resources = request.app.state.resources
    return resources


async def current_person(request: Request) -> Optional[Person]:
    """The logged-in person, or None."""
    resources = _resources(request)
    header = resources.settings.sso_header
    named = request.headers.get(header, "").strip() if header else ""
    if named:
        if in_networks(peer_address(request), resources.sso_proxies):
            # The proxy vouches for the person; the role is still ours to give.
            account = await asyncio.to_thread(resources.accounts.get, named)
            if account is None or not account.active:
                logger.warning("gateway.sso_refused name=%s", named)
                return None
            csrf = resources.staff_sessions.csrf_token("sso:" + account.name)
            return Person(account.name, account.role, csrf, "sso")
        logger.warning("gateway.sso_header_untrusted peer=%s", peer_address(request))
    token = request.cookies.get(SESSION_COOKIE, "")
    name = await resources.staff_sessions.name_for(token)
    if not name:
        return None
    account = await asyncio.to_thread(resources.accounts.get, name)
    if account is None or not account.active:
        return None
    return Person(
        account.name, account.role, resources.staff_sessions.csrf_token(token), "password"
    )


def check_origin(request: Request) -> None:
    """403 when the browser says the request comes from a page of another site."""
    origin = request.headers.get("origin")
    if origin is None:
        return
    host = request.headers.get("host", "")
    if urlsplit(origin).netloc.lower() != host.lower():
        logger.warning("gateway.cross_origin_refused origin=%s", origin[:100])
        raise GatewayError(403, "csrf_failed", "请求来源不符,请刷新页面后重试")


def check_csrf(request: Request, person: Person) -> None:
    check_origin(request)
    sent = request.headers.get(CSRF_HEADER, "")
    if not hmac.compare_digest(sent.encode(), person.csrf_token.encode()):
        raise GatewayError(403, "csrf_failed", "页面已过期或请求来源不符,请刷新页面后重试")


def require(role: str) -> Callable[[Request], Awaitable[Person]]:
    """A dependency admitting `role` and admins (any logged-in person for "staff")."""

    async def dependency(request: Request) -> Person:
        person = await current_person(request)
        if person is None:
            raise GatewayError(401, "login_required", "请先登录")
        if role != "staff" and not person.may(role):
            raise GatewayError(403, "forbidden", "您的账号没有访问此功能的权限")
        if request.method not in SAFE_METHODS:
            check_csrf(request, person)
        return person

    return dependency
