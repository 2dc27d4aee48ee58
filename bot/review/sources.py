"""Finding what the assistant got wrong: tracker stores (SQL or Redis) and agents' feedback.

A user turn is a candidate when the NLU fell back, the intent confidence was low, the user
asked for a person (the human_handoff intent, or the handoff_requested slot set after it), or
the assistant declined to answer (the knowledge base had nothing, or the question was out of
scope). Each keeps the messages around it, which the inbox masks like the text itself.
Sender ids are hashed before they are used as references: they can be OpenIDs or phone numbers.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Optional, Set, Tuple

import yaml
from sqlalchemy import create_engine, inspect, select, text

from core.paths import PROJECT_ROOT

from .inbox import Candidate, Inbox

logger = logging.getLogger(__name__)

FALLBACK = "nlu_fallback"
HANDOFF_INTENT = "human_handoff"
HANDOFF_SLOT = "handoff_requested"
# Rasa prefixes "tracker:" with the configured key_prefix ("banshi:tracker:" under bot.run).
REDIS_MARKER = "tracker:"
# The answers that tell the user the assistant has nothing for the question (besides the
# knowledge base's NOT_FOUND): such a question may be a gap in the knowledge, not in the NLU.
DECLINE_RESPONSES = ("utter_out_of_scope",)
DECLINE_PREFIX = 24
# What an item keeps of its conversation: this many messages before it, each cut to this length.
CONTEXT_BEFORE = 4
CONTEXT_CHARS = 600
RANKING_SHOWN = 5


def _sender_ref(sender_id: str) -> str:
    return hashlib.sha256(sender_id.encode("utf-8")).hexdigest()[:16]


def _when(timestamp: Any) -> datetime:
    try:
        return datetime.fromtimestamp(float(timestamp), tz=timezone.utc)
    except (TypeError, ValueError):
        return datetime.now(timezone.utc)


def _guess(parse_data: Dict[str, Any]) -> Tuple[str, float]:
    """The intent the classifier believed in; for a fallback, its best non-fallback guess."""
    intent = parse_data.get("intent") or {}
    name, confidence = str(intent.get("name") or ""), float(intent.get("confidence") or 0.0)
    if name == FALLBACK:
        ranking = [r for r in parse_data.get("intent_ranking") or [] if r.get("name") != FALLBACK]
        if ranking:
            return str(ranking[0]["name"]), float(ranking[0].get("confidence") or 0.0)
    return name, confidence


def conversation_candidates(
    sender_id: str, events: Iterable[Tuple[str, Dict[str, Any]]], threshold: float
) -> Iterator[Candidate]:
    """Candidates of one conversation; `events` are (event id, event dict) in order.

    Each carries the turns around it, the classifier's ranking and the answer the user got,
    so that a trainer judges "在哪办" knowing what was asked before.
    """
    sender = _sender_ref(sender_id)
    turns = _turns(events)
    last_user: Optional[int] = None
    flagged: Set[int] = set()
    for index, turn in enumerate(turns):
        if turn.kind == "handoff_slot":
            if last_user is not None and last_user not in flagged:
                flagged.add(last_user)
                yield _candidate(sender, turns, last_user, "handoff")
            continue
        if turn.kind != "user" or not turn.text.strip() or turn.text.startswith("/"):
            continue  # button payloads carry their intent; nothing to learn from them
        last_user = index
        name = str((turn.parse_data.get("intent") or {}).get("name") or "")
        _, confidence = _guess(turn.parse_data)
        reason = (
            "fallback"
            if name == FALLBACK
            else "handoff"
            if name == HANDOFF_INTENT
            else "low_confidence"
            if confidence < threshold
            else "declined"
            if declined(_replies(turns, index))
            else ""
        )
        if reason:
            flagged.add(index)
            yield _candidate(sender, turns, index, reason)


@dataclass
class _Turn:
    event_id: str
    kind: str  # user | bot | handoff_slot
    text: str
    event: Dict[str, Any]

    @property
    def parse_data(self) -> Dict[str, Any]:
        return dict(self.event.get("parse_data") or {})


def _turns(events: Iterable[Tuple[str, Dict[str, Any]]]) -> List[_Turn]:
    turns: List[_Turn] = []
    for event_id, event in events:
        kind = event.get("event")
        if kind == "slot" and event.get("name") == HANDOFF_SLOT and event.get("value"):
            turns.append(_Turn(event_id, "handoff_slot", "", event))
        elif kind == "user":
            turns.append(_Turn(event_id, "user", str(event.get("text") or ""), event))
        elif kind == "bot":
            turns.append(_Turn(event_id, "bot", _bot_text(event), event))
    return turns


def _bot_text(event: Dict[str, Any]) -> str:
    """A bot message as the user saw it: its text and the titles of its buttons."""
    text = str(event.get("text") or "")
    buttons = (event.get("data") or {}).get("buttons") or []
    titles = [str(b.get("title")) for b in buttons if isinstance(b, dict) and b.get("title")]
    return (text + (f"\n[按钮] {' / '.join(titles)}" if titles else "")).strip()


def _replies(turns: List[_Turn], index: int) -> List[_Turn]:
    """The assistant's messages answering the user turn at `index`."""
    replies: List[_Turn] = []
    for turn in turns[index + 1 :]:
        if turn.kind == "user":
            break
        if turn.kind == "bot":
            replies.append(turn)
    return replies


@lru_cache(maxsize=1)
def _decline_texts() -> Tuple[str, ...]:
    """The opening words of the answers that say the assistant has nothing to tell."""
    from knowledge.answer import NOT_FOUND

    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8")) or {}
    responses = domain.get("responses") or {}
    texts = [NOT_FOUND] + [
        str(r.get("text") or "") for name in DECLINE_RESPONSES for r in responses.get(name) or []
    ]
    return tuple(t[:DECLINE_PREFIX] for t in texts if t)


def declined(replies: List[_Turn]) -> bool:
    """Whether the answer was "nothing in the knowledge base" or "not something I answer"."""
    for reply in replies:
        if (reply.event.get("metadata") or {}).get("utter_action") in DECLINE_RESPONSES:
            return True
        if any(opening in reply.text for opening in _decline_texts()):
            return True
    return False


def _context(turns: List[_Turn], index: int) -> List[Dict[str, Any]]:
    """The messages before the item (CONTEXT_BEFORE of them), the item, and its answer."""
    shown = [t for t in turns[:index] if t.kind in ("user", "bot") and t.text][-CONTEXT_BEFORE:]
    context: List[Dict[str, Any]] = [
        {"role": t.kind, "text": t.text[:CONTEXT_CHARS]} for t in shown
    ]
    context.append({"role": "user", "text": turns[index].text, "current": True})
    context += [{"role": "bot", "text": t.text[:CONTEXT_CHARS]} for t in _replies(turns, index)]
    return context


def _ranking(parse_data: Dict[str, Any]) -> List[Dict[str, Any]]:
    ranking = parse_data.get("intent_ranking") or []
    return [
        {"name": str(r.get("name") or ""), "confidence": round(float(r.get("confidence") or 0), 3)}
        for r in ranking[:RANKING_SHOWN]
        if isinstance(r, dict)
    ]


def _candidate(sender: str, turns: List[_Turn], index: int, reason: str) -> Candidate:
    turn = turns[index]
    intent, confidence = _guess(turn.parse_data)
    replies = _replies(turns, index)
    return Candidate(
        source="tracker",
        ref=f"{sender}:{turn.event_id}",
        text=turn.text,
        predicted_intent=intent,
        confidence=confidence,
        reason=reason,
        seen_at=_when(turn.event.get("timestamp")),
        conversation=sender,
        context=_context(turns, index),
        ranking=_ranking(turn.parse_data),
        answer="\n".join(r.text for r in replies)[:CONTEXT_CHARS],
        declined=declined(replies),
    )


def sql_tracker_candidates(url: str, threshold: float) -> Iterator[Candidate]:
    """Candidates from Rasa's SQLTrackerStore table `events` (read-only)."""
    engine = create_engine(url, future=True, hide_parameters=True)
    try:
        if not inspect(engine).has_table("events"):
            logger.warning("review.export.no_tracker_table url_scheme=%s", url.split(":")[0])
            return
        query = text(
            "SELECT id, sender_id, data FROM events "
            "WHERE type_name IN ('user', 'bot', 'slot') ORDER BY sender_id, id"
        )
        with engine.connect() as db:
            rows = db.execute(query).all()
    finally:
        engine.dispose()
    by_sender: Dict[str, List[Tuple[str, Dict[str, Any]]]] = {}
    for row in rows:
        try:
            event = json.loads(row.data)
        except (TypeError, ValueError):
            continue
        by_sender.setdefault(row.sender_id, []).append((str(row.id), event))
    for sender_id, events in by_sender.items():
        yield from conversation_candidates(sender_id, events, threshold)


def redis_tracker_candidates(redis_url: str, threshold: float) -> Iterator[Candidate]:
    """Candidates from Rasa's RedisTrackerStore: one JSON dialogue per `…tracker:<sender>` key."""
    from redis import Redis

    client = Redis.from_url(redis_url)
    try:
        for key in client.scan_iter(match=f"*{REDIS_MARKER}*"):
            raw = client.get(key)
            if not raw:
                continue
            sender_id = key.decode("utf-8").split(REDIS_MARKER, 1)[1]
            try:
                events = json.loads(raw).get("events") or []
            except (TypeError, ValueError, AttributeError):
                continue
            # Redis keeps no event ids; the timestamp identifies a turn within a conversation.
            numbered = [(str(e.get("timestamp", i)), e) for i, e in enumerate(events)]
            yield from conversation_candidates(sender_id, numbered, threshold)
    finally:
        client.close()


def feedback_candidates(url: str) -> Iterator[Candidate]:
    """Caller utterances whose suggested answer a hotline agent rejected."""
    from connectors.hotline.feedback import feedback_table

    engine = create_engine(url, future=True, hide_parameters=True)
    try:
        if not inspect(engine).has_table(feedback_table.name):
            return
        query = select(feedback_table).where(feedback_table.c.action == "rejected")
        with engine.connect() as db:
            rows = db.execute(query).all()
    finally:
        engine.dispose()
    for row in rows:
        if row.utterance.strip():
            yield Candidate(
                source="feedback",
                ref=str(row.id),
                text=row.utterance,
                predicted_intent=row.intent,
                confidence=0.0,
                reason="rejected_suggestion",
                seen_at=row.created_at.replace(tzinfo=row.created_at.tzinfo or timezone.utc),
            )


@dataclass
class ExportResult:
    new: int = 0
    merged: int = 0
    seen: int = 0

    def __str__(self) -> str:
        return f"新增 {self.new} 条,合并重复 {self.merged} 次,此前已导出 {self.seen} 条"


def export(inbox: Inbox, candidates: Iterable[Candidate]) -> ExportResult:
    """File every candidate into the inbox; running it again adds only what is new."""
    result = ExportResult()
    for candidate in candidates:
        outcome = inbox.add(candidate)
        setattr(result, outcome, getattr(result, outcome) + 1)
    return result


def default_candidates(
    tracker_db: Path, redis_url: str, feedback_url: str, threshold: float
) -> Iterator[Candidate]:
    """The tracker store the assistant is configured with, then the agents' feedback."""
    if redis_url:
        yield from redis_tracker_candidates(redis_url, threshold)
    elif tracker_db.exists():
        yield from sql_tracker_candidates(f"sqlite:///{tracker_db}", threshold)
    yield from feedback_candidates(feedback_url)
