"""The gateway: one FastAPI app in front of Rasa for WeChat, the 12345 hotline and the web pages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    # Imported on first use, so `python -m bot.gateway.accounts` starts without the whole app.
    if name == "create_app":
        from .app import create_app

        return create_app
    raise AttributeError(name)
