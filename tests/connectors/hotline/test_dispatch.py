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


@pytest.mark.parametrize(
    "category", ["legal_question", "social_security", "business_complaint", "enterprise_policy"]
)
def test_an_annual_report_matter_is_market_regulation(category: str) -> None:
    route = dispatch(category, "去年的年报忘了报了,现在在经营异常名录里", "沈阳")
    assert route.department == "沈阳市市场监督管理局"


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
