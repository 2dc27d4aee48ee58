"""The work-order facts read from caller lines."""

import re

import pytest

from bench.workorder_entities import SETS, load, score
from connectors.hotline.facts import KINDS, amount_value, call_facts, extract, short_forms


def kinds(line: str, known: tuple[str, ...] = ()) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for fact in extract(line, known):
        found.setdefault(fact.kind, []).append(fact.text)
    return found


def test_the_development_set_is_read_right() -> None:
    table = score(load(SETS["dev"]))
    assert table["all"]["precision"] >= 0.95 and table["all"]["recall"] >= 0.95
    for kind in KINDS:
        assert table[kind]["recall"] >= 0.9, kind


def test_a_district_or_the_enterprise_name_implies_the_city() -> None:
    assert call_facts(["我们店在浑南区"]).city == "沈阳"
    assert call_facts(["我在甘井子区一个工地干活"]).city == "大连"
    assert call_facts(["我们是沈阳市宏达机械有限公司的"]).city == "沈阳"
    # The city said wins over what the enterprise's name implies.
    assert call_facts(["我们是沈阳市宏达机械有限公司的", "这事发生在鞍山"]).city == "鞍山"


def test_the_city_is_the_liaoning_one_the_call_talks_about() -> None:
    # A city of another province is never the order's city, even said first.
    assert call_facts(["我在庄河一个厂上班", "下个月要去上海做手术"]).city == "大连"
    assert call_facts(["老家吉林的", "在这边干了十年"]).city == ""
    # The city said most wins over the first said.
    lines = ["公司注册在沈阳", "想在锦州设个分公司", "库房在锦州租好了", "在锦州办还是回沈阳办"]
    assert call_facts(lines).cities == ["锦州", "沈阳"]
    assert call_facts(lines).city == "锦州"


def test_county_level_places_said_bare_imply_their_city() -> None:
    assert call_facts(["我要反映一下本溪县一个部门"]).city == "本溪"
    assert call_facts(["上个月反映兴隆台那个事"]).city == "盘锦"
    assert call_facts(["是关于康平那边一个合作社的"]).city == "沈阳"
    assert call_facts(["之前反映过旅顺一个园区停电"]).city == "大连"
    assert call_facts(["我是灯塔的"]).city == "辽阳"
    # A two-character name inside another word is still not meant.
    assert call_facts(["大凌河边上有个厂"]).city == ""


def test_a_district_several_cities_have_implies_none() -> None:
    facts = call_facts(["我们在铁西区"])
    assert facts.district == "铁西区"
    assert facts.city == ""


def test_short_forms_of_an_enterprise_map_to_its_full_name() -> None:
    forms = short_forms("沈阳市宏达机械有限公司")
    assert forms[0] == "宏达机械有限公司" and forms[-1] == "宏达" and "宏达机械" in forms
    # A district named like the enterprise is the district.
    assert kinds("我们在老边区那边", ("营口老边饺子馆",)) == {"district": ["老边区"]}
    facts = call_facts(["我们是沈阳市宏达机械有限公司", "宏达这边下周就要签合同了"])
    later = extract("宏达这边下周就要签合同了", facts.values("enterprise"))
    assert [(f.text, f.value) for f in later if f.kind == "enterprise"] == [
        ("宏达", "沈阳市宏达机械有限公司")
    ]
    assert facts.enterprise == "沈阳市宏达机械有限公司"


def test_no_name_is_made_of_words_that_name_no_one() -> None:
    assert "enterprise" not in kinds("我们公司在沈阳有个分公司,对面那家饭店也这样")


def test_phone_and_id_numbers_never_leave_unmasked() -> None:
    line = "我电话13812345678,座机024-23456789,身份证210102198503124413"
    for fact in extract(line):
        assert not re.search(r"[0-9]{7,}", f"{fact.text} {fact.value}"), fact
    assert kinds(line)["phone"] == ["138****5678", "024****6789"]
    assert kinds(line)["id_number"] == ["2101**********4413"]


def test_a_credit_code_with_a_wrong_checksum_is_not_filed() -> None:
    assert kinds("信用代码91210100MA0XK3R2LY")["uscc"] == ["91210100MA0XK3R2LY"]
    assert "uscc" not in kinds("信用代码91210100MA0XK3R2LA")


@pytest.mark.parametrize(
    ("said", "value"),
    [
        ("两万五", "2.5万元"),
        ("8000块", "8000元"),
        ("3万元", "3万元"),
        ("一万多", "1万余元"),
        ("十来万", "约10万元"),
        ("叁万伍仟元", "3.5万元"),
        ("八百", "800元"),
    ],
)
def test_amounts_are_filed_in_yuan(said: str, value: str) -> None:
    assert amount_value(said) == value


def test_events_and_deadlines_are_told_apart() -> None:
    found = kinds("去年十月就报上去了,他们让我下周一之前补材料")
    assert found["date"] == ["去年十月"]
    assert found["deadline"] == ["下周一之前"]


def test_a_rate_of_pay_is_no_duration() -> None:
    found = kinds("干了半年,一个月三千五")
    assert found["duration"] == ["半年"]
    assert found["amount"] == ["三千五"]


def test_numbers_that_are_no_money_are_left_alone() -> None:
    assert "amount" not in kinds("我打12345打了三次了,按的8号键,厂里五十多个工人等着发工资")
