"""Booking, looking up and cancelling an appointment, in Chinese, against the running system.

Rasa, the action server and the service API all run (see tests/conftest.py); the database the
API writes is checked directly, so a test passes only if the booking really happened.
"""

from __future__ import annotations

import json
import re
import sqlite3
import uuid
from typing import Any, Dict, List, Optional

import pytest

from tests.assistant import Assistant, buttons, texts

pytestmark = pytest.mark.rasa

NAME, PHONE, ID_NUMBER = "王小明", "13700000001", "11010519491231002X"


def db_row(assistant: Assistant, appointment_id: str) -> Optional[sqlite3.Row]:
    path = assistant.settings.var_dir / "service_api.db"
    with sqlite3.connect(path) as db:
        db.row_factory = sqlite3.Row
        return db.execute(
            "SELECT status, service, hall_id, phone FROM appointment WHERE id = ?",
            (appointment_id,),
        ).fetchone()


def click(replies: List[Dict[str, Any]], containing: str = "") -> str:
    """The payload of the first button whose payload contains `containing`."""
    return next(b["payload"] for b in buttons(replies) if containing in b["payload"])


def book(assistant: Assistant, sender: str) -> str:
    """A whole booking conversation; returns the appointment id the user was given."""
    replies = assistant.send("帮我约下周三上午去沈阳办驾驶证", sender)
    if any("hall_id" in b["payload"] for b in buttons(replies)):
        replies = assistant.send(click(replies, "hall_id"), sender)
    if "姓名" not in texts(replies):
        # The day asked for may be closed or full; the assistant offers free slots instead.
        replies = assistant.send(click(replies, '"time"'), sender)
    assert "姓名" in texts(replies), texts(replies)
    assert "手机号" in texts(assistant.send(NAME, sender))
    assert "身份证" in texts(assistant.send(PHONE, sender))
    summary = assistant.send(ID_NUMBER, sender)
    assert "请核对预约信息" in texts(summary)
    assert "137****0001" in texts(summary) and PHONE not in texts(summary)
    done = texts(assistant.send(click(summary, "/affirm"), sender))
    found = re.search(r"预约号:(AP[0-9A-Z]{8})", done)
    assert found, done
    return found.group(1)


def test_book_query_and_cancel_an_appointment(assistant: Assistant) -> None:
    sender = uuid.uuid4().hex
    appointment_id = book(assistant, sender)
    row = db_row(assistant, appointment_id)
    assert row is not None and row["status"] == "booked"
    assert row["service"] == "驾驶证补换领" and row["hall_id"].startswith("shenyang")

    # Right after booking, the lookup shows the new appointment at once.
    listing = texts(assistant.send("查一下我的预约", sender))
    assert appointment_id in listing and "已预约" in listing
    # In another conversation the same person finds it by phone and ID number.
    other = uuid.uuid4().hex
    assert "手机号" in texts(assistant.send("我约的是几点来着", other))
    assistant.send(PHONE, other)
    listing = texts(assistant.send(ID_NUMBER, other))
    assert appointment_id in listing and "1101**********002X" not in listing

    confirm = assistant.send(f"把预约{appointment_id}取消了", sender)
    assert "要取消这个预约吗" in texts(confirm)
    assert "已取消" in texts(assistant.send("/affirm", sender))
    assert db_row(assistant, appointment_id)["status"] == "cancelled"  # type: ignore[index]


def test_confirming_twice_books_once(assistant: Assistant) -> None:
    sender = uuid.uuid4().hex
    appointment_id = book(assistant, sender)
    again = texts(assistant.send("/affirm", sender))
    assert "预约成功" not in again
    path = assistant.settings.var_dir / "service_api.db"
    with sqlite3.connect(path) as db:
        count = db.execute(
            "SELECT COUNT(*) FROM appointment WHERE phone = ? AND status = 'booked' AND id = ?",
            (PHONE, appointment_id),
        ).fetchone()[0]
    assert count == 1


@pytest.mark.parametrize(
    ("step", "bad", "explanation"),
    [
        ("id", "110105194912310021", "校验位"),
        ("id", "11010519491231", "18位"),
        ("phone", "1370000", "11位"),
        ("phone", "23700000001", "13至19开头"),
    ],
)
def test_bad_values_get_their_own_explanation(
    assistant: Assistant, step: str, bad: str, explanation: str
) -> None:
    sender = uuid.uuid4().hex
    replies = assistant.send("帮我约下周三上午去大连办居住证", sender)
    for _ in range(3):
        if "姓名" in texts(replies):
            break
        replies = assistant.send(click(replies, "/inform"), sender)
    assistant.send(NAME, sender)
    if step == "id":
        assistant.send(PHONE, sender)
    reply = texts(assistant.send(bad, sender))
    assert explanation in reply
    # The form goes on: the same question again, nothing booked.
    assert ("身份证" if step == "id" else "手机号") in reply


def test_a_booking_right_after_a_service_answer_books_that_service(assistant: Assistant) -> None:
    sender = uuid.uuid4().hex
    assert "居住证" in texts(assistant.send("居住证怎么办", sender))
    replies = assistant.send("帮我预约一下", sender)
    # The service just answered is taken: the form goes on to the city, not "which service?".
    assert "居住证办理" in texts(replies) and "哪个市" in texts(replies)
    assert "请问要办理什么事项" not in texts(replies)
    replies = assistant.send("沈阳", sender)
    for _ in range(3):
        if "姓名" in texts(replies):
            break
        replies = assistant.send(click(replies, "/inform"), sender)
    assistant.send(NAME, sender)
    assistant.send(PHONE, sender)
    summary = assistant.send(ID_NUMBER, sender)
    assert "事项:居住证办理" in texts(summary)
    done = texts(assistant.send(click(summary, "/affirm"), sender))
    found = re.search(r"预约号:(AP[0-9A-Z]{8})", done)
    assert found, done
    row = db_row(assistant, found.group(1))
    assert row is not None and row["service"] == "居住证办理"


@pytest.mark.parametrize("wording", ["那我预约一个", "怎么预约"])
def test_other_wordings_of_booking_after_an_answer_carry_the_service(
    assistant: Assistant, wording: str
) -> None:
    sender = uuid.uuid4().hex
    assistant.send("驾照过期了怎么换", sender)
    reply = texts(assistant.send(wording, sender))
    assert "驾驶证补换领" in reply and "哪个市" in reply


def test_a_booking_with_no_service_answered_before_asks_which_service(
    assistant: Assistant,
) -> None:
    replies = assistant.send("帮我预约一下")
    assert "请问要办理什么事项" in texts(replies)
    assert "居住证办理" in [b["title"] for b in buttons(replies)]


def test_a_past_date_is_refused(assistant: Assistant) -> None:
    reply = texts(assistant.send("帮我约昨天上午在沈阳办社保卡"))
    assert "已经过去" in reply


def test_stopping_midway_submits_nothing(assistant: Assistant) -> None:
    sender = uuid.uuid4().hex
    assistant.send("我想预约办营业执照", sender)
    reply = texts(assistant.send("算了不办了", sender))
    assert "已停止" in reply
    tracker = assistant.tracker(sender)
    assert tracker["active_loop"] in ({}, None) or not tracker["active_loop"].get("name")


def test_case_status_shows_a_timeline(assistant: Assistant) -> None:
    reply = texts(assistant.send("工单2026110300017办到哪一步了"))
    assert "已受理" in reply and "办理中" in reply


def test_malformed_case_number_is_explained(assistant: Assistant) -> None:
    sender = uuid.uuid4().hex
    assistant.send("帮我查一下工单进度", sender)
    reply = texts(assistant.send("20261103", sender))
    assert "13位" in reply


def test_legal_checkup_request_is_submitted(assistant: Assistant) -> None:
    sender = uuid.uuid4().hex
    replies = assistant.send("我要申请法治体检", sender)
    assert "企业全称" in texts(replies)
    assistant.send("演示机械制造有限公司", sender)
    bad = texts(assistant.send("91210100MA0000001A", sender))
    assert "校验位" in bad
    assistant.send("91210100MA0000001G", sender)
    assistant.send("李华", sender)
    assistant.send(PHONE, sender)
    assistant.send("沈阳", sender)
    summary = assistant.send("合同和劳动用工", sender)
    assert "合同管理" in texts(summary) and "劳动用工" in texts(summary)
    done = texts(assistant.send("/affirm", sender))
    found = re.search(r"申请编号:(\w+)", done)
    assert found, done
    path = assistant.settings.var_dir / "service_api.db"
    with sqlite3.connect(path) as db:
        topics = db.execute(
            "SELECT topics FROM legal_checkup WHERE id = ?", (found.group(1),)
        ).fetchone()[0]
    assert set(json.loads(topics)) == {"合同管理", "劳动用工"}
