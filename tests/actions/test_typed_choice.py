"""A typed reply naming an offered button fills the form's slots through the domain's mappings."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict

import pytest
import yaml

from actions.forms import slots_from_payload, typed_choice
from core.choices import Payload
from core.paths import PROJECT_ROOT
from tests.actions.helpers import tracker

FORM = "appointment_form"
HALL_BUTTONS = [
    {"title": "演示沈阳市政务服务中心", "payload": '/inform{"hall_id": "shenyang-01"}'},
    {"title": "演示沈阳市政务服务分中心", "payload": '/inform{"hall_id": "shenyang-02"}'},
]


@pytest.fixture(scope="module")
def domain() -> Dict[str, Any]:
    loaded: Dict[str, Any] = yaml.safe_load(Path(PROJECT_ROOT / "domain.yml").read_text("utf-8"))
    return loaded


def _after_buttons(text: str, buttons: list[dict[str, str]]) -> Any:
    earlier = [
        {"event": "user", "text": "帮我约明天在沈阳办驾驶证"},
        {"event": "bot", "text": "这个市有几个大厅可以办,请选一个:", "data": {"buttons": buttons}},
    ]
    return tracker(text, "service_hall_info", events=earlier)


def test_the_typed_hall_fills_hall_id(domain: Dict[str, Any]) -> None:
    chosen = typed_choice(_after_buttons("分中心那个", HALL_BUTTONS))
    assert chosen == Payload("inform", {"hall_id": "shenyang-02"})
    slots = ["hall_id", "appointment_time"]
    assert slots_from_payload(chosen, domain, slots, FORM, "hall_id") == {"hall_id": "shenyang-02"}


def test_only_the_buttons_of_the_turn_just_answered_count() -> None:
    older = [
        {"event": "bot", "text": "请选一个:", "data": {"buttons": HALL_BUTTONS}},
        {"event": "user", "text": "演示沈阳市政务服务中心"},
        {"event": "bot", "text": "请问您的姓名?", "data": {}},
    ]
    assert typed_choice(tracker("第一个", "inform", events=older)) is None


def test_a_typed_confirmation_sets_the_confirmation_slot(domain: Dict[str, Any]) -> None:
    buttons = [
        {"title": "确认预约", "payload": "/affirm"},
        {"title": "不办了", "payload": "/deny"},
    ]
    chosen = typed_choice(_after_buttons("确认预约", buttons))
    assert chosen is not None
    slots = ["booking_confirmed"]
    assert slots_from_payload(chosen, domain, slots, FORM, "booking_confirmed") == {
        "booking_confirmed": True
    }
    # Only while the form asks for it, as the domain's mapping says.
    assert slots_from_payload(chosen, domain, slots, FORM, "phone") == {}
    # The other button's intent fills nothing: stopping the form is the dialogue's decision.
    refused = typed_choice(_after_buttons("不办了", buttons))
    assert refused is not None
    assert slots_from_payload(refused, domain, slots, FORM, "booking_confirmed") == {}


def test_a_question_or_a_click_is_no_typed_choice() -> None:
    assert typed_choice(_after_buttons("中心在哪里", HALL_BUTTONS)) is None
    assert typed_choice(_after_buttons('/inform{"hall_id": "shenyang-01"}', HALL_BUTTONS)) is None
