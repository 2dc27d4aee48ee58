"""A misunderstood message in a stored conversation reaches the inbox, masked and merged."""

from __future__ import annotations

import uuid
from pathlib import Path

from redis import Redis

from bot.review.inbox import Inbox
from bot.review.sources import default_candidates, export
from connectors.hotline.feedback import FeedbackStore
from connectors.hotline.models import Feedback

from . import rasa_stores
from .conftest import parse_data, store_conversations
from .rasa_stores import action, slot

PHONE, ID_NUMBER, USCC = "13812345678", "11010519491231002X", "91210102MA0XXXXX1X"
MISUNDERSTOOD = f"俺电话{PHONE},身份证{ID_NUMBER},那个事儿到底咋整啊"
REDIS_DB = "redis://127.0.0.1:6379/14"
FALLBACK = parse_data("nlu_fallback", 0.4, [("nlu_fallback", 0.4), ("legal_aid", 0.31)])


def _user(text: str, data: dict) -> dict:
    return rasa_stores.user(text, data)


def test_misunderstood_messages_are_exported_masked_merged_and_grouped(
    tmp_path: Path, inbox: Inbox
) -> None:
    tracker_db = tmp_path / "rasa_tracker.db"
    store_conversations(
        tracker_db,
        {
            "wx-openid-1": [
                action("action_listen"),
                _user(MISUNDERSTOOD, FALLBACK),
                action("action_default_fallback"),
            ],
            # The same words from another user: one item seen twice.
            "wx-openid-2": [action("action_listen"), _user(MISUNDERSTOOD, FALLBACK)],
            "web-3": [
                _user("外地户口在沈阳怎么办居住证", parse_data("residence_permit", 0.97, [])),
                _user(
                    f"公司信用代码{USCC}咋从异常名录出来",
                    parse_data("credit_repair", 0.52, [("credit_repair", 0.52)]),
                ),
                _user("我要找个真人说", parse_data("inform", 0.88, [("inform", 0.88)])),
                slot("handoff_requested", True),
            ],
            "web-4": [_user("/greet", parse_data("greet", 1.0, []))],
        },
    )
    feedback_url = f"sqlite:///{tmp_path / 'feedback.db'}"
    feedback = FeedbackStore(feedback_url)
    feedback.record(
        Feedback(
            call_id="call-1",
            suggestion_id="legal_aid.conditions",
            action="rejected",
            edited_text="",
        ),
        intent="legal_aid",
        utterance=f"货款被拖欠半年了打{PHONE}没人管",
        agent="wang.li",
    )
    feedback.close()

    result = export(inbox, default_candidates(tracker_db, "", feedback_url, threshold=0.6))

    items = {item.text: item for item in inbox.items()}
    masked = "俺电话138****5678,身份证1101**********002X,那个事儿到底咋整啊"
    assert masked in items
    assert items[masked].count == 2
    assert items[masked].reasons == ["fallback"]
    assert items[masked].predicted_intent == "legal_aid"  # the classifier's best guess
    assert "公司信用代码9121**********XX1X咋从异常名录出来" in items
    assert items["我要找个真人说"].reasons == ["handoff"]
    assert items["货款被拖欠半年了打138****5678没人管"].reasons == ["rejected_suggestion"]
    assert "外地户口在沈阳怎么办居住证" not in items  # understood with confidence
    assert not any(text.startswith("/") for text in items)  # button payloads
    assert (result.new, result.merged) == (4, 1)
    # Grouped by predicted intent.
    assert [i.predicted_intent for i in inbox.items()] == sorted(
        i.predicted_intent for i in inbox.items()
    )
    # Nothing personal anywhere in the inbox file, audit trail included.
    inbox.audit("export", "test", result.__dict__)
    raw = (tmp_path / "var" / "review.db").read_bytes()
    for secret in (PHONE, ID_NUMBER, USCC, "wx-openid-1"):
        assert secret.encode() not in raw

    again = export(inbox, default_candidates(tracker_db, "", feedback_url, threshold=0.6))
    assert (again.new, again.merged, again.seen) == (0, 0, 5)
    assert inbox.get(items[masked].id).count == 2


def test_export_without_a_tracker_store_finds_nothing(tmp_path: Path, inbox: Inbox) -> None:
    missing = tmp_path / "absent.db"
    result = export(inbox, default_candidates(missing, "", f"sqlite:///{missing}", 0.6))
    assert (result.new, result.merged, result.seen) == (0, 0, 0)
    assert inbox.items() == []


def test_redis_tracker_store_is_read_when_configured(tmp_path: Path, inbox: Inbox) -> None:
    """Rasa's RedisTrackerStore, with a key prefix as bot.run configures it."""
    prefix = f"review{uuid.uuid4().hex[:8]}"
    events = [action("action_listen"), _user(MISUNDERSTOOD, FALLBACK)]
    rasa_stores.save({"wx-openid-9": events}, "redis", prefix, "14")
    try:
        feedback_url = f"sqlite:///{tmp_path / 'feedback.db'}"
        candidates = default_candidates(tmp_path / "none.db", REDIS_DB, feedback_url, 0.6)
        export(inbox, (c for c in candidates if c.text == MISUNDERSTOOD))
    finally:
        client = Redis.from_url(REDIS_DB)
        client.delete(*client.keys(f"{prefix}:*"))
        client.close()
    (item,) = inbox.items()
    assert item.text == "俺电话138****5678,身份证1101**********002X,那个事儿到底咋整啊"
    assert (item.reasons, item.predicted_intent) == (["fallback"], "legal_aid")
