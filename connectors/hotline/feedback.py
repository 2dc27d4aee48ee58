"""Agents' verdicts on suggestions (used / edited / rejected), kept for the trainers.

SQLite under var/ by default (FEEDBACK_DATABASE_URL for another database). Text is masked
before it is written: an agent's edited answer may quote the caller's phone or ID number.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Dict, List

from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import Engine

from core.masking import mask_text

from .models import Feedback

metadata = MetaData()
feedback_table = Table(
    "agent_feedback",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("call_id", String(64), nullable=False, index=True),
    Column("suggestion_id", String(128), nullable=False, index=True),
    Column("action", String(16), nullable=False),
    Column("intent", String(64), nullable=False, default=""),
    Column("utterance", Text, nullable=False, default=""),
    Column("edited_text", Text, nullable=False, default=""),
    # The account of the agent who gave the verdict (bot/gateway/accounts).
    Column("agent", String(64), nullable=False, default=""),
)


class FeedbackStore:
    def __init__(self, url: str) -> None:
        self.engine: Engine = create_engine(url, future=True, hide_parameters=True)
        metadata.create_all(self.engine)
        _add_agent_column(self.engine)

    def record(self, feedback: Feedback, intent: str, utterance: str, agent: str) -> int:
        """Store `agent`'s verdict with the caller utterance it answered; returns its id."""
        row = {
            "created_at": datetime.now(timezone.utc),
            "call_id": feedback.call_id,
            "suggestion_id": feedback.suggestion_id,
            "action": feedback.action,
            "intent": intent,
            "utterance": mask_text(utterance, keep_references=True),
            "edited_text": mask_text(feedback.edited_text, keep_references=True),
            "agent": agent,
        }
        with self.engine.begin() as connection:
            result = connection.execute(feedback_table.insert().values(**row))
            key = result.inserted_primary_key
            assert key is not None
            return int(key[0])

    def purge(self, before: datetime) -> int:
        """Delete the verdicts recorded before `before` (UTC); returns how many."""
        with self.engine.begin() as connection:
            deleted = connection.execute(
                feedback_table.delete().where(feedback_table.c.created_at < before)
            )
            return int(deleted.rowcount or 0)

    def recent(self, limit: int = 100) -> List[Dict[str, Any]]:
        query = select(feedback_table).order_by(feedback_table.c.id.desc()).limit(limit)
        with self.engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(query)]

    def close(self) -> None:
        self.engine.dispose()


def _add_agent_column(engine: Engine) -> None:
    """Databases made before feedback named its agent get the column (empty for old rows)."""
    columns = {c["name"] for c in inspect(engine).get_columns("agent_feedback")}
    if "agent" not in columns:
        with engine.begin() as connection:
            connection.execute(
                text("ALTER TABLE agent_feedback ADD COLUMN agent VARCHAR(64) NOT NULL DEFAULT ''")
            )
