"""Gateway fixtures (see fixtures.py); tests/connectors imports the same ones."""

from .fixtures import gateway, wechat_platform

__all__ = ["gateway", "wechat_platform"]
