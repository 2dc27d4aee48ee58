"""Choosing the answer: follow-ups within the topic, answer first, legal answers that fit."""

from __future__ import annotations

from typing import List, Optional, Tuple

from knowledge.followup import Topic
from knowledge.resolve import Answer, default_resolver


def play(*texts: str, topic: Optional[Topic] = None) -> List[Tuple[str, Answer]]:
    """One conversation through the resolver, carrying the topic as the action server does."""
    resolver = default_resolver()
    played = []
    for text in texts:
        answer = resolver.respond(text, topic=topic)
        played.append((text, answer))
        topic = answer.topic or topic
    return played


def test_residence_permit_follow_ups_stay_on_the_residence_permit() -> None:
    turns = play(
        "外地户口在沈阳怎么办居住证",
        "要带什么材料",
        "多久能拿到",
        "要钱吗",
        "需要本人去吗",
        "网上能办吗",
        "在大连呢",
    )
    replies = [answer.reply.text for _, answer in turns]
    assert all(answer.kind in ("entry", "section") for _, answer in turns)
    assert all((answer.entry or "").startswith("residence_permit.") for _, answer in turns)
    assert "居民身份证" in replies[1]
    assert "5至20分钟" in replies[2]
    assert "免" in replies[3]
    assert "代为申领" in replies[4]
    assert "辽事通" in replies[5]
    assert "大连" in replies[6]


def test_a_service_named_alone_gets_its_overview_not_a_menu() -> None:
    ((_, answer),) = play("居住证怎么办")
    assert answer.kind == "entry"
    assert answer.entry == "residence_permit.overview"


def test_traditional_characters_asking_for_materials_get_the_materials() -> None:
    ((_, answer),) = play("居住證要帶哪些證件去辦")
    assert answer.kind == "section"
    assert "居民身份证" in answer.reply.text


def test_asking_for_a_services_phone_number_gets_the_number() -> None:
    ((_, answer),) = play("法律援助打什么电话")
    assert "12348" in answer.reply.text
    assert answer.kind != "menu"


def test_a_new_subject_replaces_the_topic() -> None:
    turns = play("居住证怎么办", "社保卡丢了怎么补办")
    assert turns[1][1].entry == "social_security.card"


def test_an_answer_offers_related_entries_after_it() -> None:
    ((_, answer),) = play("外地户口在沈阳怎么办居住证")
    payloads = [b["payload"] for b in answer.reply.buttons]
    assert any('"kb_entry"' in p for p in payloads)
    assert answer.reply.text.index("依据") < answer.reply.text.index("相关问题")


def test_pushing_a_looked_up_case_explains_how_to_urge_it() -> None:
    case = Topic("case", case="2026110300017", query="噪音扰民")
    ((_, answer),) = play("能催一下吗", topic=case)
    assert answer.kind == "case_push"
    assert "2026110300017" in answer.reply.text and "12345" in answer.reply.text


def test_nothing_relevant_is_not_found() -> None:
    ((_, answer),) = play("火星移民签证怎么办")
    assert answer.kind in ("not_found", "no_specific")
    assert "12345" in answer.reply.text or "12348" in answer.reply.text


def test_a_legal_question_no_source_answers_is_declined_not_given_a_guide_on_other_words() -> None:
    resolver = default_resolver()
    # No article and no legal entry answers it; the best guide (a city's finance news) shares
    # only the word 贷款 with it.
    declined = resolver.respond("贷款展期与贷款重组是什么关系？", intent="legal_question")
    assert declined.kind.declines
    assert "盘锦" not in declined.reply.text
    # A guide about the question still answers when no law does.
    guided = resolver.respond("被骗了找谁", intent="legal_question")
    assert not guided.kind.declines


def test_a_section_asked_under_a_service_intent_is_that_services() -> None:
    answer = default_resolver().respond(
        "兜里没几个子儿 官司想找人帮着打 上哪整去", intent="legal_aid"
    )
    assert (answer.entry or "").startswith("legal_aid.")
    assert "法律援助" in answer.reply.text
