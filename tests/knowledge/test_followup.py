"""Reading follow-up cues from a message's words alone."""

from __future__ import annotations

import pytest

from knowledge.followup import Topic, is_small_talk, read_cues, section_asked


@pytest.mark.parametrize(
    ("text", "section"),
    [
        ("要带什么材料", "materials"),
        ("多久能拿到", "time_limit"),
        ("要钱吗", "fees"),
        ("收费不", "fees"),
        ("在哪办", "where"),
        ("网上能办吗", "online"),
        ("需要本人去吗", "in_person"),
        ("依据是哪条", "legal_basis"),
        ("有啥条件", "conditions"),
        ("打什么电话", "contacts"),
        ("辦理流程是什麼", "steps"),
    ],
)
def test_section_questions_are_recognised(text: str, section: str) -> None:
    assert section_asked(text) == section


def test_a_question_without_a_section_cue_asks_for_none() -> None:
    assert section_asked("员工要辞职公司能扣他工资吗") is None


def test_a_place_alone_is_a_follow_up() -> None:
    cues = read_cues("在大连呢")
    assert cues.city_only and cues.city == "大连" and cues.follows_up
    assert not read_cues("大连的营业执照怎么办").city_only


@pytest.mark.parametrize(
    "text", ["他没提前30天通知就走了呢", "那罚款单已经开了还能改吗", "如果是试用期呢"]
)
def test_elliptical_questions_lean_on_the_previous_answer(text: str) -> None:
    assert read_cues(text).elliptical


def test_a_full_new_question_is_not_elliptical() -> None:
    assert not read_cues("公司拖欠工资三个月了怎么办").elliptical


def test_pushing_a_case_and_changing_the_subject_are_recognised() -> None:
    assert read_cues("能催一下吗").case_push
    assert read_cues("换个问题").clears
    assert read_cues("我想问点别的").clears


@pytest.mark.parametrize("text", ["好的谢谢", "谢谢,再见!", "嗯嗯知道了", "没事了拜拜"])
def test_thanks_and_goodbyes_are_small_talk(text: str) -> None:
    assert is_small_talk(text)


@pytest.mark.parametrize("text", ["他没提前30天通知就走了呢", "好的,那要钱吗"])
def test_a_follow_up_is_not_small_talk(text: str) -> None:
    assert not is_small_talk(text)


def test_subject_words_are_found() -> None:
    assert read_cues("社保卡丢了要带什么材料").terms == {"社保卡丢了"}
    assert not read_cues("要带什么材料").terms


def test_topic_survives_the_slot_round_trip() -> None:
    topic = Topic("law", query="试用期辞职", articles=("劳动合同法#37",), city="沈阳")
    assert Topic.from_slot(topic.to_slot()) == topic
    assert Topic.from_slot(None) is None
    assert Topic.from_slot({"kind": "nonsense"}) is None
