"""Which service a message names: the longest name, or an alias said the other way round."""

from __future__ import annotations

from knowledge.search import default_index
from knowledge.service_names import ServiceNames, service_pairs


def names() -> ServiceNames:
    return ServiceNames(service_pairs(default_index().entries))


def test_the_longest_name_wins() -> None:
    assert names().named("注销营业执照要多久") == "企业注销"
    assert names().named("营业执照丢了") == "营业执照办理"


def test_an_alias_said_the_other_way_round_refines_the_name_it_holds() -> None:
    assert names().named("营业执照注销要多久") == "企业注销"


def test_two_loose_words_of_an_alias_name_nothing() -> None:
    # 变更 + 地址 is an alias of the company's change of address; here they are the permit's.
    assert names().named("居住证地址变更") == "居住证办理"


def test_the_name_nlu_gave_is_refined_by_a_longer_one_in_the_words() -> None:
    assert names().refined("营业执照注销要多久", "营业执照办理") == "企业注销"
    # A name the words do not refine stays as NLU gave it.
    assert names().refined("居住证地址变更", "居住证办理") == "居住证办理"
    assert names().refined("帮我办一下", "居住证办理") == "居住证办理"
