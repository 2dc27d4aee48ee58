"""Chasing an earlier request (催办) is read from its structure: an earlier contact with the
matter still pending, overdue or hurried; the chat, already on a case, needs no earlier contact."""

import pytest

from knowledge.followup import (
    chases_earlier_request,
    mentions_earlier_contact,
    pushes_case,
    read_cues,
    says_pending,
)


@pytest.mark.parametrize(
    "text",
    [
        "我都打了三回电话了,那个路灯还是不亮",  # earlier calls, still not
        "我之前反映的问题说五个工作日内回复,今天都第十天了",  # earlier report, overdue
        "我反映的问题都过去二十多天了,还没人处理",
        "上个月我反映我们公司的稳岗补贴一直没到账,你们说转给人社了",
        "我之前打电话反映过楼上漏水的事,给转到区里了,区里也不管",
        "上次你们回访说已经转办了,可事儿一直没解决",
        "说好了给回电话的,能不能再给加急一下",  # a promise made, hurried
        "你们给督办督办",  # a verb of chasing says it alone
    ],
)
def test_an_earlier_contact_with_the_matter_pending_is_a_chase(text: str) -> None:
    assert chases_earlier_request(text)
    assert read_cues(text).chases


@pytest.mark.parametrize(
    "text",
    [
        "能不能快点移出来",  # hurries the request being made
        "公司拖欠工资三个月了,一直没人管",  # pending, but no earlier contact: a new matter
        "我想查一下我的工单到哪一步了",  # an earlier contact asking its status: not a chase
        "我前天打电话反映了个事,想问问现在转到哪个部门了",
        "我之前办过居住证,现在想续签",
        # Hurry said not to be meant: a status question after all.
        "上周反映的那个单子不着急催,就想知道到哪了",
        "我不是催啊,上回报的事儿想看看进度",
    ],
)
def test_a_new_request_or_a_status_question_is_no_chase(text: str) -> None:
    assert not chases_earlier_request(text)


def test_the_parts_of_a_chase_are_read_separately() -> None:
    assert mentions_earlier_contact("我上礼拜投诉的那个事")
    assert not mentions_earlier_contact("公司被列入经营异常名录了")
    assert says_pending("这都快一礼拜了")
    assert says_pending("到现在连个回话都没有")
    assert not says_pending("营口的,营口站前区")


@pytest.mark.parametrize("text", ["能催一下吗", "怎么还没处理", "什么时候能办完", "麻烦抓紧"])
def test_the_chat_pushes_the_case_it_is_about_without_an_earlier_contact(text: str) -> None:
    assert pushes_case(text)
    assert read_cues(text).case_push


def test_a_question_of_its_own_does_not_push_a_case() -> None:
    assert not pushes_case("居住证要带什么材料")
