"""The call's category follows the purpose the caller opened with, not the latest line."""

from __future__ import annotations

from typing import List, Sequence, Tuple

from connectors.hotline.subject import CASE_URGE, LineReading, read_line, subject

Ranking = Sequence[Tuple[str, float]]


def readings(*lines: Tuple[str, Ranking]) -> List[LineReading]:
    return [read_line(text, ranking) for text, ranking in lines]


OPENING = ("我们公司被列入经营异常名录了,怎么才能移出来", [("credit_repair", 0.91)])


def test_detail_lines_misread_by_nlu_keep_the_opening_purpose() -> None:
    call = readings(
        OPENING,
        ("去年的年报忘了报了", [("social_security", 0.43), ("credit_repair", 0.3)]),
        ("下周就要签合同了", [("legal_question", 0.88)]),
    )
    assert [r.kind for r in call] == ["ask", "detail", "detail"]
    assert subject(call) == "credit_repair"


def test_an_answer_to_the_agent_adds_no_evidence() -> None:
    call = readings(OPENING, ("沈阳的", [("inform", 0.97), ("residence_permit", 0.02)]))
    assert call[1].kind == "control"
    assert subject(call) == "credit_repair"


def test_a_clear_change_of_subject_moves_the_category() -> None:
    call = readings(
        OPENING,
        ("对了,还有个事想问一下,社保卡丢了怎么补办", [("social_security", 0.95)]),
        ("在哪儿补", [("service_hall_info", 0.6), ("social_security", 0.3)]),
    )
    assert call[1].kind == "switch"
    assert subject(call) == "social_security"


def test_two_questions_on_another_topic_outweigh_the_opening() -> None:
    call = readings(
        OPENING,
        ("营业执照变更经营范围要啥材料", [("business_registration", 0.95)]),
        ("变更地址呢,能网上办吗", [("business_registration", 0.93)]),
    )
    assert subject(call) == "business_registration"


def test_chasing_an_earlier_request_is_its_own_category() -> None:
    call = readings(
        ("我上周打过电话反映的事怎么还没人处理", [("appointment_query", 0.62)]),
        ("就是公司被乱罚款那个", [("business_complaint", 0.7)]),
        ("你们帮我催一下", [("appointment_query", 0.5)]),
    )
    assert call[0].kind == "chase"
    assert subject(call) == CASE_URGE


def test_hurrying_the_request_being_made_is_no_chase() -> None:
    call = readings(OPENING, ("能不能快点,急着用", [("credit_repair", 0.5)]))
    assert call[1].kind != "chase"
    assert subject(call) == "credit_repair"


def test_the_agents_pin_wins() -> None:
    call = readings(OPENING)
    assert subject(call, pinned="business_complaint") == "business_complaint"


def test_a_question_naming_no_subject_asks_about_the_calls_subject() -> None:
    call = readings(
        ("我们想变更一下营业执照的经营范围", [("business_registration", 0.99)]),
        ("要准备什么材料", [("out_of_scope", 0.56), ("social_security", 0.12)]),
    )
    assert call[1].kind == "follow"
    assert subject(call) == "business_registration"


def test_a_change_of_subject_announced_alone_opens_on_the_next_line() -> None:
    call = readings(
        OPENING,
        ("对了,还有个事", [("greet", 0.4), ("credit_repair", 0.2)]),
        ("驾驶证到期了咋换", [("driver_license", 0.97)]),
    )
    assert call[1].kind == "switch" and call[1].ranking == []
    assert subject(call) == "driver_license"


def test_checking_the_line_reached_does_not_state_the_purpose() -> None:
    call = readings(
        ("喂,您好,是12345热线吗", [("hotline_info", 0.93)]),
        ("我们公司营业执照上显示经营异常了", [("credit_repair", 0.55), ("hotline_info", 0.2)]),
        ("网上能申请移出不", [("credit_repair", 0.4), ("hotline_info", 0.3)]),
    )
    assert call[0].kind == "control"
    assert subject(call) == "credit_repair"
    # A question about the hotline itself is a purpose, not a check of the line.
    asked = readings(("你们12345热线都管啥事", [("hotline_info", 0.9)]))
    assert asked[0].kind != "control"
    assert subject(asked) == "hotline_info"


def test_no_progress_said_news_first_is_a_chase() -> None:
    call = readings(
        ("我前些天反映的那个事,到现在连个回话都没有", [("case_status", 0.6)]),
        ("就是厂子被拖欠货款那个", [("legal_question", 0.8)]),
        ("都过去半个月了", [("legal_question", 0.4)]),
    )
    assert call[0].kind == "chase"
    assert subject(call) == CASE_URGE
    # Unpaid wages "一直没人管" with no earlier request is a new matter, not a chase.
    new = readings(("老板欠我三个月工资了,一直没人管", [("legal_question", 0.8)]))
    assert new[0].kind != "chase"
