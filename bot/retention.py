"""Deletes what users told the assistant once it is older than RETENTION_DAYS (docs/privacy.md).

python -m bot.retention

Deleted: the events of Rasa's SQLite tracker store (Redis trackers expire by themselves after
TRACKER_EXPIRY_SECONDS), the hotline agents' feedback and the trainers' review inbox with its
audit trail. The gateway runs the same purge once a day (`periodically`), so a deployment needs
no scheduler; the command is for operators who want it now, or after lowering RETENTION_DAYS.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Optional

from sqlalchemy import create_engine, inspect, text

from bot.review.inbox import Inbox
from bot.settings import Settings, get_settings
from connectors.hotline.feedback import FeedbackStore

logger = logging.getLogger(__name__)

# Rasa writes the tracker store while the purge runs: wait for its write lock, delete in small
# batches so that Rasa never waits long for ours.
BUSY_TIMEOUT_SECONDS = 30
BATCH = 500
FIRST_RUN_DELAY_SECONDS = 60.0
INTERVAL_SECONDS = 24 * 3600.0


@dataclass
class Purged:
    """How many records one purge deleted, per store."""

    days: int
    tracker_events: int = 0
    feedback: int = 0
    review_items: int = 0
    review_audit: int = 0

    @property
    def total(self) -> int:
        return self.tracker_events + self.feedback + self.review_items + self.review_audit

    def __str__(self) -> str:
        return (
            f"已删除超过{self.days}天的数据：对话事件 {self.tracker_events} 条，"
            f"坐席反馈 {self.feedback} 条，待标注消息 {self.review_items} 条，"
            f"标注审计记录 {self.review_audit} 条"
        )


def purge_tracker_events(path: Path, before: datetime) -> int:
    """Delete the events Rasa's SQLTrackerStore saved before `before`; returns how many."""
    if not path.exists():
        return 0
    engine = create_engine(
        f"sqlite:///{path}",
        future=True,
        hide_parameters=True,
        connect_args={"timeout": BUSY_TIMEOUT_SECONDS},
    )
    deleted = 0
    try:
        if not inspect(engine).has_table("events"):
            return 0
        statement = text(
            "DELETE FROM events WHERE id IN "
            "(SELECT id FROM events WHERE timestamp < :before LIMIT :batch)"
        )
        while True:
            with engine.begin() as db:
                result = db.execute(statement, {"before": before.timestamp(), "batch": BATCH})
            deleted += int(result.rowcount or 0)
            if (result.rowcount or 0) < BATCH:
                return deleted
    finally:
        engine.dispose()


def purge(settings: Settings, now: Optional[datetime] = None) -> Purged:
    """Delete everything older than the retention period from every store under `settings`."""
    before = (now or datetime.now(timezone.utc)) - timedelta(days=settings.retention_days)
    purged = Purged(settings.retention_days)
    if not settings.redis_url:
        purged.tracker_events = purge_tracker_events(settings.tracker_database_path, before)
    feedback = FeedbackStore(settings.resolved_feedback_database_url())
    try:
        purged.feedback = feedback.purge(before)
    finally:
        feedback.close()
    inbox = Inbox(settings.review_database_path)
    try:
        purged.review_items, purged.review_audit = inbox.purge(before)
    finally:
        inbox.close()
    logger.info(
        "retention.purged days=%s tracker_events=%s feedback=%s review_items=%s review_audit=%s",
        purged.days,
        purged.tracker_events,
        purged.feedback,
        purged.review_items,
        purged.review_audit,
    )
    return purged


async def periodically(
    settings: Settings,
    first_delay: float = FIRST_RUN_DELAY_SECONDS,
    interval: float = INTERVAL_SECONDS,
) -> None:
    """Purge shortly after start-up, then once per interval, until cancelled; never raises."""
    await asyncio.sleep(first_delay)
    while True:
        try:
            await asyncio.to_thread(purge, settings)
        except Exception:
            # A locked or unreachable store is tried again at the next run.
            logger.exception("retention.purge_failed")
        await asyncio.sleep(interval)


def main() -> int:
    logging.basicConfig(level=logging.WARNING)
    print(purge(get_settings()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
