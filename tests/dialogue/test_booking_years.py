"""Booking into 2027, whose holiday schedule is not published, through the running assistant,
with its clock set to late 2026 and early 2027; and halls chosen by typing instead of clicking.

Every process of the assistant reads the moved clock (Assistant.clock_at), and the service API's
database is checked, so a test passes only if the booking really happened on that day.
"""

from __future__ import annotations

import re
import sqlite3
import uuid
from datetime import datetime
from typing import Optional

import pytest

from core.choices import parse_payload
from core.clock import CN_TZ
from tests.assistant import Assistant, buttons, texts
from tests.dialogue.test_transactions import ID_NUMBER, NAME, PHONE, click

pytestmark = pytest.mark.rasa


def booked_row(assistant: Assistant, appointment_id: str) -> Optional[sqlite3.Row]:
    with sqlite3.connect(assistant.settings.var_dir / "service_api.db") as db:
        db.row_factory = sqlite3.Row
        return db.execute(
            "SELECT hall_id, service, starts_at FROM appointment WHERE id = ?", (appointment_id,)
        ).fetchone()


def finish_booking(assistant: Assistant, sender: str, replies: list) -> tuple[str, str, str]:
    """From the name question to the booking: the read-back, the answer and the appointment."""
    assert "姓名" in texts(replies), texts(replies)
    assistant.send(NAME, sender)
    assistant.send(PHONE, sender)
    summary = texts(assistant.send(ID_NUMBER, sender))
    assert "请核对预约信息" in summary, summary
    done = texts(assistant.send("确认预约", sender))
    found = re.search(r"预约号:(AP[0-9A-Z]{8})", done)
    assert found, done
    return summary, done, found.group(1)


def test_early_january_books_from_december_with_the_hall_typed(assistant: Assistant) -> None:
    sender = uuid.uuid4().hex
    with assistant.clock_at(datetime(2026, 12, 20, 10, 0, tzinfo=CN_TZ)):
        asked = assistant.send("帮我约明年1月6日上午在沈阳办居住证", sender)
        assert any("hall_id" in b["payload"] for b in buttons(asked)), texts(asked)
        # Typed exactly as the button shows it, not clicked.
        replies = assistant.send("演示沈阳市政务服务中心", sender)
        summary, done, appointment_id = finish_booking(assistant, sender, replies)
    assert "1月6日" in summary and "2027年节假日放假安排国务院尚未公布" in summary
    assert "预约成功" in done and "尚未公布" in done
    row = booked_row(assistant, appointment_id)
    assert row is not None and row["hall_id"] == "shenyang-01"
    assert str(row["starts_at"]).startswith("2027-01-06")


def test_a_day_in_the_spring_festival_week_is_refused_with_the_reason(
    assistant: Assistant,
) -> None:
    sender = uuid.uuid4().hex
    with assistant.clock_at(datetime(2027, 1, 20, 10, 0, tzinfo=CN_TZ)):
        asked = assistant.send("帮我约2月8日上午在沈阳办驾驶证", sender)
        replies = assistant.send("第一个", sender)
    reply = texts(replies)
    assert "2027年春节放假调休安排国务院尚未公布" in reply, texts(asked) + reply
    # What is offered instead lies after the closed weeks.
    offered = [b["title"] for b in buttons(replies) if '"time"' in b["payload"]]
    assert offered and all(not t.startswith(("2月8日", "2月9日", "2月10日")) for t in offered)


def test_an_ordinary_march_weekday_books_at_the_branch_typed_by_its_short_name(
    assistant: Assistant,
) -> None:
    sender = uuid.uuid4().hex
    with assistant.clock_at(datetime(2027, 2, 20, 10, 0, tzinfo=CN_TZ)):
        assistant.send("帮我约3月10日上午在沈阳办驾驶证", sender)
        replies = assistant.send("分中心那个", sender)
        summary, _, appointment_id = finish_booking(assistant, sender, replies)
    assert "3月10日" in summary
    row = booked_row(assistant, appointment_id)
    assert row is not None and row["hall_id"] == "shenyang-02"
    assert str(row["starts_at"]).startswith("2027-03-10")


def test_a_slot_offered_as_a_button_can_be_typed_by_its_position(assistant: Assistant) -> None:
    sender = uuid.uuid4().hex
    with assistant.clock_at(datetime(2027, 2, 20, 10, 0, tzinfo=CN_TZ)):
        halls = assistant.send("我要预约在沈阳办驾驶证", sender)
        asked = assistant.send(click(halls, "hall_id"), sender)
        offered = [b for b in buttons(asked) if '"time"' in b["payload"]]
        assert len(offered) >= 2, texts(asked)
        replies = assistant.send("第二个", sender)
        _, _, appointment_id = finish_booking(assistant, sender, replies)
    chosen = parse_payload(offered[1]["payload"])
    assert chosen is not None
    row = booked_row(assistant, appointment_id)
    assert row is not None
    assert datetime.fromisoformat(str(row["starts_at"])).replace(tzinfo=CN_TZ) == (
        datetime.fromisoformat(chosen.entities["time"])
    )
