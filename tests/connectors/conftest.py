"""The gateway fixtures of tests/gateway, for the connector tests that go through it."""

from tests.gateway.fixtures import gateway, wechat_platform

__all__ = ["gateway", "wechat_platform"]
