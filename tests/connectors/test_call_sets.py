"""The scripted call sets of tests/connectors/desk_calls speak the contract's names."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from connectors.hotline.dispatch import default_table
from connectors.hotline.lexicon import vocabulary
from connectors.hotline.subject import CASE_URGE

CALLS_DIR = Path(__file__).resolve().parent / "desk_calls"
SETS = sorted(CALLS_DIR.glob("*.yml"))
INTENTS_DOC = Path(__file__).resolve().parents[2] / "docs" / "intents.md"


def contract_intents() -> set:
    """The intents of docs/intents.md: the tables before its entities."""
    text = INTENTS_DOC.read_text(encoding="utf-8").split("\n## Entities", 1)[0]
    return set(re.findall(r"^\| ([a-z_]+) \|", text, flags=re.M))


@pytest.mark.parametrize("path", SETS, ids=[p.stem for p in SETS])
def test_every_call_names_a_category_unit_and_city_of_the_contract(path: Path) -> None:
    calls = yaml.safe_load(path.read_text(encoding="utf-8"))["calls"]
    intents = contract_intents() | {CASE_URGE}
    units = set(default_table().units)
    cities = vocabulary().liaoning | {""}
    ids = [call["id"] for call in calls]
    assert len(ids) == len(set(ids))
    for call in calls:
        assert call["category"] in intents, call["id"]
        assert call["unit"] in units, call["id"]
        assert call["city"] in cities, call["id"]
        assert 1 <= len(call["lines"]) <= 8, call["id"]
