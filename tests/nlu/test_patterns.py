"""Fixed-format entities: numbers are recognised exactly and told apart."""

import logging
from datetime import datetime

import pytest

from bot.nlu.patterns import find_patterns
from bot.nlu.timeparse import TZ, extract_times
from core.patterns import valid_id_number


def kinds(text: str) -> list:
    return [(m.entity, m.value) for m in find_patterns(text)]


def test_phone_and_work_order_are_not_confused() -> None:
    assert kinds("工单2026112200123到哪了,我电话13812345678") == [
        ("case_number", "2026112200123"),
        ("phone", "13812345678"),
    ]


def test_court_case_number_with_full_width_brackets() -> None:
    assert kinds("案号（2025）辽0102民初1234号进展如何") == [
        ("case_number", "(2025)辽0102民初1234号")
    ]


def test_application_and_appointment_numbers_are_upper_cased() -> None:
    assert kinds("办件bj20261120000456,预约号ap7k3m9q2x") == [
        ("case_number", "BJ20261120000456"),
        ("appointment_id", "AP7K3M9Q2X"),
    ]


def test_id_number_and_credit_code_are_told_apart() -> None:
    # 11010519491231002X is the checksum-valid example of GB 11643.
    assert kinds("身份证11010519491231002X") == [("id_number", "11010519491231002X")]
    assert kinds("统一社会信用代码91350100M000100Y43") == [("uscc", "91350100M000100Y43")]


def test_longer_digit_runs_are_not_phones() -> None:
    assert kinds("订单号138123456789012") == []


def test_time_expressions_are_resolved_in_shanghai_time() -> None:
    base = datetime(2026, 11, 23, 10, 0, tzinfo=TZ)  # a Monday
    (match,) = extract_times("帮我约下周三上午办驾驶证", base)
    assert match.value.startswith("2026-12-02T")
    assert match.value.endswith("+08:00")
    assert match.extra["text"] == "下周三上午"
    (tomorrow,) = extract_times("明天下午3点", base)
    assert tomorrow.value == "2026-11-24T15:00:00+08:00"


def test_numbers_alone_are_not_times() -> None:
    assert extract_times("12345热线") == []
    assert extract_times("工单2026112200123") == []


def test_unresolved_phrases_leave_no_error_in_the_log(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        extract_times("驾驶证每年一次体检吗")
        extract_times("仲裁最长需要多久")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text


def test_a_place_code_the_checker_lists_without_a_county_is_no_id_number() -> None:
    # python-stdnum raises KeyError for 412789…; a log line carrying it must still be masked.
    assert valid_id_number("412789188511183746") is False
