"""The call's subject weighs the words of its lines, not NLU alone: an introduction is no
evidence, and a line NLU reads as out of scope belongs to the category its words name."""

from __future__ import annotations

import pytest

from connectors.hotline.subject import (
    LineReading,
    introduces,
    read_evidence,
    read_line,
    subject,
)
from connectors.hotline.topic_words import default_topic_words


@pytest.mark.parametrize(
    "text", ["我们是沈阳市瑞丰电子科技有限公司的", "营口鲅鱼圈的企业", "沈阳铁西区的"]
)
def test_a_line_saying_only_who_or_where_the_caller_is_introduces(text: str) -> None:
    assert introduces(text)


@pytest.mark.parametrize(
    "text", ["公司被标记经营异常了", "我们企业在沈阳,年报忘了报", "我们公司在大连,做软件的"]
)
def test_a_line_with_a_matter_of_its_own_is_no_introduction(text: str) -> None:
    assert not introduces(text)


def test_an_introduction_misread_by_nlu_does_not_open_the_call() -> None:
    call = [
        read_line("我们是沈阳市瑞丰电子科技有限公司的", [("legal_checkup", 0.37)]),
        read_line("公司被标记经营异常了,说是公示的信息隐瞒真实情况", [("credit_repair", 0.99)]),
        read_line("其实就是填年报的时候从业人数填错了", [("out_of_scope", 0.9)]),
        read_line("这种情况怎么修复", [("lenient_enforcement", 0.5), ("credit_repair", 0.25)]),
    ]
    assert call[0].kind == "control"
    assert subject(call) == "credit_repair"


def test_words_naming_a_category_take_an_out_of_scope_reading() -> None:
    call = [
        read_line("我驾照扣满十二分了,咋办", [("out_of_scope", 0.84), ("driver_license", 0.14)]),
        read_line("大连的", [("out_of_scope", 0.01)]),
        read_line("学习要多少天", [("out_of_scope", 0.97)]),
    ]
    assert call[0].lexical and call[0].lexical[0][0] == "driver_license"
    assert subject(call) == "driver_license"


def test_a_line_whose_words_name_nothing_keeps_nlus_reading() -> None:
    reading = LineReading(kind="ask", ranking=[("out_of_scope", 0.9)])
    assert reading.evidence == {"out_of_scope": 0.9}


def test_a_narrower_reading_is_not_moved_by_the_words() -> None:
    # An appointment to renew a driving licence names the licence; NLU's reading stands in the
    # hand-set evidence (the fitted model's share of a line's evidence is its own reading).
    reading = read_evidence(
        "你好,能不能在你们这约个号,去政务大厅办驾驶证换证",
        [("appointment_book", 0.69), ("driver_license", 0.17)],
    )
    assert max(reading.evidence, key=reading.evidence.__getitem__) == "appointment_book"


def test_topic_words_come_from_the_entries_of_each_category() -> None:
    words = default_topic_words()
    assert dict(words.evidence("驾照"))["driver_license"] > 0.5
    assert dict(words.evidence("想办居住证"))["residence_permit"] > 0.5
    # Words every category uses name none.
    assert words.evidence("我们公司的问题") == []


def test_a_category_with_many_entries_does_not_take_every_word() -> None:
    # Legal questions are most of the knowledge base; 营业执照 still names registration.
    shares = default_topic_words().evidence("营业执照")
    assert shares[0][0] == "business_registration"


def test_a_legal_reading_of_a_line_naming_a_service_goes_to_the_service() -> None:
    call = [
        read_line(
            "您好,我们公司有好几个外地员工要办居住证",
            [("legal_question", 0.53), ("residence_permit", 0.35)],
        ),
        read_line("能不能公司统一给他们办", [("legal_question", 0.78)]),
        read_line("需要公司出啥证明", [("legal_question", 0.88)]),
    ]
    assert call[0].names_service
    assert subject(call) == "residence_permit"


def test_a_legal_question_naming_no_service_stays_legal() -> None:
    # 欠 and 合同 are words of other matters too, but the line names no service. (A company
    # that wants to deregister with debts unsettled is a deregistration matter: 清算 first.)
    reading = read_line(
        "客户欠我们货款一直不还,合同里也没写违约金",
        [("legal_question", 0.77), ("business_registration", 0.09)],
    )
    assert not reading.names_service
    assert max(reading.evidence, key=reading.evidence.__getitem__) == "legal_question"
