"""`python -m bot.gateway`: serve the gateway on HOST:GATEWAY_PORT."""

from __future__ import annotations

import logging

import uvicorn

from bot.settings import get_settings
from core.masking import install_log_masking

from .app import create_app


def main() -> None:
    settings = get_settings()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    install_log_masking()
    # httpx logs full URLs at INFO, and WeChat's token URL carries the app secret.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # uvicorn's access log prints query strings (WeChat puts the OpenID there); the app logs
    # one line per request with the route template instead. Proxy headers are off whatever
    # FORWARDED_ALLOW_IPS says: the app reads X-Forwarded-For itself, from TRUSTED_PROXIES only
    # (bot/gateway/clients.py), so a client cannot pick the address the limits count.
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.gateway_port,
        access_log=False,
        log_level="info",
        proxy_headers=False,
    )


if __name__ == "__main__":
    main()
