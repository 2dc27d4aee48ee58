"""The review inbox (var/review.db): one item per distinct message, where it was seen (each
occurrence with the conversation around it), and an audit trail.

Every text is masked on the way in, here as well as by the exporters, so no caller can put
personal data into the inbox by forgetting to mask it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    func,
    select,
)
from sqlalchemy.engine import Engine

from core.masking import mask_text

from .nludata import text_key

STATUSES: Dict[str, str] = {
    "open": "待标注",
    "labelled": "已标注",
    "applied": "已应用",
    "refused": "未采用",
    "knowledge_pending": "待知识组处理",
    "followup": "追问(转对话用例)",
    "knowledge_gap": "知识缺口",
    "dismissed": "已忽略",
}
REASONS: Dict[str, str] = {
    "low_confidence": "置信度低",
    "fallback": "未听懂",
    "handoff": "转人工",
    "rejected_suggestion": "坐席否决建议",
    "declined": "没有具体答复",
}

metadata = MetaData()
items_table = Table(
    "review_items",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(512), nullable=False, unique=True),
    Column("text", Text, nullable=False),
    Column("predicted_intent", String(64), nullable=False, default=""),
    Column("confidence", Float, nullable=False, default=0.0),
    Column("reasons", String(128), nullable=False, default=""),
    Column("count", Integer, nullable=False, default=1),
    Column("first_seen", DateTime(timezone=True), nullable=False),
    Column("last_seen", DateTime(timezone=True), nullable=False),
    Column("status", String(32), nullable=False, default="open", index=True),
    Column("label_intent", String(64), nullable=False, default=""),
    Column("label_entities", Text, nullable=False, default="[]"),
    Column("label_kb_entry", String(128), nullable=False, default=""),
    Column("note", Text, nullable=False, default=""),
)
seen_table = Table(
    "review_sources",
    metadata,
    Column("source", String(32), nullable=False),
    Column("ref", String(255), nullable=False),
    UniqueConstraint("source", "ref"),
)
# One row per time an item's message was seen in a conversation, with what surrounded it.
occurrences_table = Table(
    "review_occurrences",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("item_id", Integer, nullable=False, index=True),
    Column("conversation", String(64), nullable=False, default=""),
    Column("seen_at", DateTime(timezone=True), nullable=False),
    Column("context", Text, nullable=False, default="[]"),
    Column("ranking", Text, nullable=False, default="[]"),
    Column("answer", Text, nullable=False, default=""),
    Column("declined", Boolean, nullable=False, default=False),
)
audit_table = Table(
    "review_audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("action", String(32), nullable=False),
    Column("item_id", Integer, nullable=True),
    Column("actor", String(64), nullable=False),
    Column("detail", Text, nullable=False, default=""),
)


@dataclass
class Candidate:
    """One message worth a trainer's look, as an exporter found it."""

    source: str
    ref: str
    text: str
    predicted_intent: str
    confidence: float
    reason: str
    seen_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    # Hashed sender id, the messages around this one, the classifier's ranking, the answer.
    conversation: str = ""
    context: List[Dict[str, Any]] = field(default_factory=list)
    ranking: List[Dict[str, Any]] = field(default_factory=list)
    answer: str = ""
    declined: bool = False


@dataclass
class Occurrence:
    """One time an item's message was seen, masked like the item."""

    conversation: str
    seen_at: datetime
    context: List[Dict[str, Any]]
    ranking: List[Dict[str, Any]]
    answer: str
    declined: bool

    def as_dict(self) -> Dict[str, Any]:
        return {**self.__dict__, "seen_at": self.seen_at.isoformat()}


@dataclass
class Item:
    id: int
    text: str
    predicted_intent: str
    confidence: float
    reasons: List[str]
    count: int
    status: str
    label_intent: str
    label_entities: List[Dict[str, str]]
    label_kb_entry: str
    note: str
    last_seen: datetime
    first_seen: datetime

    def as_dict(self) -> Dict[str, Any]:
        return {
            **self.__dict__,
            "last_seen": self.last_seen.isoformat(),
            "first_seen": self.first_seen.isoformat(),
            "status_label": STATUSES.get(self.status, self.status),
            "reason_labels": [REASONS.get(r, r) for r in self.reasons],
        }


class ItemNotFound(LookupError):
    pass


def _item(row: Any) -> Item:
    m = row._mapping
    return Item(
        id=m["id"],
        text=m["text"],
        predicted_intent=m["predicted_intent"],
        confidence=m["confidence"],
        reasons=[r for r in m["reasons"].split(",") if r],
        count=m["count"],
        status=m["status"],
        label_intent=m["label_intent"],
        label_entities=json.loads(m["label_entities"] or "[]"),
        label_kb_entry=m["label_kb_entry"],
        note=m["note"],
        last_seen=_aware(m["last_seen"]),
        first_seen=_aware(m["first_seen"]),
    )


def _occurrence(row: Any) -> Occurrence:
    m = row._mapping
    return Occurrence(
        conversation=m["conversation"],
        seen_at=_aware(m["seen_at"]),
        context=json.loads(m["context"] or "[]"),
        ranking=json.loads(m["ranking"] or "[]"),
        answer=m["answer"],
        declined=bool(m["declined"]),
    )


def _masked_context(context: List[Dict[str, Any]]) -> str:
    turns = [{**turn, "text": mask_text(str(turn.get("text") or ""))} for turn in context]
    return json.dumps(turns, ensure_ascii=False)


class Inbox:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.engine: Engine = create_engine(f"sqlite:///{path}", future=True, hide_parameters=True)
        metadata.create_all(self.engine)

    def add(self, candidate: Candidate) -> str:
        """File one candidate: "new" item, "merged" into an item, or "seen" before."""
        text = mask_text(candidate.text)
        key = text_key(text)
        if not key:
            return "seen"
        items = items_table.c
        with self.engine.begin() as db:
            ref = {"source": candidate.source, "ref": candidate.ref}
            if db.execute(select(seen_table).filter_by(**ref)).first():
                return "seen"
            db.execute(seen_table.insert().values(**ref))
            row = db.execute(select(items_table).where(items.key == key)).first()
            if row is None:
                inserted = db.execute(
                    items_table.insert().values(
                        key=key,
                        text=text,
                        predicted_intent=candidate.predicted_intent,
                        confidence=candidate.confidence,
                        reasons=candidate.reason,
                        count=1,
                        first_seen=candidate.seen_at,
                        last_seen=candidate.seen_at,
                    )
                )
                (item_id,) = inserted.inserted_primary_key or (0,)
                self._add_occurrence(db, int(item_id), candidate)
                return "new"
            reasons = sorted({*row.reasons.split(","), candidate.reason} - {""})
            db.execute(
                items_table.update()
                .where(items.id == row.id)
                .values(
                    count=row._mapping["count"] + 1,
                    reasons=",".join(reasons),
                    confidence=min(row.confidence, candidate.confidence),
                    first_seen=min(_aware(row.first_seen), candidate.seen_at),
                    last_seen=max(_aware(row.last_seen), candidate.seen_at),
                )
            )
            self._add_occurrence(db, row.id, candidate)
            return "merged"

    @staticmethod
    def _add_occurrence(db: Any, item_id: int, candidate: Candidate) -> None:
        db.execute(
            occurrences_table.insert().values(
                item_id=item_id,
                conversation=candidate.conversation,
                seen_at=candidate.seen_at,
                context=_masked_context(candidate.context),
                ranking=json.dumps(candidate.ranking, ensure_ascii=False),
                answer=mask_text(candidate.answer),
                declined=candidate.declined,
            )
        )

    def occurrences(self, item_ids: Sequence[int]) -> Dict[int, List[Occurrence]]:
        """Where each item was seen, newest first."""
        c = occurrences_table.c
        query = (
            select(occurrences_table)
            .where(c.item_id.in_(list(item_ids)))
            .order_by(c.seen_at.desc(), c.id.desc())
        )
        found: Dict[int, List[Occurrence]] = {item_id: [] for item_id in item_ids}
        with self.engine.connect() as db:
            for row in db.execute(query):
                found[row.item_id].append(_occurrence(row))
        return found

    def items(self, status: Optional[str] = None, intent: Optional[str] = None) -> List[Item]:
        """Items, grouped by predicted intent, most frequent first within a group."""
        c = items_table.c
        query = select(items_table).order_by(c.predicted_intent, c.count.desc(), c.id)
        if status:
            query = query.where(c.status == status)
        if intent:
            query = query.where(c.predicted_intent == intent)
        with self.engine.connect() as db:
            return [_item(row) for row in db.execute(query)]

    def get(self, item_id: int) -> Item:
        with self.engine.connect() as db:
            row = db.execute(select(items_table).where(items_table.c.id == item_id)).first()
        if row is None:
            raise ItemNotFound(item_id)
        return _item(row)

    def update(self, item_id: int, action: str, actor: str, **values: Any) -> Item:
        """Change an item and record the change in the audit trail, in one transaction."""
        if "label_entities" in values:
            values["label_entities"] = json.dumps(values["label_entities"], ensure_ascii=False)
        with self.engine.begin() as db:
            result = db.execute(
                items_table.update().where(items_table.c.id == item_id).values(**values)
            )
            if result.rowcount == 0:
                raise ItemNotFound(item_id)
            self._audit(db, action, item_id, actor, values)
        return self.get(item_id)

    def audit(self, action: str, actor: str, detail: Dict[str, Any]) -> None:
        with self.engine.begin() as db:
            self._audit(db, action, None, actor, detail)

    @staticmethod
    def _audit(
        db: Any, action: str, item_id: Optional[int], actor: str, detail: Dict[str, Any]
    ) -> None:
        text = mask_text(json.dumps(detail, ensure_ascii=False, default=str))
        db.execute(
            audit_table.insert().values(
                at=datetime.now(timezone.utc),
                action=action,
                item_id=item_id,
                actor=actor,
                detail=text,
            )
        )

    def audit_log(self, limit: int = 100) -> List[Dict[str, Any]]:
        query = select(audit_table).order_by(audit_table.c.id.desc()).limit(limit)
        with self.engine.connect() as db:
            return [{**row._mapping, "at": _aware(row.at).isoformat()} for row in db.execute(query)]

    def counts(self) -> Dict[str, int]:
        query = select(items_table.c.status, func.count()).group_by(items_table.c.status)
        with self.engine.connect() as db:
            return {status: int(n) for status, n in db.execute(query)}

    def purge(self, before: datetime) -> Tuple[int, int]:
        """Delete items last seen and audit entries written before `before` (UTC).

        Returns (items, audit entries) deleted. An item seen again later is kept: its text is
        the masked text of a recent message too.
        """
        with self.engine.begin() as db:
            items = db.execute(items_table.delete().where(items_table.c.last_seen < before))
            audit = db.execute(audit_table.delete().where(audit_table.c.at < before))
            # The conversations around old messages go too, also those of items kept.
            kept = select(items_table.c.id)
            db.execute(
                occurrences_table.delete().where(
                    (occurrences_table.c.seen_at < before)
                    | occurrences_table.c.item_id.not_in(kept)
                )
            )
        return int(items.rowcount or 0), int(audit.rowcount or 0)

    def close(self) -> None:
        self.engine.dispose()


def _aware(moment: datetime) -> datetime:
    # SQLite returns naive datetimes even for timezone-aware columns; they were stored as UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
