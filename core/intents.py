"""The one reader of docs/intents.md, the intent and entity contract every process shares."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import FrozenSet, List

from core.paths import PROJECT_ROOT

INTENTS_DOC = PROJECT_ROOT / "docs" / "intents.md"


def table_names(header: str, section: str = "", path: Path = INTENTS_DOC) -> List[str]:
    """First-column names of the tables whose first header cell is `header`.

    With `section`, only tables under the heading of that name count.
    """
    names: List[str] = []
    heading, in_table = "", False
    for line in path.read_text(encoding="utf-8").splitlines():
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
    return frozenset(table_names("intent"))


@lru_cache(maxsize=1)
def entities() -> FrozenSet[str]:
    """Entities a trainer annotates; the internal button-payload entities are excluded."""
    return frozenset(table_names("entity", section="Entities"))
