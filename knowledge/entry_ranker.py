"""Orders the entries BM25 found by a model fitted on labelled questions, not by word counts alone.

BM25 counts shared words; a person asking "驾照磨坏了看不清咋换" means the entry whose title and
sample questions are worded like that, for the service named, with the section asked. A logistic
regression over such evidence for each candidate (its BM25 score, likeness to the title and to
the sample questions, the service and intent it is for, the share of the question's legal
concepts it names, whether it has the section or states the value asked) scores the candidates
again. The weights are fitted by `bench/fit_entry_ranker.py` on the entries' own sample questions,
each asked of an index that does not contain it, and stored beside this module
(`entry_ranker.json`); the reported evaluation (tests/knowledge/eval_questions.yml) is never used.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Dict, FrozenSet, List, Optional, Sequence, Tuple

from core.text import normalize_text
from knowledge.answer import available_sections
from knowledge.aspects import VALUE_ASPECTS, Aspect, asked_aspects, states
from knowledge.fitted import read_fitted
from knowledge.followup import section_asked
from knowledge.legal_lexicon import default_lexicon
from knowledge.schema import Entry

if TYPE_CHECKING:
    from knowledge.search import Hit

MODEL_FILE = Path(__file__).resolve().parent / "entry_ranker.json"
FEATURES: Tuple[str, ...] = (
    "score_share",
    "score_level",
    "first_by_words",
    "intent_match",
    "intent_other",
    "title_likeness",
    "question_likeness",
    "title_contained",
    "alias_named",
    "service_named",
    "other_service_named",
    "concepts_covered",
    "section_present",
    "value_stated",
    "evidence_share",
)


@lru_cache(maxsize=16384)
def bigrams(text: str) -> FrozenSet[str]:
    """The character pairs of a text, without punctuation."""
    bare = re.sub(r"[\W_]+", "", normalize_text(text).lower())
    return frozenset(bare[i : i + 2] for i in range(len(bare) - 1))


def _share(asked: FrozenSet[str], known: FrozenSet[str]) -> float:
    return len(asked & known) / len(asked | known) if asked and known else 0.0


@dataclass(frozen=True)
class Question:
    """What the features need of the question, read once per search."""

    text: str
    normalized: str
    pairs: FrozenSet[str]
    intent: Optional[str]
    service: Optional[str]  # the service its words name, if any
    concepts: FrozenSet[str]
    section: Optional[str]
    value: Optional[Aspect]  # the value aspect asked (a time, a fee …), if any


@dataclass(frozen=True)
class Profile:
    """What the features need of an entry, read once per index."""

    entry: Entry
    title: FrozenSet[str]
    questions: Tuple[FrozenSet[str], ...]
    terms: Tuple[str, ...]  # its service's name and its aliases
    statement: str  # its answer and the sections that carry values
    wording: str  # its title, aliases, sample questions and answer
    sections: FrozenSet[str]


def profile(entry: Entry) -> Profile:
    s = entry.sections
    names = [entry.service or "", *entry.aliases]
    return Profile(
        entry=entry,
        title=bigrams(entry.title),
        questions=tuple(bigrams(q) for q in entry.questions),
        terms=tuple(normalize_text(n).lower() for n in names if len(n) >= 2),
        statement=" ".join(
            [entry.answer, s.time_limit or "", s.fees or "", *s.conditions, *s.steps]
        ),
        wording=" ".join([entry.title, *entry.aliases, *entry.questions, entry.answer]),
        sections=frozenset(available_sections(entry)),
    )


def features(
    question: Question, known: Profile, score: float, top: float, first: bool, evidence: float
) -> List[float]:
    """The evidence for one candidate, each in [0, 1], in the order of FEATURES."""
    pairs, entry = question.pairs, known.entry
    concepts = question.concepts
    missing = default_lexicon().missing(concepts, known.wording) if concepts else frozenset()
    value = question.value
    return [
        score / top if top > 0 else 0.0,
        min(math.log1p(max(score, 0.0)) / 4, 1.0),
        float(first),
        float(question.intent is not None and question.intent in entry.intents),
        float(question.intent is not None and question.intent not in entry.intents),
        _share(pairs, known.title),
        max((_share(pairs, q) for q in known.questions), default=0.0),
        len(pairs & known.title) / len(known.title) if known.title else 0.0,
        float(any(term in question.normalized for term in known.terms)),
        float(question.service is not None and question.service == entry.service),
        float(question.service is not None and question.service != entry.service),
        1 - len(missing) / len(concepts) if concepts else 0.0,
        float(question.section is not None and question.section in known.sections),
        float(value is not None and states(value, known.statement)),
        evidence,
    ]


@dataclass(frozen=True)
class EntryRanker:
    """A logistic regression's weights over FEATURES (already scaled to [0, 1])."""

    weights: Tuple[float, ...]
    intercept: float
    candidates: int  # how many of BM25's best are scored again

    def score(self, vector: Sequence[float]) -> float:
        z = self.intercept + sum(w * x for w, x in zip(self.weights, vector, strict=True))
        return 1 / (1 + math.exp(-z))

    def to_json(self, fitted_on: Dict[str, object]) -> str:
        return json.dumps(
            {
                "features": list(FEATURES),
                "weights": list(self.weights),
                "intercept": self.intercept,
                "candidates": self.candidates,
                "fitted_on": fitted_on,
            },
            ensure_ascii=False,
            indent=2,
        )


def read_question(text: str, intent: Optional[str], service: Optional[str]) -> Question:
    """The question's words, concepts, section and value asked, for every candidate's features."""
    normalized = normalize_text(text).lower()
    value = next((a for a in asked_aspects(text) if a in VALUE_ASPECTS), None)
    return Question(
        text=text,
        normalized=normalized,
        pairs=bigrams(text),
        intent=intent,
        service=service,
        concepts=default_lexicon().question_concepts(text),
        section=section_asked(text),
        value=value,
    )


def rerank(
    model: EntryRanker,
    question: Question,
    hits: Sequence[Hit],
    profiles: Sequence[Profile],
    evidence: Sequence[float],
) -> List[Hit]:
    """The candidates in the model's order, carrying BM25's scores in BM25's order.

    The i-th candidate gets the i-th best BM25 score: what reads scores (the index's floor, the
    menu's margin, related entries, the answer model) still reads how strongly and how closely
    the words matched, as it was set on, while the model decides which entry is which.
    """
    from knowledge.search import Hit

    if len(hits) < 2:
        return list(hits)
    top = hits[0].score
    scored = [
        (model.score(features(question, profiles[i], h.score, top, i == 0, evidence[i])), i)
        for i, h in enumerate(hits)
    ]
    # Ties keep BM25's order.
    scored.sort(key=lambda pair: (-pair[0], pair[1]))
    return [Hit(hits[i].entry, hit.score) for (_, i), hit in zip(scored, hits, strict=True)]


def load_ranker(path: Path = MODEL_FILE) -> Optional[EntryRanker]:
    """The stored ranker, or None when there is none (BM25's order is then kept)."""
    data = read_fitted(path, FEATURES)
    if data is None:
        return None
    return EntryRanker(
        tuple(float(w) for w in data["weights"]),
        float(data["intercept"]),
        int(data["candidates"]),
    )


@lru_cache(maxsize=1)
def default_ranker() -> Optional[EntryRanker]:
    """knowledge/entry_ranker.json, loaded once per process."""
    return load_ranker()
