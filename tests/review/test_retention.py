"""Conversations, agents' feedback and review items older than RETENTION_DAYS are deleted."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import select

from bot.retention import purge
from bot.review.inbox import Candidate, Inbox, occurrences_table
from bot.settings import Settings
from connectors.hotline.feedback import FeedbackStore, feedback_table
from connectors.hotline.models import Feedback
from core.paths import PROJECT_ROOT

from .conftest import parse_data, store_conversations
from .rasa_stores import action, user

NOW = datetime.now(timezone.utc)
OLD = NOW - timedelta(days=200)
RECENT = NOW - timedelta(days=3)
OLD_TEXT = "俺身份证210102199001011237那个事咋整"
NEW_TEXT = "社保卡丢了咋补"


def _at(moment: datetime, event: dict) -> dict:
    return {**event, "timestamp": moment.timestamp()}


def _fill(var_dir: Path) -> Settings:
    """A var/ directory as the running assistant leaves it, with old and recent data."""
    var_dir.mkdir(parents=True)
    settings = Settings(var_dir=var_dir, retention_days=180)
    fallback = parse_data("nlu_fallback", 0.3, [("nlu_fallback", 0.3)])
    store_conversations(
        settings.tracker_database_path,
        {
            "wechat:old-user": [
                _at(OLD, action("action_listen")),
                _at(OLD, user(OLD_TEXT, fallback)),
                _at(RECENT, user(NEW_TEXT, fallback)),
            ],
        },
    )
    feedback = FeedbackStore(settings.resolved_feedback_database_url())
    verdict = Feedback(call_id="c-1", suggestion_id="s-1", action="rejected", edited_text="")
    feedback.record(verdict, "social_security", NEW_TEXT, "agent-li")
    with feedback.engine.begin() as db:
        db.execute(
            feedback_table.insert().values(
                created_at=OLD,
                call_id="c-0",
                suggestion_id="s-0",
                action="rejected",
                intent="legal_aid",
                utterance=OLD_TEXT,
                edited_text="",
            )
        )
    feedback.close()
    inbox = Inbox(settings.review_database_path)
    for ref, text, seen in (("1", OLD_TEXT, OLD), ("2", NEW_TEXT, RECENT)):
        inbox.add(Candidate("tracker", ref, text, "nlu_fallback", 0.3, "fallback", seen))
    inbox.close()
    return settings


def _tracker_texts(path: Path) -> list[str]:
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT data FROM events WHERE type_name = 'user'").fetchall()
    return [json.loads(row[0])["text"] for row in rows]


def test_data_older_than_the_retention_period_is_deleted(tmp_path: Path) -> None:
    settings = _fill(tmp_path / "var")
    purged = purge(settings)
    assert (purged.tracker_events, purged.feedback, purged.review_items) == (2, 1, 1)

    texts = _tracker_texts(settings.tracker_database_path)
    assert texts == [NEW_TEXT]
    feedback = FeedbackStore(settings.resolved_feedback_database_url())
    with feedback.engine.connect() as db:
        assert [row.call_id for row in db.execute(select(feedback_table))] == ["c-1"]
    feedback.close()
    inbox = Inbox(settings.review_database_path)
    (kept,) = inbox.items()
    assert kept.text == NEW_TEXT
    # The conversation stored around the old message is gone with it.
    with inbox.engine.connect() as db:
        assert db.execute(select(occurrences_table.c.item_id)).scalars().all() == [kept.id]
    inbox.close()
    assert purge(settings).total == 0, "running it again deletes nothing more"


def test_the_job_waits_for_rasa_writing_to_the_tracker_store(tmp_path: Path) -> None:
    settings = _fill(tmp_path / "var")
    writer = sqlite3.connect(
        settings.tracker_database_path, isolation_level=None, check_same_thread=False
    )
    writer.execute("BEGIN IMMEDIATE")  # Rasa saving a turn holds the write lock

    def finish_the_turn() -> None:
        time.sleep(1.0)
        writer.execute("COMMIT")

    threading.Thread(target=finish_the_turn).start()
    assert purge(settings).tracker_events == 2
    writer.close()


def test_runnable_from_the_command_line(tmp_path: Path) -> None:
    settings = _fill(tmp_path / "var")
    done = subprocess.run(
        [sys.executable, "-m", "bot.retention"],
        cwd=PROJECT_ROOT,
        env={
            **os.environ,
            "PYTHONPATH": str(PROJECT_ROOT),
            "VAR_DIR": str(settings.var_dir),
            "RETENTION_DAYS": "180",
        },
        capture_output=True,
        text=True,
        check=True,
    )
    assert "180" in done.stdout and "2" in done.stdout
    assert len(_tracker_texts(settings.tracker_database_path)) == 1
