"""The legal concept lexicon (knowledge/legal_concepts.yml): which concepts a question names,
which a text covers, and the legal wording a colloquial question expands to."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, FrozenSet, List, Pattern, Sequence, Tuple

import yaml

from core.text import normalize_text

CONCEPTS_FILE = Path(__file__).resolve().parent / "legal_concepts.yml"
# "*" joins two parts of one clause: "扣他工资" in a question, "劳动者…解除劳动合同" in a law.
_ASK_GAP = r"[^,.;?!:，。；？！：\s]{0,6}"
_LAW_GAP = r"[^。;,]{0,12}"


def _pattern(forms: Sequence[str], gap: str) -> Pattern[str]:
    parts = []
    for form in forms:
        if form.startswith("re:"):
            parts.append(form[3:])
        else:
            parts.append(gap.join(re.escape(piece) for piece in form.split("*")))
    return re.compile("|".join(f"(?:{part})" for part in parts))


@dataclass(frozen=True)
class Concept:
    """One legal concept: how questions say it, how the texts say it, what to search for."""

    name: str
    ask: Pattern[str]
    law: Pattern[str]
    either: Pattern[str]
    expand: Tuple[str, ...]
    outside: bool = False


class Lexicon:
    """The concepts and the colloquial → legal terms of one lexicon file."""

    def __init__(self, path: Path = CONCEPTS_FILE) -> None:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        self.terms: List[Tuple[str, str]] = [
            (normalize_text(str(k)), str(v)) for k, v in (data.get("terms") or {}).items()
        ]
        self.scoped_laws: Dict[str, str] = {
            str(k): str(v) for k, v in (data.get("scoped_laws") or {}).items()
        }
        self.concepts: List[Concept] = []
        for item in data["concepts"]:
            name = str(item["name"])
            ask = [name, *(normalize_text(str(a)).lower() for a in item.get("ask", []))]
            law = [normalize_text(str(form)) for form in item.get("law", [])]
            plain = [form for form in law if "*" not in form and not form.startswith("re:")]
            # The concept's main legal term by default; every form would drown the question.
            expand = tuple(str(e) for e in item.get("expand", plain[:1]))
            ask_re, law_re = _pattern(ask, _ASK_GAP), _pattern(law, _LAW_GAP)
            either = re.compile(f"{law_re.pattern}|{ask_re.pattern}")
            outside = bool(item.get("outside", False))
            self.concepts.append(Concept(name, ask_re, law_re, either, expand, outside))
        self._by_name: Dict[str, Concept] = {c.name: c for c in self.concepts}

    def question_concepts(self, text: str) -> FrozenSet[str]:
        """Concepts whose question forms occur in `text`."""
        normalized = normalize_text(text).lower()
        return frozenset(c.name for c in self.concepts if c.ask.search(normalized))

    def law_covers(self, text: str) -> FrozenSet[str]:
        """Concepts an official text states in its own wording (never an `outside` one)."""
        normalized = normalize_text(text).lower()
        return frozenset(
            c.name for c in self.concepts if not c.outside and c.law.search(normalized)
        )

    def missing(self, concepts: FrozenSet[str], text: str) -> FrozenSet[str]:
        """Those of `concepts` that `text` names in neither legal nor everyday wording."""
        normalized = normalize_text(text).lower()
        return frozenset(
            name
            for name in concepts
            if name in self._by_name and not self._by_name[name].either.search(normalized)
        )

    def expand(self, text: str, concepts: FrozenSet[str]) -> List[str]:
        """The legal wording of `text`'s everyday words and of its concepts, not yet in it.

        Kept as separate terms: run together with the question they would form bigrams that
        occur in no text.
        """
        normalized = normalize_text(text)
        extra = [target for source, target in self.terms if source in normalized]
        extra += [term for name in sorted(concepts) for term in self._by_name[name].expand]
        return [term for term in dict.fromkeys(extra) if term not in normalized]


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """knowledge/legal_concepts.yml, loaded once per process."""
    return Lexicon()
