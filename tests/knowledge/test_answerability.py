"""The point of a question: its aspect, whether a candidate states it, and what the user reads."""

from __future__ import annotations

from typing import List, Optional, Set, Tuple

import pytest

from knowledge.answerability import concept_first, states_point
from knowledge.aspects import Aspect, asked_aspects, asked_unit, states
from knowledge.followup import Topic
from knowledge.legal_lexicon import default_lexicon
from knowledge.resolve import Answer, default_resolver


def play(*texts: str, intent: Optional[str] = None) -> List[Tuple[str, Answer]]:
    resolver = default_resolver()
    topic: Optional[Topic] = None
    played = []
    for text in texts:
        answer = resolver.respond(text, intent=intent, topic=topic)
        played.append((text, answer))
        topic = answer.topic or topic
    return played


@pytest.mark.parametrize(
    ("question", "aspect"),
    [
        ("仲裁收钱吗", Aspect.FEE),
        ("多长时间内得去申请", Aspect.TIME),
        ("入职两个月了公司还不跟我签合同,能要什么赔偿", Aspect.COMPENSATION),
        ("加班费怎么算", Aspect.CALCULATION),
        ("劳动仲裁去哪申请", Aspect.PLACE),
        ("公司扣押我的身份证合法吗", Aspect.PERMISSION),
    ],
)
def test_the_point_of_a_question_is_read_from_its_words(question: str, aspect: Aspect) -> None:
    assert asked_aspects(question)[0] == aspect


def test_a_text_states_a_time_or_a_fee_only_when_it_gives_one() -> None:
    assert states(Aspect.TIME, "申请仲裁的时效期间为一年")
    assert not states(Aspect.TIME, "仲裁时效期间从当事人知道权利被侵害之日起计算")
    assert states(Aspect.FEE, "劳动争议仲裁不收费。")
    assert not states(Aspect.FEE, "劳动者可以向劳动争议仲裁委员会申请仲裁")


def test_arbitration_fee_then_time_limit_after_unpaid_wages() -> None:
    turns = play("老板拖了三个月工资不给", "仲裁收钱吗", "多长时间内得去申请")
    fee, time_limit = turns[1][1].reply.text, turns[2][1].reply.text
    # The direct answer first, not the court-fee table.
    assert fee.startswith("劳动争议起诉前一般要先经仲裁,劳动争议仲裁不收费")
    assert "一年" in time_limit.split("\n")[0]
    assert "第二十七条" in time_limit
    assert time_limit != fee


def test_no_written_contract_after_two_months_gets_double_wages_not_the_id_card_entry() -> None:
    ((_, answer),) = play("入职两个月了公司还不跟我签合同,能要什么赔偿")
    assert "二倍工资" in answer.reply.text
    assert "第八十二条" in answer.reply.text
    assert "不合法。" not in answer.reply.text


def test_an_entrys_verdict_is_not_given_to_another_question() -> None:
    ((_, answer),) = play("合同里没写违约金,对方违约了我们能要赔偿吗")
    assert not answer.reply.text.startswith("只能选一个")


def test_compensation_asked_where_no_source_states_it_is_declined_honestly() -> None:
    ((_, answer),) = play("劳务派遣工工伤谁赔多少", intent="legal_question")
    text = answer.reply.text
    assert text.startswith("抱歉,关于您问的赔偿,我们收录的资料和法律条文里没有找到明确的规定")
    assert "12348" in text
    assert answer.kind.declines


def test_the_direct_answer_leaves_out_a_verdict_for_another_question() -> None:
    ((_, answer),) = play("公司扣押身份证要罚多少钱", intent="legal_question")
    first = answer.reply.text.split("。")[0]
    assert "五百元以上二千元以下" in answer.reply.text.split("\n")[0]
    assert "不合法" not in answer.reply.text.split("\n")[0]
    assert first


def test_an_answer_covers_a_question_when_it_names_its_key_concepts() -> None:
    from knowledge.answerability import covers
    from knowledge.law_search import question_concepts

    question = "员工要辞职,公司能扣他工资吗"
    asked = question_concepts(question)
    assert covers(asked, question, "劳动者提前三十日书面通知可以解除劳动合同,工资不得克扣")
    assert not covers(asked, question, "用人单位自用工之日起超过一个月未订立书面劳动合同的")


@pytest.mark.parametrize(
    ("question", "named", "denied"),
    [
        ("合同里压根没约定违约金,对方违约了能让他赔我们损失吗", {"违约", "赔偿"}, {"违约金"}),
        ("合同里未写明违约金怎么办", set(), {"违约金"}),
        # The negation inside the concept's own question form names it.
        ("入职两个月了公司还不跟我签合同", {"书面劳动合同"}, set()),
        # Named once as absent and once as asked: it is asked.
        ("没有约定违约金的,违约金怎么算", {"违约金"}, set()),
    ],
)
def test_a_concept_named_only_as_absent_is_not_the_subject(
    question: str, named: Set[str], denied: Set[str]
) -> None:
    lexicon = default_lexicon()
    assert named <= lexicon.question_concepts(question)
    assert lexicon.denied_concepts(question) == denied
    assert not denied & lexicon.question_concepts(question)
    for concept in denied:
        assert concept not in lexicon.without_denied(question)


def test_a_concept_inside_a_longer_word_of_another_is_that_word() -> None:
    lexicon = default_lexicon()
    assert "违约" not in lexicon.question_concepts("违约金和定金能一起要吗")
    # A pattern with gaps is no word: 工资 in "欠了俩月工资" is mentioned as well.
    assert {"拖欠工资", "工资"} <= lexicon.question_concepts("厂子欠了俩月工资没发")


def test_damages_without_a_penalty_clause_are_not_answered_by_the_penalty_entry() -> None:
    ((_, answer),) = play("合同里没写违约金,对方违约了我们能要赔偿吗", intent="legal_question")
    # The related questions offered after the answer may name that entry; the answer may not.
    body = answer.reply.text.split("相关问题")[0]
    assert "只能选一个" not in body and "选择适用违约金" not in body
    assert "第五百七十七条" in body or "第五百八十四条" in body


def test_a_cited_law_title_does_not_state_its_words() -> None:
    lexicon = default_lexicon()
    cited = "保全申请费最多不超过5000元(《诉讼费用交纳办法》第十四条)"
    assert lexicon.missing(frozenset({"诉讼费"}), cited) == {"诉讼费"}
    assert not lexicon.missing(frozenset({"诉讼费"}), "起诉要先交诉讼费")


def test_a_span_asked_in_a_unit_is_stated_in_that_unit() -> None:
    assert asked_unit("借给朋友的钱几年不要就过期了") == "年"
    assert asked_unit("工伤认定多久能出结果") is None
    half_year = "在时效期间的最后六个月内不能行使请求权的,时效中止"
    assert states(Aspect.TIME, half_year)
    assert not states(Aspect.TIME, half_year, "年")
    assert states(Aspect.TIME, "诉讼时效期间一般为三年", "年")


def test_a_follow_up_on_a_concept_the_topic_states_stays_and_gets_that_sentence_first() -> None:
    (_, first), (_, follow) = play(
        "借给朋友的钱几年不要就过期了", "我发微信催过他算不算", intent="legal_question"
    )
    assert "三年" in first.reply.text.split("。")[0]
    assert follow.topic is not None and first.topic is not None
    assert follow.topic.entry == first.topic.entry
    opening = follow.reply.text.split("。")[0]
    assert "中断" in opening and not opening.startswith("一般算数")


def test_the_sentence_on_the_asked_concept_comes_first_unless_a_verdict_answers() -> None:
    text = "诉讼时效期间一般为三年。权利人提出履行请求的,诉讼时效中断。"
    assert concept_first(text, frozenset({"时效中断"})).startswith("权利人提出履行请求")
    assert concept_first("可以。" + text, frozenset({"时效中断"})).startswith("可以。")
    assert concept_first(text, frozenset({"诉讼时效"})) == text


PROBATION = (
    "劳动合同期限3个月以上不满1年的,试用期不超过1个月。"
    "试用期工资不得低于本单位相同岗位最低档工资或约定工资的80%。"
)


def test_a_value_is_stated_only_of_what_the_question_is_about() -> None:
    # The only time here is the probation period's: a question on when wages are paid is
    # not answered by it, one on how long probation lasts is.
    assert not states_point(Aspect.TIME, PROBATION, None, frozenset({"工资"}))
    assert states_point(Aspect.TIME, PROBATION, None, frozenset({"试用期"}))
    # A question naming no key concept takes any sentence stating the value.
    assert states_point(Aspect.TIME, PROBATION, None, frozenset())


def test_laws_of_a_relation_the_question_never_names_answer_nothing() -> None:
    lexicon = default_lexicon()
    assert "劳动合同法" in lexicon.unsaid_laws("赠与房屋可以不签订书面合同吗")
    assert "劳动合同法" not in lexicon.unsaid_laws("入职两个月了公司还不跟我签合同")
    ((_, gift),) = play("赠与房屋可以不签订书面合同吗", intent="legal_question")
    assert "劳动合同法" not in gift.reply.text
    # The relation named earlier in the conversation holds for its follow-ups.
    turns = play("老板拖了三个月工资不给", "仲裁收钱吗")
    assert "劳动争议仲裁不收费" in turns[1][1].reply.text


def test_no_concept_is_read_inside_a_word_that_means_something_else() -> None:
    lexicon = default_lexicon()
    assert "租赁" not in lexicon.question_concepts("乘出租车把行李弄丢了能要赔偿吗")
    assert "租赁" in lexicon.question_concepts("房子出租出去了租客不交租金")
