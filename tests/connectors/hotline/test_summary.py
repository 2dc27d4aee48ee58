"""The work-order summary states the call's facts, and keeps what the agent wrote."""

import re

from connectors.hotline.facts import call_facts
from connectors.hotline.summary import compose, summarize


def composed(category: str, *lines: str) -> str:
    return compose(call_facts(lines), category, "".join(lines))


def test_the_summary_says_who_where_what_and_the_ask() -> None:
    text = composed(
        "business_complaint",
        "我在大连甘井子区一个工地干活,包工头姓刘,拖了两年了还没给钱",
        "老板欠了我们三个月工资,一共两万五",
        "我叫张立新,电话13812345678",
    )
    assert text.startswith("来电人张立新(大连市甘井子区)反映")
    for fact in ("被拖欠工资", "2.5万元", "两年", "三个月", "刘某", "要求核实处理", "138****5678"):
        assert fact in text
    assert "13812345678" not in text
    assert text.count("。") <= 2


def test_the_summary_is_rebuilt_as_the_call_goes_on() -> None:
    lines = [
        "喂你好,我是沈阳市宏达机械有限公司的,我姓王",
        "去年的年报忘了报了,现在进了经营异常名录",
    ]
    first = composed("credit_repair", *lines[:1])
    second = composed("credit_repair", *lines)
    assert (
        first
        == "沈阳市宏达机械有限公司(来电人王某)咨询信用修复与经营异常名录事项,具体为信用修复办理。"
    )
    assert "被列入经营异常名录" not in first
    assert "被列入经营异常名录" in second and "时间去年" in second


def test_every_word_of_the_summary_comes_from_the_facts_or_the_fixed_phrases() -> None:
    lines = ["我们是盛京天成科技有限公司", "浑南区那个窗口的人故意刁难我们,罚了3万元"]
    text = composed("business_complaint", *lines)
    # Words of the caller that are no fact (故意, 窗口) are not copied.
    assert "故意" not in text and "窗口" not in text
    assert "盛京天成科技有限公司(沈阳市浑南区)" in text and "3万元" in text


def test_a_work_order_push_says_so_with_its_number() -> None:
    text = composed("case_urge", "我想催一下,工单号2026112000123,到现在没人管")
    assert "工单催办" in text and "2026112000123" in text and "要求尽快办理并答复" in text


def test_a_call_with_no_facts_yet_still_reads_as_a_sentence() -> None:
    assert composed("", "喂,你好") == "来电人反映相关事项。"


def test_the_agents_edit_is_kept_while_the_facts_change() -> None:
    facts = call_facts(["我们是沈阳市宏达机械有限公司的"])
    mine = "宏达机械反映年报问题,已电话告知补报流程。"
    kept = summarize(facts, "credit_repair", agent_text=mine)
    assert kept.text == mine and kept.edited
    facts.add("统一社会信用代码91210100MA0XK3R2LY")
    later = summarize(facts, "credit_repair", agent_text=mine)
    assert later.text == mine
    assert "91210100MA0XK3R2LY" in later.composed
    cleared = summarize(facts, "credit_repair", agent_text="  ")
    assert not cleared.edited and cleared.text == later.composed
    assert not re.search(r"[0-9]{11}", cleared.text.replace("91210100MA0XK3R2LY", ""))


def test_a_question_reads_as_one_and_traditional_chinese_is_understood() -> None:
    asked = composed("residence_permit", "我是沈阳于洪区的,想问问居住证咋办")
    assert asked == "来电人(沈阳市于洪区)咨询居住证办理事项,具体为办理方式。"
    reported = composed("business_complaint", "我們是瀋陽鐵西區的企業,老闆欠了三個月工資")
    assert "被拖欠工资" in reported and "三个月" in reported


def test_a_person_named_twice_is_listed_once_and_the_name_says_the_city() -> None:
    text = composed(
        "credit_repair",
        "我们公司叫沈阳顺恒达商贸有限公司,被列入经营异常了",
        "经办的人姓钱,钱经理说下礼拜一前得移出去",
    )
    assert text.startswith("沈阳顺恒达商贸有限公司反映")
    assert "涉及人员钱经理" in text and "钱某" not in text
