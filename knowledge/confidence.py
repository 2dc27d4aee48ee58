"""How sure the assistant may be that a legal answer is right: a fitted model over its evidence.

A wrong answer that opens with "可以。" costs a citizen more than an honest "I don't know", so a
legal answer (an entry or articles) is given only when a logistic regression over the evidence
for it says it is more likely right than the cost of being wrong allows. The weights are fitted
by `bench/fit_answer_model.py` on STARD's train split and the legal development set
(`tests/knowledge/legal_dev.yml`), never on a reported set, and stored beside this module.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from knowledge.fitted import read_fitted

MODEL_FILE = Path(__file__).resolve().parent / "answer_model.json"
# The costs the threshold is chosen for: a right answer 0, an honest decline 1, a wrong one 2.
DECLINE_COST, WRONG_COST = 1.0, 2.0
FEATURES: Tuple[str, ...] = (
    "is_entry",
    "likeness",
    "entry_score",
    "article_score",
    "article_confidence",
    "key_concepts",
    "concepts_covered",
    "point_named",
    "value_asked",
    "value_stated",
    "length",
)


@dataclass(frozen=True)
class Evidence:
    """What speaks for one candidate answer, each in [0, 1] or a small positive number."""

    is_entry: bool
    likeness: float = 0.0  # character-pair share with the entry's title or a sample question
    entry_score: float = 0.0  # the entry's BM25 score over the index's floor, log-scaled
    article_score: float = 0.0  # the best article's BM25 score over the index's floor, log-scaled
    article_confidence: float = 0.0  # the fitted article ranker's probability for it
    key_concepts: int = 0  # the question's key legal concepts
    concepts_covered: float = 0.0  # share of them the answer states
    point_named: bool = False  # the question names every concept of the entry's title
    value_asked: bool = False  # the question asks for a time, a fee, an amount
    value_stated: bool = False  # … and the answer states one
    length: int = 0  # characters in the question
    # Asked within a legal topic. Not a feature: the fit has single questions only, so the model
    # does not judge follow-ups; the topic's own answer already passed it.
    follow_up: bool = False
    # NLU placed the message under the entry's own service intent (法律援助, 免罚 …). Not a
    # feature either: every fitted question was a legal_question.
    service_intent: bool = False

    def vector(self) -> List[float]:
        return [
            float(self.is_entry),
            self.likeness,
            self.entry_score,
            self.article_score,
            self.article_confidence,
            min(self.key_concepts, 4) / 4,
            self.concepts_covered,
            float(self.point_named),
            float(self.value_asked),
            float(self.value_stated),
            min(self.length, 80) / 80,
        ]


def log_ratio(score: float, floor: float) -> float:
    """A score over its floor, log-scaled: 0 at the floor, about 1 at e times it."""
    return math.log(max(score, 1e-6) / floor) if floor > 0 else 0.0


@dataclass(frozen=True)
class AnswerModel:
    """A logistic regression's weights and the probability above which it answers."""

    weights: Tuple[float, ...]
    intercept: float
    threshold: float

    def probability(self, evidence: Evidence) -> float:
        """The fitted probability that the answer cites a right article."""
        z = self.intercept + sum(
            w * x for w, x in zip(self.weights, evidence.vector(), strict=True)
        )
        return 1 / (1 + math.exp(-z))

    def answers(self, evidence: Evidence) -> bool:
        """Sure enough to answer: the probability is at the threshold, or the answer is of a kind
        the model was not fitted on (a follow-up, a service NLU recognised) and the rules hold."""
        if evidence.follow_up or evidence.service_intent:
            return True
        return self.probability(evidence) >= self.threshold

    def to_json(self, fitted_on: Dict[str, object]) -> str:
        return json.dumps(
            {
                "features": list(FEATURES),
                "weights": list(self.weights),
                "intercept": self.intercept,
                "threshold": self.threshold,
                "costs": {"decline": DECLINE_COST, "wrong": WRONG_COST},
                "fitted_on": fitted_on,
            },
            ensure_ascii=False,
            indent=2,
        )


def cost_threshold() -> float:
    """Answer when the expected cost of answering, WRONG_COST × (1 − p), is below a decline's."""
    return 1 - DECLINE_COST / WRONG_COST


def load_model(path: Path = MODEL_FILE) -> Optional[AnswerModel]:
    """The stored model, or None when there is none (every candidate is then answered)."""
    data = read_fitted(path, FEATURES)
    if data is None:
        return None
    weights: Sequence[float] = data["weights"]
    return AnswerModel(
        tuple(float(w) for w in weights), float(data["intercept"]), float(data["threshold"])
    )


@lru_cache(maxsize=1)
def default_model() -> Optional[AnswerModel]:
    """knowledge/answer_model.json, loaded once per process."""
    return load_model()
