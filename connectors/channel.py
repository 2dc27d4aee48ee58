"""The one Rasa input channel the gateway talks to: the REST channel plus caller metadata.

Registered in credentials.yml as `connectors.channel.GatewayInput`; Rasa serves it at
`POST /webhooks/gateway/webhook` with the body
`{"sender": "...", "message": "...", "metadata": {"channel": "wechat", ...}}`.
"""

from __future__ import annotations

from typing import Any, Dict, Optional

from rasa.core.channels.rest import RestInput
from sanic.request import Request

# Channels the gateway serves; anything else is recorded as the gateway itself.
KNOWN_CHANNELS = frozenset({"wechat", "web", "hotline"})


class GatewayInput(RestInput):
    """REST input whose messages carry the connector's metadata into the tracker."""

    @classmethod
    def name(cls) -> str:
        return "gateway"

    def get_metadata(self, request: Request) -> Optional[Dict[str, Any]]:
        """The body's "metadata" object (channel, caller information), if it is one."""
        body = request.json or {}
        metadata = body.get("metadata")
        # A malformed field must not reach actions that read metadata as a mapping.
        return dict(metadata) if isinstance(metadata, dict) else None

    def _extract_input_channel(self, req: Request) -> str:
        # The tracker then records "wechat" / "web" / "hotline", which is what trainers filter on.
        metadata = self.get_metadata(req) or {}
        channel = metadata.get("channel")
        return channel if channel in KNOWN_CHANNELS else self.name()
