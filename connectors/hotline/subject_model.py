"""A caller line's category as a model fitted on scripted calls reads it (subject_model.json).

NLU was trained on chat messages; callers on the line say things otherwise ("俺们公司被列入异常
名录了", "那个罚款能不能不罚"), and reading a line by its intent alone followed the wording of
the development calls more than the matter. The fitted model reads each caller line as
evidence for the call's category from:
- the characters of the line (TF-IDF of character 1–3-grams: no word list, so dialect and
  spoken forms count as what they are);
- NLU's intent ranking for the line;
- the categories the line's naming words point to (topic_words.py);
- the units its words name as whose business the matter is (routing.yml cues, dispatch.py);
- how the line bears on the subject (subject.py: a question naming a subject, a detail …).
Its output replaces a line's evidence in subject.py; how lines add up (the opening weighs
most, a detail little, a change of subject starts a new part, the agent's pin wins) stays
there. Fitted by a multinomial logistic regression, chosen by cross-validation over calls
against the hand-set evidence (bench/fit_call_subject.py, docs/connectors.md); read here
with numpy only.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np

from core.text import normalize_text
from knowledge.fitted import read_fitted

MODEL_FILE = Path(__file__).with_name("subject_model.json")
# The feature blocks, in the order of the stored weights; a file fitted on others is refused.
FEATURES: Tuple[str, ...] = (
    "line_chars_1_3",
    "nlu_ranking",
    "topic_words",
    "units_named",
    "line_kind",
)
NGRAMS = (1, 3)
_SPACE = re.compile(r"\s+")


def char_ngrams(text: str) -> List[str]:
    """The character 1–3-grams of a text as the model reads it (normalised, lower case, no
    spaces)."""
    bare = _SPACE.sub("", normalize_text(text).lower())
    low, high = NGRAMS
    return [bare[i : i + n] for n in range(low, high + 1) for i in range(len(bare) - n + 1)]


def one_hot(names: Sequence[str], values: Mapping[str, float]) -> np.ndarray:
    return np.array([float(values.get(name, 0.0)) for name in names])


class SubjectModel:
    """Stored weights of the fitted line model and what its features are made of."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.classes: List[str] = list(data["classes"])
        self.vocabulary: Dict[str, int] = dict(data["vocabulary"])
        self.idf = np.array(data["idf"], dtype=float)
        self.intents: List[str] = list(data["intents"])
        self.categories: List[str] = list(data["categories"])
        self.units: List[str] = list(data["units"])
        self.kinds: List[str] = list(data["kinds"])
        self.weights = np.array(data["weights"], dtype=float)
        # The fitted probabilities' share of a line's evidence; the hand-set evidence has the
        # rest (chosen with the model by cross-validation).
        self.share = float(data.get("share", 1.0))
        # The weight of a part's opening line in subject.py when this model reads the lines.
        self.opening = float(data.get("opening", 2.0))
        self.intercept = np.array(data["intercept"], dtype=float)
        width = len(self.vocabulary) + len(self.dense_names)
        if self.weights.shape != (len(self.classes), width):
            raise ValueError("subject_model.json: weights do not match its features")

    def to_data(self) -> Dict[str, Any]:
        """What the file stores (read back by the constructor); weights to five decimals."""
        return {
            "features": list(FEATURES),
            "classes": self.classes,
            "vocabulary": self.vocabulary,
            "idf": [round(float(v), 5) for v in self.idf],
            "intents": self.intents,
            "categories": self.categories,
            "units": self.units,
            "kinds": self.kinds,
            "weights": [[round(float(v), 5) for v in row] for row in self.weights],
            "intercept": [round(float(v), 5) for v in self.intercept],
            "share": self.share,
            "opening": self.opening,
        }

    def write(self, path: Path = MODEL_FILE) -> None:
        path.write_text(
            json.dumps(self.to_data(), ensure_ascii=False, separators=(",", ":")) + "\n",
            encoding="utf-8",
        )

    @property
    def dense_names(self) -> List[str]:
        return [*self.intents, *self.categories, *self.units, *self.kinds]

    def tfidf(self, text: str) -> np.ndarray:
        """The text's TF-IDF vector over the stored vocabulary, l2-normalised (as scikit-learn's
        TfidfVectorizer with these n-grams computes it)."""
        vector = np.zeros(len(self.vocabulary))
        for gram, count in Counter(char_ngrams(text)).items():
            index = self.vocabulary.get(gram)
            if index is not None:
                vector[index] = count * self.idf[index]
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm else vector

    def features(
        self,
        text: str,
        ranking: Sequence[Tuple[str, float]],
        lexical: Sequence[Tuple[str, float]],
        units: Mapping[str, float],
        kind: str,
    ) -> np.ndarray:
        """One line's feature vector."""
        return np.concatenate(
            [
                self.tfidf(text),
                one_hot(self.intents, dict(ranking)),
                one_hot(self.categories, dict(lexical)),
                one_hot(self.units, units),
                one_hot(self.kinds, {kind: 1.0}),
            ]
        )

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        z = self.weights @ features + self.intercept
        z = np.exp(z - z.max())
        return np.asarray(z / z.sum())

    def ranked(self, features: np.ndarray, limit: int = 3) -> List[Tuple[str, float]]:
        """The likeliest categories with their probability, highest first."""
        p = self.probabilities(features)
        order = np.argsort(-p)[:limit]
        return [(self.classes[i], round(float(p[i]), 4)) for i in order]


def load_model(path: Path = MODEL_FILE) -> Optional[SubjectModel]:
    """The stored model, or None when there is none or it was fitted on other features."""
    data = read_fitted(path, FEATURES)
    return SubjectModel(data) if data is not None else None


@lru_cache(maxsize=1)
def default_model() -> Optional[SubjectModel]:
    """subject_model.json, loaded once per process."""
    return load_model()
