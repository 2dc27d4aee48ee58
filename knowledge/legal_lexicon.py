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


# Texts whose reading is kept; past this many the store starts afresh.
_READS_KEPT = 8192

# The title of a cited law or document: 《诉讼费用交纳办法》.
_CITED_TITLE = re.compile(r"《[^》]*》")

# A negation right before a mention, with at most a verb of agreeing or writing between:
# "没约定", "未写明", "没有", "无". The mention is then denied, not asked about.
_DENIAL = re.compile(
    r"(?:没有?|未|无|不)(?:约定|规定|写明?|签订?|订立?|明确|提到?|说明?|载明)?"
    r"(?:过|好|清楚)?(?:任何|什么)?$"
)


@dataclass(frozen=True)
class Concept:
    """One legal concept: how questions say it, how the texts say it, what to search for."""

    name: str
    ask: Pattern[str]
    law: Pattern[str]
    either: Pattern[str]
    expand: Tuple[str, ...]
    outside: bool = False
    # The question forms that are one word ("违约金"), not a pattern with gaps ("欠*工资").
    words: FrozenSet[str] = frozenset()


@dataclass(frozen=True)
class Relation:
    """A relation between parties (an employment) that some laws are written for."""

    said: Pattern[str]  # words that put the relation in a question
    concepts: FrozenSet[str]  # concepts that are the relation's alone
    laws: FrozenSet[str]  # laws that answer only where it is said


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
        self.other_words: Tuple[str, ...] = tuple(
            normalize_text(str(w)).lower() for w in data.get("other_words") or []
        )
        self.relations: List[Relation] = [
            Relation(
                _pattern([normalize_text(str(w)).lower() for w in item["said"]], _ASK_GAP),
                frozenset(str(c) for c in item.get("concepts") or []),
                frozenset(str(law) for law in item.get("laws") or []),
            )
            for item in data.get("relations") or []
        ]
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
            words = frozenset(a for a in ask if "*" not in a and not a.startswith("re:"))
            self.concepts.append(Concept(name, ask_re, law_re, either, expand, outside, words))
        self._by_name: Dict[str, Concept] = {c.name: c for c in self.concepts}
        self._reads: Dict[str, Tuple[Tuple[str, bool], ...]] = {}

    def question_concepts(self, text: str) -> FrozenSet[str]:
        """Concepts `text` asks about: those whose question forms occur in it, each in a mention
        of its own ("违约" inside "违约金" is the 违约金, not a breach as well), and not only
        named as absent (see `denied_concepts`)."""
        return frozenset(name for name, asked in self._read(normalize_text(text).lower()) if asked)

    def denied_concepts(self, text: str) -> FrozenSet[str]:
        """Concepts `text` names only to say they are not there: "合同里没约定违约金" asks what
        holds without a 违约金, so a rule about the 违约金 does not answer it. A concept whose
        question form holds the negation itself ("没签劳动合同") is named, not denied."""
        read = self._read(normalize_text(text).lower())
        return frozenset(name for name, asked in read if not asked)

    def without_denied(self, text: str) -> str:
        """`text` without the mentions of what it says is absent, negation included: the words
        to search the laws with."""
        denied = self.denied_concepts(text)
        if not denied:
            return text
        normalized = normalize_text(text).lower()
        cut = sorted(
            span
            for name, spans in self._mentions(normalized).items()
            if name in denied
            for span in spans
        )
        kept, position = [], 0
        for start, end in cut:
            negation = _DENIAL.search(normalized[:start])
            begin = negation.start() if negation else start
            kept.append(normalized[position : max(begin, position)])
            position = max(position, end)
        return "".join(kept) + normalized[position:]

    def _read(self, normalized: str) -> Tuple[Tuple[str, bool], ...]:
        """Each concept mentioned, and whether any of its mentions is not denied (kept per text:
        one message's words are read several times while it is answered)."""
        known = self._reads.get(normalized)
        if known is None:
            known = tuple(
                (name, not all(_DENIAL.search(normalized[:start]) for start, _ in spans))
                for name, spans in self._mentions(normalized).items()
            )
            if len(self._reads) >= _READS_KEPT:
                self._reads.clear()
            self._reads[normalized] = known
        return known

    def _mentions(self, normalized: str) -> Dict[str, List[Tuple[int, int]]]:
        """Each concept's mentions (start, end), but for those inside a longer word of another
        concept: "违约" in "违约金" is part of that word. A pattern with gaps ("欠*工资" over
        "欠了俩月工资") is no word, and the concepts inside it are mentioned too."""
        found = {
            c: [m.span() for m in c.ask.finditer(normalized) if m.end() > m.start()]
            for c in self.concepts
        }
        words = [
            (start, end, concept)
            for concept, spans in found.items()
            for start, end in spans
            if normalized[start:end] in concept.words
        ]
        elsewhere = [
            (m.start(), m.end())
            for word in self.other_words
            for m in re.finditer(re.escape(word), normalized)
        ]
        mentions: Dict[str, List[Tuple[int, int]]] = {}
        for concept, spans in found.items():
            free = [
                (start, end)
                for start, end in spans
                if not any(
                    other is not concept and s <= start and end <= e and e - s > end - start
                    for s, e, other in words
                )
                and not any(s <= start and end <= e for s, e in elsewhere)
            ]
            if free:
                mentions[concept.name] = free
        return mentions

    def unsaid_laws(self, text: str) -> FrozenSet[str]:
        """The laws of the relations `text` does not name (short names, as the corpus keys
        them): they answer nothing it asks."""
        normalized = normalize_text(text).lower()
        named = self.question_concepts(text)
        return frozenset(
            law
            for relation in self.relations
            if not relation.said.search(normalized) and not relation.concepts & named
            for law in relation.laws
        )

    def law_covers(self, text: str) -> FrozenSet[str]:
        """Concepts an official text states in its own wording (never an `outside` one)."""
        normalized = normalize_text(text).lower()
        return frozenset(
            c.name for c in self.concepts if not c.outside and c.law.search(normalized)
        )

    def missing(self, concepts: FrozenSet[str], text: str) -> FrozenSet[str]:
        """Those of `concepts` that `text` names in neither legal nor everyday wording. A law's
        title in a citation states nothing: 《诉讼费用交纳办法》 does not say what a suit costs."""
        normalized = _CITED_TITLE.sub("", normalize_text(text).lower())
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
