"""The one Rasa input channel the gateway talks to: the REST channel plus caller metadata.

Registered in credentials.yml as `connectors.channel.GatewayInput`; Rasa serves it at
`POST /webhooks/gateway/webhook` with the body
`{"sender": "...", "message": "...", "message_id": "...", "metadata": {"channel": "wechat", ...}}`.
"""

from __future__ import annotations

import logging
import re
from asyncio import CancelledError
from typing import Any, Awaitable, Callable, Dict, Optional

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

# Channels the gateway serves; anything else is recorded as the gateway itself.
KNOWN_CHANNELS = frozenset({"wechat", "web", "hotline"})
MESSAGE_ID = re.compile(r"[0-9A-Za-z_-]{1,64}")


def message_id_of(body: Dict[str, Any]) -> Optional[str]:
    """The gateway's id of this message, if the body carries a well-formed one."""
    value = body.get("message_id")
    return value if isinstance(value, str) and MESSAGE_ID.fullmatch(value) else None


class GatewayInput(RestInput):
    """REST input whose messages carry the connector's metadata and message id into the tracker.

    The message id is the gateway's, so a turn the gateway resends to another replica after the
    first one died is recorded under the id the gateway looks for before resending it.
    """

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

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """The REST channel's two routes, without streaming, and logging no message text."""
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            body = request.json or {}
            collector = CollectingOutputChannel()
            message = UserMessage(
                self._extract_message(request),
                collector,
                await self._extract_sender(request),
                input_channel=self._extract_input_channel(request),
                message_id=message_id_of(body),
                metadata=self.get_metadata(request),
            )
            try:
                await on_new_message(message)
            except CancelledError:
                logger.error("gateway_channel.turn_cancelled message_id=%s", message.message_id)
            except Exception as error:
                # Rasa's own channel logs the user's words here; the type is enough to look for.
                logger.error(
                    "gateway_channel.turn_failed message_id=%s error=%s",
                    message.message_id,
                    type(error).__name__,
                )
            return response.json(collector.messages)

        return webhook
