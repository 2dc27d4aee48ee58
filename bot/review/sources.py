"""Finding what the assistant got wrong: tracker stores (SQL or Redis) and agents' feedback.

A user turn is a candidate when the NLU fell back, the intent confidence was low, or the user
asked for a person (the human_handoff intent, or the handoff_requested slot set after it).
Sender ids are hashed before they are used as references: they can be OpenIDs or phone numbers.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Optional, Set, Tuple

from sqlalchemy import create_engine, inspect, select, text

from .inbox import Candidate, Inbox

logger = logging.getLogger(__name__)

FALLBACK = "nlu_fallback"
HANDOFF_INTENT = "human_handoff"
HANDOFF_SLOT = "handoff_requested"
# Rasa prefixes "tracker:" with the configured key_prefix ("banshi:tracker:" under bot.run).
REDIS_MARKER = "tracker:"


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
    """Candidates of one conversation; `events` are (event id, event dict) in order."""
    sender = _sender_ref(sender_id)
    last_user: Optional[Tuple[str, Dict[str, Any]]] = None
    flagged: Set[str] = set()
    for event_id, event in events:
        kind = event.get("event")
        if kind == "slot" and event.get("name") == HANDOFF_SLOT and event.get("value"):
            if last_user is not None and last_user[0] not in flagged:
                flagged.add(last_user[0])
                yield _candidate(sender, *last_user, "handoff", threshold)
            continue
        if kind != "user":
            continue
        text_ = str(event.get("text") or "")
        if not text_.strip() or text_.startswith("/"):
            continue  # button payloads carry their intent; nothing to learn from them
        last_user = (event_id, event)
        parse_data = event.get("parse_data") or {}
        name = str((parse_data.get("intent") or {}).get("name") or "")
        _, confidence = _guess(parse_data)
        reason = (
            "fallback"
            if name == FALLBACK
            else "handoff"
            if name == HANDOFF_INTENT
            else "low_confidence"
            if confidence < threshold
            else ""
        )
        if reason:
            flagged.add(event_id)
            yield _candidate(sender, event_id, event, reason, threshold)


def _candidate(
    sender: str, event_id: str, event: Dict[str, Any], reason: str, threshold: float
) -> Candidate:
    intent, confidence = _guess(event.get("parse_data") or {})
    return Candidate(
        source="tracker",
        ref=f"{sender}:{event_id}",
        text=str(event.get("text") or ""),
        predicted_intent=intent,
        confidence=confidence,
        reason=reason,
        seen_at=_when(event.get("timestamp")),
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
            "WHERE type_name IN ('user', 'slot') ORDER BY sender_id, id"
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
