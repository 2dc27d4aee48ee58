"""`GET /healthz`: each dependency's state; 200 only when every required one is up.
`GET /livez`: 200 while the process serves."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, Tuple

import httpx
from fastapi import APIRouter
from fastapi.responses import JSONResponse

from core.clock import now_cn
from core.workcalendar import default_calendar, schedule_warning

from ..deps import ResourcesDep
from ..resources import Resources

router = APIRouter(tags=["health"])

PROBE_TIMEOUT = 2.0


async def _http_ok(resources: Resources, url: str) -> Tuple[bool, str]:
    try:
        response = await resources.http.get(url, timeout=PROBE_TIMEOUT)
    except httpx.HTTPError as error:
        return False, type(error).__name__
    return response.status_code == 200, f"HTTP {response.status_code}"


async def _rasa(resources: Resources) -> Tuple[bool, str]:
    replicas = await resources.rasa.status()
    up = sum(replicas.values())
    # One replica answering is enough: the client routes around the others.
    return up > 0, f"{up}/{len(replicas)} replicas with a loaded model"


async def _action_servers(resources: Resources) -> Tuple[bool, str]:
    urls = resources.settings.action_health_urls()
    results = await asyncio.gather(*(_http_ok(resources, url) for url in urls))
    up = sum(ok for ok, _ in results)
    # Unlike Rasa, every action server is required: each Rasa replica calls its own one, so
    # one down means that replica's users get no answers from their actions.
    if len(urls) == 1:
        return results[0]
    return up == len(urls), f"{up}/{len(urls)} up"


async def _redis(resources: Resources) -> Tuple[bool, str]:
    if resources.redis is None:
        return True, "not configured"
    try:
        await asyncio.wait_for(resources.redis.ping(), PROBE_TIMEOUT)
    except Exception as error:
        return False, type(error).__name__
    return True, "PONG"


async def _holiday_calendar() -> Tuple[bool, str]:
    # Bookings of a year without its schedule still work (statutory days only), so this warns
    # ahead of time without failing the check.
    warning = schedule_warning(now_cn().date())
    if warning:
        return False, warning
    return True, f"schedules published through {default_calendar().published_years()[-1]}"


@router.get("/livez", summary="进程存活检查")
async def livez() -> Dict[str, str]:
    """Whether the process serves at all: the liveness probe, which must not restart the
    gateway when Rasa is down (that is /healthz)."""
    return {"status": "ok"}


@router.get("/healthz", summary="依赖健康检查")
async def healthz(resources: ResourcesDep) -> JSONResponse:
    settings = resources.settings
    # The service API only backs bookings and case look-ups: without it the assistant still
    # answers, so it is reported but does not fail the check.
    checks: Dict[str, Tuple[bool, Any]] = {
        "rasa": (True, _rasa(resources)),
        "action_server": (True, _action_servers(resources)),
        "service_api": (False, _http_ok(resources, f"{settings.service_api_url}/healthz")),
        "redis": (bool(settings.redis_url), _redis(resources)),
        "holiday_calendar": (False, _holiday_calendar()),
    }
    results = await asyncio.gather(*(probe for _, probe in checks.values()))
    dependencies = {
        name: {"ok": ok, "required": required, "detail": detail}
        for (name, (required, _)), (ok, detail) in zip(checks.items(), results, strict=True)
    }
    healthy = all(d["ok"] for d in dependencies.values() if d["required"])
    return JSONResponse(
        {"status": "ok" if healthy else "unavailable", "dependencies": dependencies},
        status_code=200 if healthy else 503,
    )
