"""Review fixtures: copies of the training data and knowledge files, and an empty inbox.

Tests never touch data/ or knowledge/ themselves: `apply` writes into these copies.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest

from bot.review.apply import Workspace
from bot.review.inbox import Inbox
from core.paths import PROJECT_ROOT

from . import rasa_stores


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    nlu_dir, knowledge_dir = tmp_path / "data" / "nlu", tmp_path / "knowledge"
    shutil.copytree(PROJECT_ROOT / "data" / "nlu", nlu_dir)
    shutil.copytree(PROJECT_ROOT / "knowledge" / "content", knowledge_dir)
    return Workspace(nlu_dir, knowledge_dir)


@pytest.fixture
def inbox(tmp_path: Path) -> Iterator[Inbox]:
    opened = Inbox(tmp_path / "var" / "review.db")
    yield opened
    opened.close()


def parse_data(intent: str, confidence: float, ranking: List[Any]) -> Dict[str, Any]:
    """What Rasa stores for a user turn: the intent and the classifier's ranking."""
    return {
        "intent": {"name": intent, "confidence": confidence},
        "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking],
        "entities": [],
    }


def store_conversations(db: Path, conversations: rasa_stores.Conversations) -> None:
    """Save conversations through Rasa's own SQLTrackerStore, as the Rasa server does."""
    rasa_stores.save(conversations, "sql", str(db))
