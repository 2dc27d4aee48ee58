"""The routing table sends each work order to a unit one can dispatch to."""

import re

import pytest

from connectors.hotline.dispatch import RoutingTable, default_table, dispatch
from knowledge.intent_groups import GUIDANCE_INTENTS, LEGAL_INTENTS, TRANSACTION_INTENTS

CITIES = (None, "沈阳", "大连市", "盘锦", "北京")


def test_no_unit_is_a_class_of_offices() -> None:
    table = default_table()
    for unit in table.units:
        for city in CITIES:
            name = table.department(unit, city)
            assert not name.startswith("各"), name
            assert not name.endswith("部门"), name
            assert not re.search(r"有关|相关|负责.*的", name), name


def test_every_topical_intent_and_case_urge_has_a_route() -> None:
    table = default_table()
    for category in (*GUIDANCE_INTENTS, *LEGAL_INTENTS, *TRANSACTION_INTENTS, "case_urge"):
        assert category in table.categories, category


def test_every_unit_names_a_source() -> None:
    for unit, data in default_table().units.items():
        assert data["source"].strip(), unit


def test_the_city_prefixes_the_department() -> None:
    assert dispatch("credit_repair", city="沈阳").department == "沈阳市市场监督管理局"
    assert dispatch("credit_repair", city="沈阳市").department == "沈阳市市场监督管理局"
    assert dispatch("credit_repair").department == "市场监督管理局"
    assert (
        dispatch("social_security", "个税汇算退税", "大连").department == "国家税务总局大连市税务局"
    )


def test_a_work_order_push_goes_to_the_hotline_office() -> None:
    assert (
        dispatch("case_urge", "上周反映的事一直没人管", "鞍山").department
        == "鞍山市12345热线工作机构"
    )


def test_wage_arrears_filed_as_a_complaint_go_to_labour_inspection() -> None:
    route = dispatch("business_complaint", "老板拖欠工资三个月了", "沈阳")
    assert route.department == "沈阳市人力资源和社会保障局"
    assert route.runners_up[0].department == "沈阳市营商环境建设局"


@pytest.mark.parametrize("category", ["legal_question", "business_complaint", "credit_repair"])
def test_an_annual_report_matter_is_market_regulation(category: str) -> None:
    route = dispatch(category, "去年的年报忘了报了,现在在经营异常名录里", "沈阳")
    assert route.department == "沈阳市市场监督管理局"


@pytest.mark.parametrize(
    ("category", "text", "unit"),
    [
        ("appointment_book", "我想约下周一去大厅办居住证", "沈阳市营商环境建设局"),
        ("case_status", "我的办件到哪了,是营业执照变更", "沈阳市12345热线工作机构"),
        ("legal_aid", "老板欠工资不给,我想申请法律援助", "沈阳市司法局法律援助中心"),
        ("yijianshi", "企业开办一件事,执照、刻章、税务一次办吗", "沈阳市营商环境建设局"),
    ],
)
def test_a_transaction_stays_with_its_unit_whatever_it_names(
    category: str, text: str, unit: str
) -> None:
    route = dispatch(category, text, "沈阳")
    assert route.department == unit
    # The unit its words name is one click away.
    assert route.runners_up[0].department != unit


def test_words_move_a_category_only_among_its_own_units() -> None:
    card = dispatch("social_security", "社保卡坏了,卡里医保的钱还有两千", "大连")
    assert card.department == "大连市人力资源和社会保障局"
    assert dispatch("social_security", "异地就医备案怎么办", "大连").department == (
        "大连市医疗保障局"
    )
    # A social-security call naming the annual report is not market regulation's.
    assert dispatch("social_security", "年报的时候社保人数填错了", "大连").department == (
        "大连市人力资源和社会保障局"
    )


def test_the_unit_that_acted_on_the_caller_is_evidence() -> None:
    fined = dispatch("lenient_enforcement", "市场监管局说我们价签不规范要罚款", "锦州")
    assert fined.department == "锦州市市场监督管理局"
    assert dispatch("lenient_enforcement", "第一次违规能不能不罚", "锦州").department == (
        "锦州市司法局"
    )
    # Named without acting ("想去…问问"), the unit is no evidence.
    assert dispatch(
        "lenient_enforcement", "想去市场监管局问问第一次违规能不能不罚", "锦州"
    ).department == ("锦州市司法局")


def test_a_trademark_lawsuit_is_a_legal_matter_not_market_regulation() -> None:
    route = dispatch("legal_question", "别人用了我们的商标,我们能起诉他吗", "沈阳")
    assert route.department == "沈阳市司法局"


def test_without_cues_the_category_decides_with_two_runners_up() -> None:
    route = dispatch("driver_license", "我想问一下", "锦州")
    assert route.department == "锦州市公安局(车辆管理所)"
    assert route.confidence == pytest.approx(0.9)
    assert len(route.runners_up) == 2
    assert route.best.unit not in {c.unit for c in route.runners_up}
    assert route.confidence >= route.runners_up[0].score >= route.runners_up[1].score


def test_an_unknown_category_goes_to_the_hotline_office() -> None:
    assert dispatch(None, "", "丹东").department == "丹东市12345热线工作机构"


def test_a_city_can_name_its_unit_otherwise() -> None:
    data = {
        "units": {"hotline": {"name": "{city}12345热线工作机构", "source": "s"}},
        "categories": {"case_urge": {"hotline": 1.0}},
        "cities": {"大连": {"hotline": "大连市人民政府12345市民服务热线办公室"}},
    }
    table = RoutingTable(data)
    assert (
        table.dispatch("case_urge", city="大连市").department == data["cities"]["大连"]["hotline"]
    )
    assert table.dispatch("case_urge", city="沈阳").department == "沈阳市12345热线工作机构"


def test_a_category_naming_an_unknown_unit_is_refused() -> None:
    with pytest.raises(ValueError):
        RoutingTable({"units": {}, "categories": {"x": {"nobody": 1.0}}})


@pytest.mark.parametrize(
    "text",
    [
        "我辞职了,公司说我签了竞业限制,两年不让我干同行,这合法吗",
        "员工自己提出离职,还要我们给他开离职证明",
        "试用期最后一天被劝退了",
    ],
)
def test_a_labour_matter_named_by_its_concepts_goes_to_human_resources(text: str) -> None:
    # No cue word of routing.yml: the legal concepts (辞职, 竞业限制, 离职证明 …) say it.
    assert default_table().evidence(text).get("human_resources")
    assert dispatch("legal_question", text, "本溪").department == "本溪市人力资源和社会保障局"


def test_a_contract_dispute_between_businesses_stays_with_justice() -> None:
    route = dispatch("legal_question", "对方公司签了合同不履行,违约金怎么算", "本溪")
    assert route.department == "本溪市司法局"


def test_employment_subsidies_are_the_labour_administrations() -> None:
    route = dispatch("enterprise_policy", "招了几个高校毕业生,是不是有吸纳就业补贴", "抚顺")
    assert route.department == "抚顺市人力资源和社会保障局"


def test_a_fine_by_a_named_office_is_that_offices_matter() -> None:
    text = "税务局说我们逾期申报要罚款,有没有首违不罚的说法"
    evidence = default_table().evidence(text)
    # Named as the office that acted, the tax bureau gains beyond its topic words.
    assert evidence["tax"] > default_table().evidence("逾期申报纳税要罚款吗")["tax"]
    route = dispatch("lenient_enforcement", text, "大连")
    assert route.department == "国家税务总局大连市税务局"


def test_a_first_minor_violation_goes_to_the_office_that_enforces() -> None:
    # 首违不罚 names the category; the office whose rules were broken decides (行政处罚法 33).
    text = "个税申报晚了几天,听说有首违不罚,能不能不罚款"
    assert dispatch("lenient_enforcement", text, "大连").department == "国家税务总局大连市税务局"
    general = "想了解一下首违不罚清单都包括哪些情形"
    assert dispatch("lenient_enforcement", general, "大连").department == "大连市司法局"


def test_maternity_allowance_is_the_healthcare_security_bureaus() -> None:
    text = "女同事休产假,生育津贴怎么领"
    route = dispatch("social_security", text, "鞍山")
    assert route.department == "鞍山市医疗保障局"
