"""A typed reply picks an offered button only when it names exactly one."""

from __future__ import annotations

import pytest

from core.choices import Payload, match_choice, parse_payload

HALLS = ["演示沈阳市政务服务中心", "演示沈阳市政务服务分中心"]


@pytest.mark.parametrize(
    ("typed", "chosen"),
    [
        ("演示沈阳市政务服务中心", 0),
        ("演示沈阳市政务服务分中心。", 1),
        ("第一个", 0),
        ("我选第二个", 1),
        ("2", 1),
        ("最后一个", 1),
        ("中心那个", 0),
        ("就分中心那个吧", 1),
        ("去分中心办", 1),
        ("沈阳市政务服务中心", 0),
        ("沈阳中心", 0),
    ],
)
def test_a_typed_name_or_position_picks_that_hall(typed: str, chosen: int) -> None:
    assert match_choice(typed, HALLS) == chosen


@pytest.mark.parametrize("typed", ["沈阳", "中心在哪", "在哪办", "这个", "二", "第三个", ""])
def test_an_ambiguous_or_other_message_picks_nothing(typed: str) -> None:
    assert match_choice(typed, HALLS) is None


def test_slot_buttons_are_picked_by_position_or_their_label() -> None:
    slots = ["12月8日(周二) 09:00", "12月8日(周二) 09:30", "12月8日(周二) 17:00(延时)"]
    assert match_choice("第三个", slots) == 2
    assert match_choice("12月8日(周二)09:30", slots) == 1
    assert match_choice("延时那个", slots) == 2
    assert match_choice("下周三上午", slots) is None


def test_payloads_are_read_as_rasa_reads_them() -> None:
    assert parse_payload('/inform{"hall_id": "shenyang-01"}') == Payload(
        "inform", {"hall_id": "shenyang-01"}
    )
    assert parse_payload("/affirm") == Payload("affirm", {})
    assert parse_payload("/inform{broken") is None
    assert parse_payload("随便说说") is None
