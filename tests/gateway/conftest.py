"""Gateway fixtures (see fixtures.py and desk.py); tests/connectors imports the same ones."""

from .desk import desk, fake_rasa
from .fixtures import gateway, wechat_platform

__all__ = ["desk", "fake_rasa", "gateway", "wechat_platform"]
