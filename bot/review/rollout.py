"""Which trained model the running Rasa servers serve: the project's models, the history of
activations and the model a rollback returns to.

Only a `<fingerprint>.tar.gz` of the models directory can be activated (bot.rasa_server checks
it again on the Rasa side). Activations are kept in the review database beside the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, List, Optional

from sqlalchemy import Column, DateTime, Integer, String, Table, select

from bot.rasa_server import MODEL_NAME

from .inbox import Inbox, metadata

activations_table = Table(
    "model_activations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("action", String(16), nullable=False),  # activate | rollback
    Column("model", String(128), nullable=False),
    Column("previous", String(128), nullable=False, default=""),
    Column("actor", String(64), nullable=False),
)


class RolloutError(ValueError):
    """A model that cannot be activated; the message says why, in Chinese."""


@dataclass
class TrainedModel:
    name: str
    trained_at: datetime
    size: int

    def as_dict(self) -> Dict[str, Any]:
        return {**self.__dict__, "trained_at": self.trained_at.isoformat()}


def project_models(models_dir: Path) -> List[TrainedModel]:
    """The trained models of the models directory, newest first."""
    found = [
        TrainedModel(
            p.name, datetime.fromtimestamp(p.stat().st_mtime, tz=timezone.utc), p.stat().st_size
        )
        for p in models_dir.glob("*.tar.gz")
        if MODEL_NAME.match(p.name) and p.is_file()
    ]
    return sorted(found, key=lambda m: m.trained_at, reverse=True)


def model_file(models_dir: Path, name: str) -> Path:
    """The path of the model called `name`, refused unless it is one of the project's."""
    if not MODEL_NAME.match(name):
        raise RolloutError(f"“{name}”不是训练产生的模型文件名(<指纹>.tar.gz)")
    path = models_dir / name
    if not path.is_file():
        raise RolloutError(f"模型目录中没有 {name}")
    return path


class Rollouts:
    """The activation history, in the review database."""

    def __init__(self, inbox: Inbox) -> None:
        self.engine = inbox.engine
        activations_table.create(self.engine, checkfirst=True)

    def record(self, action: str, model: str, previous: str, actor: str) -> None:
        with self.engine.begin() as db:
            db.execute(
                activations_table.insert().values(
                    at=datetime.now(timezone.utc),
                    action=action,
                    model=model,
                    previous=previous,
                    actor=actor,
                )
            )

    def history(self, limit: int = 20) -> List[Dict[str, Any]]:
        query = select(activations_table).order_by(activations_table.c.id.desc()).limit(limit)
        with self.engine.connect() as db:
            rows = db.execute(query).all()
        # SQLite gives back naive datetimes; they were stored as UTC.
        return [{**r._mapping, "at": r.at.replace(tzinfo=timezone.utc).isoformat()} for r in rows]

    def rollback_target(self) -> Optional[str]:
        """The model served before the latest activation (a second rollback undoes the first)."""
        latest = self.history(1)
        return str(latest[0]["previous"]) or None if latest else None
