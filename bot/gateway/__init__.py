"""The gateway: one FastAPI app in front of Rasa for WeChat, the 12345 hotline and the web pages."""

from .app import create_app

__all__ = ["create_app"]
