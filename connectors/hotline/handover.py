"""Handover from the assistant to a person: what the citizen asked and was told, for the desk.

A citizen on WeChat or the web chat who asks for a person (intent human_handoff) should not have
to tell the whole story again. The conversation's tracker (read from Rasa's HTTP API as JSON)
becomes a `Handover`: the topic, the facts the conversation gathered, the citizen's questions
and the first sentence of each answer given, every personal number masked. The agent desk shows
these in a queue beside the calls.
"""

from __future__ import annotations

import hashlib
import logging
import re
import uuid
from datetime import datetime, timezone
from typing import Any, Awaitable, Callable, Dict, List, Optional, Sequence

from pydantic import BaseModel

from core.masking import mask_id_number, mask_phone, mask_text
from knowledge.followup import Topic
from knowledge.labels import intent_label

from .dispatch import dispatch
from .facts import call_facts
from .subject import CONTROL_INTENTS
from .workorder import FIELD_LABELS

logger = logging.getLogger(__name__)

# The last this many questions and answers are shown; an agent reads the rest in the review.
KEPT_TURNS = 6
ANSWER_CHARS = 80
# Slots worth an agent's eye, with the label the desk shows (domain.yml names).
SLOT_LABELS: Dict[str, str] = {
    "city": "城市",
    "service_item": "事项",
    "person_name": "姓名",
    "phone": "联系电话",
    "appointment_time": "预约时间",
}
_SENTENCE_END = re.compile(r"(?<=[。!?!?\n])")


class Handover(BaseModel):
    """One conversation handed to the desk."""

    id: str
    channel: str  # "web" | "wechat"
    user: str  # a short hash of the sender id: the same citizen, never who they are
    time: datetime
    topic: str = ""
    category: str = ""
    department: str = ""
    facts: Dict[str, str] = {}
    questions: List[str] = []
    answered: List[str] = []


def first_sentence(text: str) -> str:
    """The first sentence of an answer, cut to ANSWER_CHARS."""
    parts = [p.strip() for p in _SENTENCE_END.split(text.strip()) if p.strip()]
    head = parts[0] if parts else ""
    return head if len(head) <= ANSWER_CHARS else head[:ANSWER_CHARS] + "…"


def _mask_slot(name: str, value: str) -> str:
    """A fact as the desk may show it: numbers masked, a person's name as 王某."""
    if name == "phone":
        return mask_phone(value)
    if name == "id_number":
        return mask_id_number(value)
    if name in ("person_name", "person"):
        return value[:1] + "某" if value else ""
    return mask_text(value)


def _topic(slots: Dict[str, Any], category: str) -> str:
    topic = Topic.from_slot(slots.get("kb_topic"))
    if topic is not None and topic.query:
        return mask_text(topic.query)
    if topic is not None and topic.service:
        return topic.service
    return intent_label(category) if category else ""


def build(channel: str, sender_id: str, tracker: Dict[str, Any]) -> Handover:
    """The handover of one conversation from its tracker JSON."""
    events: Sequence[Dict[str, Any]] = [
        e for e in tracker.get("events") or [] if isinstance(e, dict)
    ]
    slots: Dict[str, Any] = tracker.get("slots") or {}
    questions: List[str] = []
    answered: List[str] = []
    intents: List[str] = []
    for event in events:
        if event.get("event") == "user":
            text = str(event.get("text") or "").strip()
            intent = str((event.get("parse_data") or {}).get("intent", {}).get("name") or "")
            if text and not text.startswith("/"):
                questions.append(mask_text(text))
            if intent and intent not in CONTROL_INTENTS and intent != "human_handoff":
                intents.append(intent)
        elif event.get("event") == "bot":
            custom = (event.get("data") or {}).get("custom") or {}
            text = str(event.get("text") or "")
            if text and not (isinstance(custom, dict) and custom.get("handoff")):
                answered.append(mask_text(first_sentence(text)))
    category = intents[-1] if intents else ""
    found = call_facts(questions).entities()
    city = found.get("city") or str(slots.get("city") or "") or None
    facts = {FIELD_LABELS.get(k, k): _mask_slot(k, v) for k, v in found.items()}
    for name, label in SLOT_LABELS.items():
        value = slots.get(name)
        if isinstance(value, str) and value and label not in facts:
            facts[label] = _mask_slot(name, value)
    return Handover(
        id=uuid.uuid4().hex[:12],
        channel=channel,
        user=hashlib.sha256(sender_id.encode()).hexdigest()[:10],
        time=datetime.now(timezone.utc),
        topic=_topic(slots, category),
        category=intent_label(category) if category else "",
        department=dispatch(category or None, " ".join(questions), city).department,
        facts=facts,
        questions=questions[-KEPT_TURNS:],
        answered=answered[-KEPT_TURNS:],
    )


TrackerReader = Callable[[str], Awaitable[Dict[str, Any]]]
Publisher = Callable[[Handover], Awaitable[None]]


class HandoverDesk:
    """Builds a conversation's handover when a citizen asks for a person, and sends it on."""

    def __init__(self, read_tracker: TrackerReader, publish: Publisher) -> None:
        self.read_tracker = read_tracker
        self.publish = publish

    async def hand_over(self, channel: str, sender_id: str) -> Optional[Handover]:
        """Queue the conversation on the desk; a failure is logged, the citizen's reply stands."""
        try:
            handover = build(channel, sender_id, await self.read_tracker(sender_id))
            await self.publish(handover)
        except Exception as error:
            logger.error("handover.failed channel=%s error=%s", channel, type(error).__name__)
            return None
        logger.info("handover.queued channel=%s id=%s", channel, handover.id)
        return handover
