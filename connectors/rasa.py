"""The gateway's side of Rasa: one conversation turn, NLU parse, health, replica routing.

Every connector hands messages over here; none of them talks to Rasa directly. Conversations
are routed to a replica by sender_id (consistent hashing, connectors/routing.py) so that one
conversation's turns are always processed by the same Rasa process; Rasa's lock store is the
safety net behind that. A replica that refuses connections or answers 5xx is skipped for
`down_seconds` and its conversations go to the next replica on the ring.

A turn is processed once even when its replica dies during it: every turn carries a message
id, and before a turn that may have reached a failed replica is sent to the next one, that
replica is asked for the conversation's tracker. If the message is recorded there, the turn
ran to its end (Rasa saves the tracker once, after the turn's last action) and its recorded
replies are the answer; only if it is not is the turn sent again, with the same id.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Dict, List, Optional, Sequence
from urllib.parse import quote

import httpx

from connectors.routing import HashRing, ReplicaHealth

logger = logging.getLogger(__name__)

CHANNEL_PATH = "/webhooks/gateway/webhook"


# Shown when a turn produced nothing to show, which is what Rasa returns when the action
# server is unreachable (it logs the failed action and predicts action_listen).
NO_REPLY_TEXT = (
    "抱歉,这个问题我暂时没能处理好。请换个说法再试一次,急事可拨打12345政务服务便民热线。"
)


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


def replies_recorded(events: Sequence[Dict[str, Any]], message_id: str) -> Optional[List[Any]]:
    """The replies a tracker's events hold for the user message `message_id`, in Rasa's REST
    format; None when no user event carries that id (the message was never recorded)."""
    found = [
        i
        for i, event in enumerate(events)
        if event.get("event") == "user" and event.get("message_id") == message_id
    ]
    if not found:
        return None
    replies: List[Any] = []
    # After its last copy: a two-stage fallback replays the message under the same id.
    for event in events[found[-1] + 1 :]:
        if event.get("event") == "user" and event.get("message_id") != message_id:
            break
        if event.get("event") == "bot":
            data = event.get("data")
            replies.append({**(data if isinstance(data, dict) else {}), "text": event.get("text")})
    return replies


# Given a replica's URL: the replies recorded there for the turn, or None if it is not recorded.
RecordedCheck = Callable[[str], Awaitable[Optional[List[Any]]]]


def handoff_requested(messages: Sequence[BotMessage]) -> bool:
    """Whether the turn asked for a human (actions send the custom payload {"handoff": true})."""
    return any(m.custom.get("handoff") is True for m in messages)


class RasaClient:
    """Rasa's HTTP API over the gateway's shared httpx client."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        urls: Sequence[str],
        token: str,
        turn_timeout: float,
        parse_timeout: float,
        down_seconds: float = 10.0,
        resend_delay: float = 0.0,
    ) -> None:
        if not urls:
            raise ValueError("at least one Rasa URL is required")
        self.http = http
        self.urls = list(urls)
        self.ring = HashRing(self.urls)
        self.health = ReplicaHealth(down_seconds)
        self.token = token
        self.turn_timeout = turn_timeout
        self.parse_timeout = parse_timeout
        self.resend_delay = resend_delay

    def replicas_for(self, key: str) -> List[str]:
        """Replicas in the order a request for `key` tries them (ring order, down ones last)."""
        return self.health.order(self.ring.preference(key))

    async def send(
        self,
        sender_id: str,
        text: str,
        metadata: Optional[Dict[str, Any]] = None,
        message_id: Optional[str] = None,
    ) -> List[BotMessage]:
        """One user message, one conversation turn; the assistant's replies.

        `message_id` (a new one when not given) is recorded with the user event, so a resent
        turn is recognised."""
        message_id = message_id or uuid.uuid4().hex
        body = {
            "sender": sender_id,
            "message": text,
            "message_id": message_id,
            "metadata": metadata or {},
        }

        async def recorded(url: str) -> Optional[List[Any]]:
            return await self._recorded_replies(url, sender_id, message_id)

        data = await self._post(sender_id, CHANNEL_PATH, body, {}, self.turn_timeout, recorded)
        if not isinstance(data, list):
            raise RasaUnavailable("unexpected reply body from Rasa")
        return [BotMessage.from_rasa(m) for m in data if isinstance(m, dict)]

    async def parse(self, text: str, key: str = "") -> Dict[str, Any]:
        """NLU only (intent ranking and entities), no conversation state touched."""
        params = {"token": self.token}
        data = await self._post(
            key or text, "/model/parse", {"text": text}, params, self.parse_timeout
        )
        if not isinstance(data, dict):
            raise RasaUnavailable("unexpected parse body from Rasa")
        return data

    async def _post(
        self,
        key: str,
        path: str,
        body: Dict[str, Any],
        params: Dict[str, str],
        read: float,
        recorded: Optional[RecordedCheck] = None,
    ) -> Any:
        """POST to the replica that owns `key`, failing over along the ring.

        With `recorded` (a conversation turn), a request that may have run on a failed replica
        is resent only after `recorded` found it missing from the tracker."""
        last = "no Rasa replica reachable"
        may_have_run = False
        for url in self.replicas_for(key):
            if may_have_run and recorded is not None:
                try:
                    earlier = await recorded(url)
                except RasaUnavailable as error:
                    # Without the tracker there is no telling whether the turn ran; resending
                    # it blind could book twice, so this replica is passed over too.
                    self._mark_down(url, "tracker_unreadable")
                    last = str(error)
                    continue
                if earlier is not None:
                    logger.info("gateway.rasa_turn_was_recorded url=%s", url)
                    return earlier
                logger.info("gateway.rasa_turn_resent url=%s", url)
                # The dead replica may have left the conversation's lock, a Rasa ticket that
                # expires after RASA_LOCK_LIFETIME. A waiting ticket expires as well, and
                # Rasa notices the dead one's expiry only at its next poll (every second,
                # later on a busy replica): a resend issued right after the dead ticket would
                # expire with it and then wait forever. A few seconds' head start avoids that
                # and costs nothing when the lock is there, since the resend waits for it anyway.
                await asyncio.sleep(self.resend_delay)
            try:
                response = await self.http.post(
                    url + path, json=body, params=params, timeout=self._timeout(read)
                )
            except (httpx.ConnectError, httpx.ConnectTimeout) as error:
                # Refused: the request never reached the replica.
                self._mark_down(url, type(error).__name__)
                last = f"{type(error).__name__} from {url}"
                continue
            except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as error:
                # The connection dropped without an answer: the process died (maybe in the
                # middle of the turn, maybe after saving it), or a pooled keep-alive connection
                # to it was stale. Nothing runs the turn there any more.
                self._mark_down(url, type(error).__name__)
                may_have_run = True
                last = f"{type(error).__name__} from {url}"
                continue
            except httpx.HTTPError as error:
                # A read timeout may mean the turn is still running there; resending it to
                # another replica would process the same message twice.
                raise RasaUnavailable(f"{type(error).__name__} from {url}") from error
            if response.status_code >= 500:
                # The replica failed (no model loaded, tracker store unreachable, a crash in
                # the turn) and may or may not have saved the turn before failing.
                self._mark_down(url, f"http_{response.status_code}")
                may_have_run = True
                last = f"HTTP {response.status_code} from {url}"
                continue
            if response.status_code != 200:
                raise RasaUnavailable(f"HTTP {response.status_code} from {url}")
            self.health.mark_up(url)
            try:
                return response.json()
            except ValueError as error:
                raise RasaUnavailable(f"invalid JSON from {url}") from error
        raise RasaUnavailable(last)

    async def tracker(self, sender_id: str, include: str = "APPLIED") -> Dict[str, Any]:
        """The conversation's tracker (slots and events), from the replica that holds it."""
        return await self._tracker(self.replicas_for(sender_id)[0], sender_id, include)

    async def _tracker(self, url: str, sender_id: str, include: str) -> Dict[str, Any]:
        try:
            response = await self.http.get(
                f"{url}/conversations/{quote(sender_id, safe=':')}/tracker",
                params={"token": self.token, "include_events": include},
                timeout=self._timeout(self.parse_timeout),
            )
        except httpx.HTTPError as error:
            raise RasaUnavailable(f"{type(error).__name__} reading the tracker") from error
        if response.status_code != 200:
            raise RasaUnavailable(f"HTTP {response.status_code} reading the tracker")
        try:
            data = response.json()
        except ValueError as error:
            raise RasaUnavailable("invalid tracker JSON") from error
        if not isinstance(data, dict):
            raise RasaUnavailable("invalid tracker JSON")
        return data

    async def _recorded_replies(
        self, url: str, sender_id: str, message_id: str
    ) -> Optional[List[Any]]:
        """The replies the tracker (read through `url`) holds for `message_id`, else None."""
        events = (await self._tracker(url, sender_id, "ALL")).get("events") or []
        return replies_recorded([e for e in events if isinstance(e, dict)], message_id)

    def _mark_down(self, url: str, reason: str) -> None:
        logger.warning("gateway.rasa_replica_down url=%s reason=%s", url, reason)
        self.health.mark_down(url)

    async def status(self) -> Dict[str, bool]:
        """Per replica: whether it answers with a loaded model."""
        return {url: bool(model) for url, model in (await self.served_models()).items()}

    async def served_models(self) -> Dict[str, str]:
        """Per replica: the model file it serves, "" when it is down or serves none."""
        served: Dict[str, str] = {}
        for url in self.urls:
            try:
                response = await self.http.get(
                    url + "/status", params={"token": self.token}, timeout=self._timeout(2.0)
                )
                ok = response.status_code == 200
                served[url] = str(response.json().get("model_file") or "") if ok else ""
            except (httpx.HTTPError, ValueError, AttributeError):
                served[url] = ""
        return served

    async def load_model(self, model_file: str, read: float = 600.0) -> Dict[str, str]:
        """Load `model_file` into every replica (`PUT /model`); per replica "" when it did,
        else why not. Each replica answers with its old model until the new one is loaded."""
        problems: Dict[str, str] = {}
        for url in self.urls:
            try:
                response = await self.http.put(
                    url + "/model",
                    json={"model_file": model_file},
                    params={"token": self.token},
                    timeout=self._timeout(read),
                )
            except httpx.HTTPError as error:
                problems[url] = type(error).__name__
                continue
            if response.status_code == 204:
                problems[url] = ""
                continue
            try:
                problems[url] = str(response.json().get("message") or response.status_code)
            except (ValueError, AttributeError):
                problems[url] = f"HTTP {response.status_code}"
            logger.warning("gateway.model_load_failed url=%s status=%s", url, response.status_code)
        return problems

    def _timeout(self, read: float) -> httpx.Timeout:
        connect = self.http.timeout.connect
        return httpx.Timeout(read, connect=connect if connect is not None else 2.0)
