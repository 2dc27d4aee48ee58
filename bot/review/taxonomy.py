"""The names a trainer may use: intents and entities of docs/intents.md, knowledge entry ids."""

from __future__ import annotations

from functools import lru_cache
from typing import Dict, FrozenSet, List

from actions.labels import DIALOGUE_INTENTS, intent_label
from bot.settings import PROJECT_ROOT

INTENTS_DOC = PROJECT_ROOT / "docs" / "intents.md"
# docs/intents.md: dialogue-control intents need fewer examples than the content intents.
MIN_EXAMPLES_DIALOGUE = 15
MIN_EXAMPLES_CONTENT = 40


def _table_names(header: str, section: str = "") -> List[str]:
    """First-column names of the tables whose header starts with `header` (under `section`)."""
    names: List[str] = []
    heading, in_table = "", False
    for line in INTENTS_DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            heading, in_table = line.lstrip("#").strip(), False
            continue
        cells = [c.strip() for c in line.split("|")]
        if len(cells) < 3:
            in_table = False
            continue
        if cells[1] == header:
            in_table = not section or heading == section
        elif in_table and not set(cells[1]) <= {"-", ":"}:
            names.append(cells[1])
    return names


@lru_cache(maxsize=1)
def intents() -> FrozenSet[str]:
    """Every intent of the contract."""
    return frozenset(_table_names("intent"))


@lru_cache(maxsize=1)
def entities() -> FrozenSet[str]:
    """Entities a trainer annotates; the internal button-payload entities are excluded."""
    return frozenset(_table_names("entity", section="Entities"))


def minimum_examples(intent: str) -> int:
    return MIN_EXAMPLES_DIALOGUE if intent in DIALOGUE_INTENTS else MIN_EXAMPLES_CONTENT


def intent_choices() -> List[Dict[str, str]]:
    """Intents with their Chinese labels, for the trainer page."""
    return [{"name": name, "label": intent_label(name)} for name in sorted(intents())]


def knowledge_entries() -> Dict[str, str]:
    """Knowledge entry id → title; empty when the knowledge files do not load."""
    from knowledge.store import KnowledgeError, default_entries

    try:
        return {entry.id: entry.title for entry in default_entries()}
    except KnowledgeError:
        return {}
