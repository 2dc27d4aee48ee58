"""Multi-turn dialogues (tests/dialogue/multiturn): the reported set against the running
assistant, the checker on hand-made replies, and the shape of the dialogue files."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Dict, List

import pytest

from tests.assistant import Assistant
from tests.conftest import FIGURES
from tests.dialogue.multiturn.runner import (
    FAILURE_KINDS,
    Dialogue,
    Message,
    Phrases,
    Turn,
    _domain_responses,
    check,
    expand,
    expand_expected,
    load,
    parse_dialogues,
    play,
    rest_sender,
    shown_kinds,
    workday_phrase,
)

# The share of turns of the reported set whose reply must meet every expectation.
MIN_TURN_PASS_RATE = 0.90

ROOT = Path(__file__).resolve().parents[2]
REPORT = ROOT / "var" / "multiturn_test.txt"


@pytest.mark.rasa
def test_reported_dialogues_pass(assistant: Assistant) -> None:
    result = play(load("test"), rest_sender(assistant.settings.rasa_url), tag="mt-test")
    FIGURES.append(result.summary())
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(result.report(), encoding="utf-8")
    rate = result.turn_rate
    assert rate >= MIN_TURN_PASS_RATE, f"{result.summary()}; every failed turn is in {REPORT}"


# --- the checker, on hand-made replies --------------------------------------------------------

PHRASES = Phrases.from_project()
DOMAIN = _domain_responses(ROOT)

STEPS = '/inform{"kb_entry": "residence_permit.materials", "kb_section": "steps"}'
ANSWER = [
    {
        "text": "申领居住证需要的材料 · 所需材料\n· 本人居民身份证(必需)\n· 本人相片(必需)",
        "buttons": [{"title": "办理流程", "payload": STEPS}],
    }
]
CHOICES = [
    {
        "text": "我找到几条可能相关的内容,您想了解哪一条?",
        "buttons": [
            {"title": "居住证申领条件", "payload": '/inform{"kb_entry": "residence_permit.x"}'},
            {"title": "居住证在哪里办", "payload": '/inform{"kb_entry": "residence_permit.y"}'},
        ],
    }
]
REWORDED_CHOICES = [
    {
        "text": "您问的是下面哪件事?",
        "buttons": [
            {"title": "甲", "payload": '/inform{"kb_entry": "a.b"}'},
            {"title": "乙", "payload": '/inform{"kb_entry": "c.d"}'},
        ],
    }
]
LEGAL_ANSWER = [
    {
        "text": "按《劳动合同法》第十九条,试用期不超过6个月。\n依据:《劳动合同法》第十九条\n"
        "以上是一般性法律信息,不是针对您具体情况的法律意见。具体问题可拨打12348公共法律服务热线"
        "或咨询律师;企业还可以申请免费的法治体检。"
    }
]


def domain_reply(name: str) -> List[Message]:
    return [{"text": DOMAIN[name][0]}]


def turn(**fields: object) -> Turn:
    return parse_dialogues({"dialogues": [{"id": "t", "turns": [fields]}]})[0].turns[0]


def test_an_answer_with_what_was_expected_passes() -> None:
    asked = turn(user="要带什么材料", expect=["身份证", ["照片", "相片"]], reject=["menu"])
    assert check(asked, ANSWER, PHRASES) == []


def test_a_missing_item_fails_and_alternatives_need_one() -> None:
    asked = turn(user="要带什么材料", expect=["户口本", ["照片", "指纹"]])
    assert check(asked, ANSWER, PHRASES) == ["missing 户口本", "missing 照片 | 指纹"]


def test_menus_are_recognised_by_text_and_by_their_buttons() -> None:
    asked = turn(user="居住证怎么办", reject=["menu"])
    assert check(asked, CHOICES, PHRASES) == ["shows menu"]
    assert check(asked, REWORDED_CHOICES, PHRASES) == ["shows menu"]
    fallback_choice = [
        {
            "text": "我不太确定您想问的是哪一项,请选一下:",
            "buttons": [
                {"title": "居住证", "payload": "/residence_permit"},
                {"title": "都不是", "payload": "/out_of_scope"},
            ],
        }
    ]
    assert "menu" in shown_kinds(fallback_choice, PHRASES)
    # Section buttons under an answer do not make it a menu.
    assert "menu" not in shown_kinds(ANSWER, PHRASES)


@pytest.mark.parametrize(
    ("response", "kind"),
    [
        ("utter_ask_rephrase", "fallback"),
        ("utter_default", "fallback"),
        ("utter_goodbye", "goodbye"),
        ("utter_greet", "greeting"),
        ("utter_ask_topic", "ask_topic"),
        ("utter_out_of_scope", "out_of_scope"),
        ("utter_ok", "acknowledged"),
    ],
)
def test_domain_responses_show_their_failure_kind(response: str, kind: str) -> None:
    reply = domain_reply(response)
    assert kind in shown_kinds(reply, PHRASES)
    assert check(turn(user="多久能拿到", reject=[kind]), reply, PHRASES) == [f"shows {kind}"]
    assert kind not in shown_kinds(ANSWER, PHRASES)


def test_not_found_is_recognised() -> None:
    from knowledge.answer import NOT_FOUND

    assert "not_found" in shown_kinds([{"text": NOT_FOUND}], PHRASES)


def test_literal_rejects_and_the_disclaimer() -> None:
    asked = turn(user="试用期辞职要提前几天", expect=["三日"], reject=["第十九条"])
    assert check(asked, LEGAL_ANSWER, PHRASES) == ["missing 三日", "contains rejected 第十九条"]
    # The disclaimer under every legal answer does not count as answering "打什么电话".
    assert check(turn(user="法律援助打什么电话", expect=["12348"]), LEGAL_ANSWER, PHRASES) == [
        "missing 12348"
    ]


def test_texts_are_compared_width_folded_and_by_regex() -> None:
    reply = [{"text": "每月扣除的部分不得超过劳动者当月工资的２０％。"}]
    assert check(turn(user="能扣多少", expect=["20%"]), reply, PHRASES) == []
    hours = [{"text": "工作日 9:00-17:00 办公"}]
    asked = turn(user="几点上班", reject=["re:[0-9]{1,2}:[0-9]{2}-"])
    assert check(asked, hours, PHRASES) == ["contains rejected re:[0-9]{1,2}:[0-9]{2}-"]


def test_an_empty_reply_fails() -> None:
    assert check(turn(user="你好", reject=["menu"]), [], PHRASES) == ["empty reply"]


def test_playing_counts_turns_dialogues_and_menus() -> None:
    dialogues = parse_dialogues(
        {
            "dialogues": [
                {
                    "id": "good",
                    "turns": [
                        {"user": "外地户口怎么办居住证", "expect": ["身份证"]},
                        {"click": "办理流程", "reject": ["menu"]},
                    ],
                },
                {
                    "id": "bad",
                    "turns": [
                        {"user": "居住证怎么办", "expect": ["派出所"], "reject": ["menu"]},
                        {"click": "没有这个按钮", "reject": ["menu"]},
                        {"user": "谢谢", "kind": "control", "reject": ["fallback"]},
                    ],
                },
            ]
        }
    )
    sent: List[tuple] = []
    replies: Dict[str, List[Message]] = {
        "外地户口怎么办居住证": ANSWER,
        STEPS: [{"text": "1. 准备身份证"}],
        "居住证怎么办": CHOICES,
        "谢谢": [{"text": "不客气"}],
    }

    def send(sender: str, message: str) -> List[Message]:
        sent.append((sender, message))
        return replies[message]

    result = play(dialogues, send, PHRASES)
    assert (result.turns_passed, result.turns_total) == (3, 5)
    assert (result.dialogues_passed, result.dialogues_total) == (1, 2)
    # Knowledge turns: four (the click without a button counts, with no menu shown).
    assert (result.knowledge_menus, result.knowledge_turns) == (1, 4)
    assert [(f.dialogue, f.turn) for f in result.failures] == [("bad", 1), ("bad", 2)]
    assert result.failures[0].problems == ["missing 派出所", "shows menu"]
    assert "没有这个按钮" in result.failures[1].problems[0]
    # The clicked button's payload was sent; each dialogue had its own sender id.
    assert sent[1][1] == STEPS
    assert len({s for s, _ in sent if "good" in s}) == 1
    assert {s for s, _ in sent if "good" in s} != {s for s, _ in sent if "bad" in s}
    assert len(sent) == 4
    summary = result.summary()
    assert re.match(
        r"multi-turn dialogues: turn pass rate 0\.600 \(3/5\), dialogue success 0\.500 \(1/2\), "
        r"menu share 0\.250",
        summary,
    )
    assert "[bad] turn 1: 居住证怎么办" in result.report()
    assert result.reply_kinds()["menu"] == 1


def test_a_failing_request_fails_its_turn_and_the_run_goes_on() -> None:
    dialogues = parse_dialogues(
        {"dialogues": [{"id": "d", "turns": [{"user": "a", "reject": ["menu"]}] * 2}]}
    )

    def send(sender: str, message: str) -> List[Message]:
        raise ConnectionError("refused")

    result = play(dialogues, send, PHRASES)
    assert result.turns_passed == 0 and len(result.failures) == 2
    assert "request failed" in result.failures[0].problems[0]


def test_date_placeholders() -> None:
    tuesday = date(2026, 12, 1)
    assert workday_phrase("下周三", tuesday) == "下周三"
    assert expand("帮我约{workday:下周三}上午", tuesday) == "帮我约下周三上午"
    assert expand_expected("{date:下周三}", tuesday) == "12月9日"
    # 2025-10-01 is National Day; the holiday runs to the 8th.
    assert workday_phrase("下周三", date(2025, 9, 24)) == "10月9日"
    assert expand_expected("{date:下周三}", date(2025, 9, 24)) == "10月9日"


@pytest.mark.parametrize(
    "bad",
    [
        {"dialogues": [{"id": "x", "turns": [{"user": "你好"}]}]},
        {"dialogues": [{"id": "x", "turns": [{"user": "你好", "payload": "/greet"}]}]},
        {"dialogues": [{"id": "x", "turns": [{"click": "确认", "reject": ["menu"]}]}]},
        {"dialogues": [{"id": "x", "turns": [{"user": "a", "reject": ["menu"], "kind": "?"}]}]},
        {"dialogues": [{"id": "x", "turns": [{"user": "a", "expect": "身份证"}]}]},
        {
            "dialogues": [
                {"id": "x", "turns": [{"user": "a", "reject": ["menu"]}]},
                {"id": "x", "turns": [{"user": "b", "reject": ["menu"]}]},
            ]
        },
    ],
    ids=["no-check", "two-sends", "click-first", "bad-kind", "expect-not-list", "id-twice"],
)
def test_malformed_dialogues_are_refused(bad: dict) -> None:
    with pytest.raises(ValueError):
        parse_dialogues(bad)


# --- the dialogue files -------------------------------------------------------------------------


def user_texts(dialogues: List[Dialogue]) -> set:
    return {t.user.strip() for d in dialogues for t in d.turns if t.user is not None}


def test_dialogue_files_are_well_formed() -> None:
    reported, development = load("test"), load("dev")  # each turn checked by the loader
    assert len(reported) >= 65
    assert sum(len(d.turns) for d in reported) >= 200
    assert len(development) >= 25
    every = reported + development
    ids = [d.id for d in every]
    assert len(ids) == len(set(ids)), "a dialogue id appears twice"
    assert not user_texts(reported) & user_texts(development)
    for dialogue in every:
        for step in dialogue.turns:
            assert step.expect or step.reject
            # A lower-case word in `reject` is a failure kind; a typo would silently match nothing.
            for item in step.reject:
                if re.fullmatch(r"[a-z_]+", item):
                    assert item in FAILURE_KINDS, f"{dialogue.id}: unknown failure kind {item}"
            if step.user is not None:
                assert "{" not in expand(step.user), f"{dialogue.id}: unknown placeholder"
            for expected in step.expect:
                for alternative in expected if isinstance(expected, list) else [expected]:
                    if not alternative.startswith("re:"):
                        assert "{" not in expand_expected(alternative), dialogue.id
