"""The entries a message may be about: the service it names, its overview, one subject's entries."""

from __future__ import annotations

from knowledge.candidates import Candidates, entry_text, is_legal_question
from knowledge.search import Hit, default_index


def candidates() -> Candidates:
    return Candidates(default_index())


def test_a_service_is_found_by_its_name_in_the_message() -> None:
    assert candidates().service_named("外地人想在沈阳办居住证") == "居住证办理"
    assert candidates().service_named("今天天气怎么样") is None


def test_naming_a_service_and_nothing_more_asks_for_its_overview() -> None:
    found = candidates()
    assert found.names_only("居住证怎么办", "居住证办理")
    assert found.names_only("我想办理一下居住证啊", "居住证办理")
    assert not found.names_only("居住证要带什么材料", "居住证办理")
    assert found.overview("居住证办理").id == "residence_permit.overview"


def test_entries_of_one_subject_are_its_service_and_its_topic_file() -> None:
    found = candidates()
    overview = found.entries["residence_permit.overview"]
    siblings = {e.id for e in found.siblings(overview)}
    assert {"residence_permit.materials", "residence_permit.fees"} <= siblings
    assert not any(s.startswith("driver_license.") for s in siblings)


def test_the_sibling_with_a_section_is_the_best_ranked_one_that_has_it() -> None:
    found = candidates()
    overview = found.entries["residence_permit.overview"]
    hits = found.index.search("居住证要带什么材料 材料 居住证办理", limit=8).hits
    sibling = found.sibling_with(hits, overview, "materials")
    assert sibling is not None and sibling.id.startswith("residence_permit.")
    assert sibling.sections.materials
    # A hit about another subject never stands in for the topic's own entries.
    licence = [Hit(e, 9.0) for e in found.entries.values() if e.id.startswith("driver_license.")]
    assert found.sibling_with(licence, overview, "materials") is None


def test_a_city_entry_of_the_same_subject_is_found_for_that_city() -> None:
    found = candidates()
    local = [e for e in found.entries.values() if e.region == "盘锦"]
    assert local
    entry = local[0]
    province = next(e for e in found.siblings(entry) if e.region == "辽宁")
    assert found.local([Hit(entry, 5.0)], province, "盘锦") is entry
    assert found.local([Hit(entry, 5.0)], province, "大连") is None


def test_legal_entries_are_told_apart_and_searched_by_everything_they_say() -> None:
    found = candidates()
    injury = found.entries["legal_question.work_injury"]
    assert is_legal_question(injury)
    assert not is_legal_question(found.entries["residence_permit.overview"])
    assert "工伤认定" in entry_text(injury) and "30日内" in entry_text(injury)
