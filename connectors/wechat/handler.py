"""One WeChat message → one Rasa turn → a passive reply or customer-service messages.

WeChat waits 5 s for a reply and then retries the same message, up to three times. So:
- every message is claimed once by its MsgId (FromUserName + CreateTime for events) in the
  shared store; a retry never starts a second turn, it waits for or reuses the first one;
- the first request waits at most `budget` seconds: if Rasa answered, the reply goes back
  passively; if not, the request answers "success" and the reply follows through the
  customer-service API when the turn finishes.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import secrets
from dataclasses import dataclass
from typing import Any, Callable, Coroutine, Dict, List, Optional, Set

from wechatpy.events import ClickEvent, SubscribeEvent, SubscribeScanEvent
from wechatpy.messages import (
    BaseMessage,
    ImageMessage,
    LinkMessage,
    LocationMessage,
    TextMessage,
    VoiceMessage,
)

from connectors.rasa import NO_REPLY_TEXT, RasaClient, RasaUnavailable, handoff_requested
from connectors.store import KeyValueStore, StoreUnavailable

from . import menu
from .api import WeChatApi, failure_summary
from .render import render_messages, split_text

logger = logging.getLogger(__name__)

PENDING = json.dumps({"mode": "pending"})
# Retries of one message arrive within about 15 s; a turn object is kept a little longer.
LOCAL_TURN_SECONDS = 60.0
MENU_TTL = 7 * 24 * 3600


def dedupe_key(message: BaseMessage) -> str:
    """MsgId for messages; events have none, so sender and creation time identify them."""
    if message.id:
        return f"msg:{message.id}"
    return f"event:{message.source}:{message.time}"


def user_tag(openid: str) -> str:
    """A short stable tag for logs, so log lines never carry the OpenID itself."""
    return hashlib.sha256(openid.encode()).hexdigest()[:10]


@dataclass(frozen=True)
class Intake:
    to_rasa: str = ""
    local_reply: str = ""


@dataclass
class Turn:
    task: asyncio.Task[List[str]]
    mode: str = "pending"  # pending → passive | async


class WeChatConnector:
    def __init__(
        self,
        rasa: RasaClient,
        api: Optional[WeChatApi],
        store: KeyValueStore,
        budget: float,
        dedupe_ttl: float,
        on_handoff: Optional[Callable[[str, str], Coroutine[Any, Any, object]]] = None,
    ) -> None:
        self.rasa = rasa
        self.api = api
        self.store = store
        self.budget = budget
        self.dedupe_ttl = dedupe_ttl
        # Called with ("wechat", sender id) when the citizen asked for a person.
        self.on_handoff = on_handoff
        self._handoffs: Set[asyncio.Task[object]] = set()
        self._turns: Dict[str, Turn] = {}
        self._background: Set[asyncio.Task[None]] = set()

    async def answer_in_time(
        self, message: BaseMessage, work: Coroutine[Any, Any, Optional[str]], deadline: float
    ) -> Optional[str]:
        """The reply `work` produces by `deadline` (event-loop time), whatever Redis does.

        WeChat gives up after 5 s. Should the store hang or fail, the user gets a Chinese reply
        in time instead: "resend later" when the message was not taken, "answer follows" when
        the reply is late, and a late reply then goes out through the customer-service API."""
        task = asyncio.create_task(work)
        remaining = max(0.0, deadline - asyncio.get_running_loop().time())
        try:
            return await asyncio.wait_for(asyncio.shield(task), remaining)
        except StoreUnavailable as error:
            logger.error(
                "wechat.store_unavailable user=%s error=%s", user_tag(message.source), error
            )
            return menu.STORE_DOWN_REPLY
        except asyncio.TimeoutError:
            logger.warning("wechat.reply_late user=%s", user_tag(message.source))
            task.add_done_callback(lambda done: self._deliver_late(done, message.source))
            return menu.LATER_REPLY

    def _deliver_late(self, task: asyncio.Task[Optional[str]], openid: str) -> None:
        if task.cancelled():
            return
        error = task.exception()
        if error is not None:
            logger.error(
                "wechat.late_reply_failed user=%s error=%s", user_tag(openid), type(error).__name__
            )
            reply: Optional[str] = menu.STORE_DOWN_REPLY
        else:
            reply = task.result()
        if reply:
            self._spawn(self._deliver(openid, split_text(reply)))

    async def handle(self, message: BaseMessage, deadline: Optional[float] = None) -> Optional[str]:
        """The passive reply text, or None to answer "success" (nothing or sent later).

        The turn is awaited until `deadline` (event-loop time), else for the budget."""
        loop = asyncio.get_running_loop()
        deadline = deadline if deadline is not None else loop.time() + self.budget
        key = dedupe_key(message)
        if not await self.store.add(f"wechat:{key}", PENDING, self.dedupe_ttl):
            logger.info("wechat.duplicate key=%s user=%s", key, user_tag(message.source))
            return await self._duplicate(key)
        turn = Turn(asyncio.create_task(self._answer(message)))
        self._turns[key] = turn
        try:
            parts = await asyncio.wait_for(
                asyncio.shield(turn.task), max(0.0, deadline - loop.time())
            )
        except asyncio.TimeoutError:
            # Out of time: answer "success" now, the reply goes out through the API instead.
            await self._go_async(key, turn, message.source)
            return None
        except asyncio.CancelledError:
            # The request itself was dropped (WeChat hung up, shutdown): the turn carries on
            # and its reply still reaches the user through the API.
            self._mark_async(key, turn, message.source)
            raise
        finally:
            asyncio.get_running_loop().call_later(LOCAL_TURN_SECONDS, self._turns.pop, key, None)
        return await self._reply_passively(key, turn, message.source, parts)

    async def _reply_passively(
        self, key: str, turn: Turn, openid: str, parts: List[str]
    ) -> Optional[str]:
        if not parts:
            turn.mode = "passive"
            await self._record(key, {"mode": "passive", "reply": ""})
            return None
        turn.mode = "passive"
        await self._record(key, {"mode": "passive", "reply": parts[0]})
        if len(parts) > 1:
            # Only 2048 bytes fit in a passive reply; the rest follows as separate messages.
            self._spawn(self._deliver(openid, parts[1:]))
        return parts[0]

    async def _go_async(self, key: str, turn: Turn, openid: str) -> None:
        if self._mark_async(key, turn, openid):
            await self._record(key, {"mode": "async"})

    def _mark_async(self, key: str, turn: Turn, openid: str) -> bool:
        """Switch a pending turn to delivery through the API; False if already decided."""
        if turn.mode != "pending":
            return False
        turn.mode = "async"
        logger.info("wechat.async_reply key=%s user=%s", key, user_tag(openid))

        async def deliver_when_done() -> None:
            parts = await turn.task
            await self._deliver(openid, parts)

        self._spawn(deliver_when_done())
        return True

    async def _duplicate(self, key: str) -> Optional[str]:
        turn = self._turns.get(key)
        if turn is not None:
            if turn.mode == "async":
                return None
            try:
                parts = await asyncio.wait_for(asyncio.shield(turn.task), self.budget)
            except asyncio.TimeoutError:
                return None
            return parts[0] if parts and turn.mode != "async" else None
        # Claimed by another replica (or long ago): follow what the shared store says.
        deadline = asyncio.get_running_loop().time() + self.budget
        while asyncio.get_running_loop().time() < deadline:
            state = json.loads(await self.store.get(f"wechat:{key}") or PENDING)
            if state["mode"] == "passive":
                return str(state.get("reply") or "") or None
            if state["mode"] == "async":
                return None
            await asyncio.sleep(0.1)
        return None

    async def _record(self, key: str, state: Dict[str, str]) -> None:
        # Only retries on other replicas read this; without it they answer "success" instead
        # of the same reply, so a store failure here must not cost the reply itself.
        try:
            await self.store.set(
                f"wechat:{key}", json.dumps(state, ensure_ascii=False), self.dedupe_ttl
            )
        except StoreUnavailable as error:
            logger.warning("wechat.record_failed key=%s error=%s", key, error)

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(coroutine)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _deliver(self, openid: str, parts: List[str]) -> None:
        if self.api is None:
            logger.error(
                "wechat.cs_send_unconfigured parts=%s user=%s", len(parts), user_tag(openid)
            )
            return
        for part in parts:
            try:
                if not await self.api.send_text(openid, part):
                    return
            except Exception as error:
                # No traceback: the httpx error's text has the URL with the secret or token.
                logger.error(
                    "wechat.cs_send_failed user=%s error=%s",
                    user_tag(openid),
                    failure_summary(error),
                )
                return
        logger.info("wechat.cs_sent parts=%s user=%s", len(parts), user_tag(openid))

    async def close(self) -> None:
        """Let replies still on their way be delivered before the process exits."""
        if self._background:
            await asyncio.wait(set(self._background), timeout=10)

    async def _answer(self, message: BaseMessage) -> List[str]:
        """The reply parts for one message; never raises, so every retry sees the same answer."""
        try:
            intake = await self._intake(message)
            if intake.local_reply:
                return split_text(intake.local_reply)
            if not intake.to_rasa:
                return []
            return await self._converse(message.source, intake.to_rasa)
        except Exception:
            logger.exception("wechat.turn_failed user=%s", user_tag(message.source))
            return [menu.RASA_DOWN_REPLY]

    async def _intake(self, message: BaseMessage) -> Intake:
        """What to send to Rasa for this message, or the reply that needs no dialogue."""
        if isinstance(message, TextMessage):
            # A tapped menu link comes back as its title plus the menu id it was rendered with.
            menu_id = str(message._data.get("bizmsgmenuid") or "")
            if menu_id:
                payload = await self.store.get(f"wechat:menu:{message.source}:{menu_id}")
                if payload:
                    return Intake(to_rasa=payload)
            return Intake(to_rasa=str(message.content or ""))
        if isinstance(message, VoiceMessage):
            recognition = str(message.recognition or "").strip()
            if recognition:
                return Intake(to_rasa=recognition)
            return Intake(local_reply=menu.VOICE_UNRECOGNISED)
        if isinstance(message, (SubscribeEvent, SubscribeScanEvent)):
            # The greeting response carries the topic buttons, rendered as a tappable menu.
            return Intake(to_rasa="/greet")
        if isinstance(message, ClickEvent):
            payload = menu.menu_payload(str(message.key or ""))
            return (
                Intake(to_rasa=payload) if payload else Intake(local_reply=menu.UNKNOWN_MENU_REPLY)
            )
        if isinstance(message, ImageMessage):
            return Intake(local_reply=menu.IMAGE_REPLY)
        if isinstance(message, LocationMessage):
            return Intake(local_reply=menu.LOCATION_REPLY)
        if isinstance(message, LinkMessage):
            return Intake(local_reply=menu.LINK_REPLY)
        if message.type == "event":
            return Intake()  # unsubscribe, menu views, template results: nothing to say
        return Intake(local_reply=menu.OTHER_REPLY)

    async def _converse(self, openid: str, text: str) -> List[str]:
        sender_id = f"wechat:{openid}"
        try:
            messages = await self.rasa.send(sender_id, text, {"channel": "wechat"})
        except RasaUnavailable as error:
            logger.error("wechat.rasa_unavailable user=%s error=%s", user_tag(openid), error)
            return [menu.RASA_DOWN_REPLY]
        if handoff_requested(messages):
            logger.info("wechat.handoff user=%s", user_tag(openid))
            if self.on_handoff is not None:
                # Off the reply's clock: the passive reply has seconds, the desk can wait.
                task: asyncio.Task[object] = asyncio.create_task(
                    self.on_handoff("wechat", sender_id)
                )
                self._handoffs.add(task)
                task.add_done_callback(self._handoffs.discard)
        pending: Dict[str, str] = {}

        def register(title: str, payload: str) -> str:
            menu_id = str(secrets.randbelow(10**9))
            pending[menu_id] = payload
            return menu_id

        text_out = render_messages(messages, register)
        try:
            for menu_id, payload in pending.items():
                await self.store.set(f"wechat:menu:{openid}:{menu_id}", payload, MENU_TTL)
        except StoreUnavailable as error:
            # The reply still goes out; a tapped link then sends its title as typed text.
            logger.warning("wechat.menu_not_stored user=%s error=%s", user_tag(openid), error)
        # An empty turn (e.g. the action server unreachable) still gets a reply.
        return split_text(text_out or NO_REPLY_TEXT)
