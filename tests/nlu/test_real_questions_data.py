"""The real-question set (tests/nlu/real): size, labels, sources, overlaps and its split."""

from __future__ import annotations

from collections import Counter
from typing import Dict, List

import pytest

from tests.nlu.real import make_split as real

Question = Dict[str, object]


@pytest.fixture(scope="module")
def everything() -> List[Question]:
    return real.load(real.ALL)


@pytest.fixture(scope="module")
def halves() -> Dict[str, List[Question]]:
    return {"dev": real.load(real.DEV), "test": real.load(real.TEST)}


def test_at_least_300_questions(everything: List[Question]) -> None:
    assert len(everything) >= 300


def test_every_intent_is_in_the_contract(everything: List[Question]) -> None:
    names = real.intent_names()
    assert "residence_permit" in names and "out_of_scope" in names
    unknown = {q["intent"] for q in everything} - names
    assert not unknown, unknown


def test_every_question_names_its_source_page(everything: List[Question]) -> None:
    missing = [q["text"] for q in everything if not str(q.get("source", "")).startswith("http")]
    assert not missing, missing
    assert all("title" in q and str(q.get("text", "")).strip() for q in everything)


def test_no_near_duplicates_and_nothing_from_the_training_data(
    everything: List[Question],
) -> None:
    assert real.problems(everything) == []


def test_the_halves_are_the_split_of_all_yml(
    everything: List[Question], halves: Dict[str, List[Question]]
) -> None:
    dev, test = real.split(everything)
    assert halves["dev"] == dev and halves["test"] == test
    assert real.DEV.read_text(encoding="utf-8") == real.dump(real.DEV, dev)
    assert real.TEST.read_text(encoding="utf-8") == real.dump(real.TEST, test)


def test_the_halves_do_not_overlap(halves: Dict[str, List[Question]]) -> None:
    dev_keys = [real.key(str(q["text"])) for q in halves["dev"]]
    shared = [
        q["text"]
        for q in halves["test"]
        if real.near_match(real.key(str(q["text"])), dev_keys) is not None
    ]
    assert not shared, shared


def test_the_halves_are_stratified_by_intent(halves: Dict[str, List[Question]]) -> None:
    dev = Counter(q["intent"] for q in halves["dev"])
    test = Counter(q["intent"] for q in halves["test"])
    uneven = {i: (dev[i], test[i]) for i in dev | test if abs(dev[i] - test[i]) > 1}
    assert not uneven, uneven
    assert abs(sum(dev.values()) - sum(test.values())) <= 1


def test_the_near_equal_rule() -> None:
    assert real.near_equal(real.key("驾照丢了怎么办"), real.key("驾照丢了"))
    assert real.near_equal(real.key("居住證到期了怎麼辦"), real.key("居住证到期了怎么办?"))
    assert not real.near_equal(real.key("沈阳公积金"), real.key("沈阳"))
    assert not real.near_equal(real.key("驾照丢了怎么办"), real.key("驾照过期了怎么办"))


def test_real_training_questions_are_trained_and_come_from_other_pages() -> None:
    questions = real.load(real.HERE / "training.yml")
    assert all(str(q.get("source", "")).startswith("http") for q in questions)
    trained = {text for text, _ in real.training_texts()}
    assert not [q["text"] for q in questions if q["text"] not in trained]
    assert not {str(q["source"]) for q in questions} & {
        str(q["source"]) for q in real.load(real.ALL)
    }
