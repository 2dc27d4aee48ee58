"""The reply's words: verdict shown only for its own question, the direct answer first, honest
declines that say where to ask."""

from __future__ import annotations

from knowledge.analysis import analyse
from knowledge.aspects import Aspect
from knowledge.followup import Topic
from knowledge.kinds import AnswerKind
from knowledge.rendering import (
    case_push,
    entry_answer,
    for_city,
    not_in_sources,
    not_stated,
)
from knowledge.search import Hit, default_index


def entry(entry_id: str):  # type: ignore[no-untyped-def]
    return next(e for e in default_index().entries if e.id == entry_id)


def test_an_entrys_verdict_is_shown_only_for_its_own_question() -> None:
    chosen = entry("legal_labour.deposit_id_card")
    assert chosen.answer.startswith("不合法。")
    own = entry_answer(chosen, (), None, "q", analyse("公司入职要收押金还扣身份证,合法吗"))
    other = entry_answer(chosen, (), None, "q", analyse("入职两个月了公司还不跟我签合同,合法吗"))
    assert own.reply.text.startswith("不合法。")
    assert not other.reply.text.startswith("不合法。")
    assert other.kind == AnswerKind.ENTRY and other.topic is not None
    assert other.topic.entry == chosen.id


def test_the_sentence_stating_the_asked_value_comes_first() -> None:
    question = "仲裁收钱吗"
    assert analyse(question).value_asked == Aspect.FEE
    fees = next(
        e for e in default_index().entries if "劳动争议仲裁不收费" in e.answer and e.kind == "legal"
    )
    text = entry_answer(fees, (), None, question, analyse(question)).reply.text
    assert text.split("。")[0].find("不收费") >= 0


def test_close_candidates_are_offered_as_related_buttons() -> None:
    permit, fees = entry("residence_permit.overview"), entry("residence_permit.fees")
    licence = entry("driver_license.lost")
    hits = (Hit(permit, 10.0), Hit(fees, 8.0), Hit(licence, 2.0))
    buttons = entry_answer(permit, hits, None, "居住证").reply.buttons
    titles = " ".join(str(b) for b in buttons)
    assert fees.title in titles
    assert licence.title not in titles


def test_a_point_not_in_our_sources_is_declined_with_where_to_ask() -> None:
    nearest = entry("legal_question.work_injury")
    answer = not_stated(analyse("工伤赔多少"), None, nearest)
    assert answer.kind == AnswerKind.NOT_STATED and answer.kind.declines
    assert "12348" in answer.reply.text and nearest.title in answer.reply.text
    assert answer.topic is not None and answer.topic.entry == nearest.id
    nothing = not_stated(analyse("随便什么法律问题"), None, None)
    assert nothing.kind == AnswerKind.NO_SPECIFIC and not nothing.reply.buttons


def test_a_follow_up_no_source_states_names_the_topic_and_12345() -> None:
    topic = Topic("entry", "business_complaint.channels", None, None, "投诉渠道")
    answer = not_in_sources(entry("residence_permit.overview"), "匿名", topic)
    assert "“匿名”" in answer.reply.text and "12345" in answer.reply.text
    assert answer.kind.declines and answer.topic == topic


def test_a_province_wide_entry_says_it_applies_in_the_city_asked() -> None:
    province = next(e for e in default_index().entries if e.region == "辽宁")
    topic = Topic("entry", province.id, province.service, None, province.title)
    answer = for_city(province, topic, "大连")
    assert answer.reply.text.startswith("在大连办理,按全省统一的规定")
    assert answer.topic is not None and answer.topic.city == "大连"


def test_hurrying_a_work_order_names_it_and_how_to_hurry() -> None:
    topic = Topic("case", case="GD20260001")
    answer = case_push(entry("hotline_info.followup"), topic)
    assert answer.reply.text.startswith("工单GD20260001的办理进度以承办单位答复为准")
    assert answer.kind == AnswerKind.CASE_PUSH
