"""The gateway's side of Rasa: one conversation turn, NLU parse, health, replica routing.

Every connector hands messages over here; none of them talks to Rasa directly. Conversations
are routed to a replica by sender_id (rendezvous hashing) so that one conversation's turns are
always processed by the same Rasa process; Rasa's lock store is the safety net behind that.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence

import httpx

logger = logging.getLogger(__name__)

CHANNEL_PATH = "/webhooks/gateway/webhook"


class RasaUnavailable(Exception):
    """No replica could process the request; the connector answers with an apology."""


@dataclass
class BotMessage:
    """One reply of the assistant, before a connector renders it for its channel."""

    text: str = ""
    buttons: List[Dict[str, str]] = field(default_factory=list)
    image: str = ""
    custom: Dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_rasa(cls, data: Dict[str, Any]) -> BotMessage:
        buttons = [
            {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
            for b in data.get("buttons") or []
            if isinstance(b, dict) and b.get("title")
        ]
        custom = data.get("custom")
        return cls(
            text=str(data.get("text") or ""),
            buttons=buttons,
            image=str(data.get("image") or ""),
            custom=custom if isinstance(custom, dict) else {},
        )


def handoff_requested(messages: Sequence[BotMessage]) -> bool:
    """Whether the turn asked for a human (actions send the custom payload {"handoff": true})."""
    return any(m.custom.get("handoff") is True for m in messages)


def rank_replicas(urls: Sequence[str], sender_id: str) -> List[str]:
    """Replicas in preference order for `sender_id`; stable while the replica set is stable."""

    def weight(url: str) -> bytes:
        return hashlib.sha256(f"{url}|{sender_id}".encode()).digest()

    return sorted(urls, key=weight, reverse=True)


class RasaClient:
    """Rasa's HTTP API over the gateway's shared httpx client."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        urls: Sequence[str],
        token: str,
        turn_timeout: float,
        parse_timeout: float,
    ) -> None:
        if not urls:
            raise ValueError("at least one Rasa URL is required")
        self.http = http
        self.urls = list(urls)
        self.token = token
        self.turn_timeout = turn_timeout
        self.parse_timeout = parse_timeout

    async def send(
        self, sender_id: str, text: str, metadata: Optional[Dict[str, Any]] = None
    ) -> List[BotMessage]:
        """One user message, one conversation turn; the assistant's replies."""
        body = {"sender": sender_id, "message": text, "metadata": metadata or {}}
        for url in rank_replicas(self.urls, sender_id):
            try:
                response = await self.http.post(
                    url + CHANNEL_PATH, json=body, timeout=self._timeout(self.turn_timeout)
                )
            except httpx.ConnectError:
                # Nothing reached this replica, so the turn cannot have happened: try the next.
                logger.warning("gateway.rasa_replica_down url=%s", url)
                continue
            except httpx.HTTPError as error:
                # A read timeout may mean the turn is still running there; resending it to
                # another replica would process the same message twice.
                raise RasaUnavailable(f"{type(error).__name__} from {url}") from error
            if response.status_code != 200:
                raise RasaUnavailable(f"HTTP {response.status_code} from {url}")
            return [BotMessage.from_rasa(m) for m in response.json() if isinstance(m, dict)]
        raise RasaUnavailable("no Rasa replica reachable")

    async def parse(self, text: str, key: str = "") -> Dict[str, Any]:
        """NLU only (intent ranking and entities), no conversation state touched."""
        for url in rank_replicas(self.urls, key or text):
            try:
                response = await self.http.post(
                    url + "/model/parse",
                    params={"token": self.token},
                    json={"text": text},
                    timeout=self._timeout(self.parse_timeout),
                )
            except httpx.ConnectError:
                logger.warning("gateway.rasa_replica_down url=%s", url)
                continue
            except httpx.HTTPError as error:
                raise RasaUnavailable(f"{type(error).__name__} from {url}") from error
            if response.status_code != 200:
                raise RasaUnavailable(f"HTTP {response.status_code} from {url}")
            result: Dict[str, Any] = response.json()
            return result
        raise RasaUnavailable("no Rasa replica reachable")

    async def status(self) -> Dict[str, bool]:
        """Per replica: whether it answers with a loaded model."""
        result: Dict[str, bool] = {}
        for url in self.urls:
            try:
                response = await self.http.get(
                    url + "/status", params={"token": self.token}, timeout=self._timeout(2.0)
                )
                result[url] = response.status_code == 200 and bool(
                    response.json().get("model_file")
                )
            except (httpx.HTTPError, ValueError):
                result[url] = False
        return result

    def _timeout(self, read: float) -> httpx.Timeout:
        connect = self.http.timeout.connect
        return httpx.Timeout(read, connect=connect if connect is not None else 2.0)
