"""Ranks candidate articles for a question with a model fitted on labelled questions.

The article index proposes candidates (its best BM25-with-concepts scores, and the articles
that answered the most similar labelled questions); each (question, article) pair gets a few
features — lexical scores, concept and aspect coverage, law and chapter named, and how often
similar questions were answered by this article — and a logistic regression fitted on STARD's
train split (`python -m bench.fit_article_ranker --write`) orders them. Its probability also
says when the best article is likely enough right to be quoted (the level chosen on held-out
questions at the stated costs), and the confidence model reads it. Plain numpy at query time:
scikit-learn is needed only to fit.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Dict, FrozenSet, List, Optional, Sequence, Tuple

import numpy as np

from core.text import normalize_text
from knowledge.aspects import Aspect, asked_aspects, states
from knowledge.fitted import read_fitted

if TYPE_CHECKING:
    from knowledge.law_search import ArticleIndex

HERE = Path(__file__).resolve().parent
MODEL_FILE = HERE / "article_ranker.json"
# STARD's train questions with the articles that answer them (MIT licence, STARD-LICENSE).
LABELLED_FILE = HERE / "evidence" / "stard_train.jsonl"
# Lexical candidates per question; articles answering similar questions are added to them.
LEXICAL_CANDIDATES = 30
FEATURES: Tuple[str, ...] = (
    "bm25",
    "lexical",
    "rank",
    "concepts_covered",
    "no_concepts",
    "law_named",
    "chapter_named",
    "aspect_stated",
    "neighbour_article",
    "neighbour_best",
    "neighbour_law",
    "neighbour_top",
    "neighbour_support",
    "asked_best",
    "asked_often",
    "terms_present",
    "pairs_present",
)
_CHINESE_RUN = re.compile(r"[\u4e00-\u9fff]+")
_CHAPTER_LABEL = re.compile(
    r"^(第[零〇一二三四五六七八九十百]+[章节编分]+|[一二三四五六七八九十]+、)\s*"
)


@dataclass(frozen=True)
class Lexical:
    """What the article index computed for one question, handed to the ranker as is."""

    text: str
    terms: Sequence[str]
    concepts: FrozenSet[str]
    scores: np.ndarray  # BM25 per article, after the scope rule
    final: np.ndarray  # BM25 plus concept coverage, today's lexical ranking


@dataclass(frozen=True)
class Neighbour:
    similarity: float
    gold: FrozenSet[str]  # article ids answering the labelled question
    laws: FrozenSet[str]  # their laws


class LabelledQuestions:
    """TF-IDF cosine over labelled questions: which questions are like this one."""

    def __init__(self, records: Sequence[Tuple[int, str, FrozenSet[str]]], index: ArticleIndex):
        self.ids = [record[0] for record in records]
        self.gold = [record[2] for record in records]
        self.laws = [frozenset(g.split("#")[0] for g in record[2]) for record in records]
        tokens = [index.tokenize(record[1]) for record in records]
        frequency: Counter[str] = Counter(t for doc in tokens for t in set(doc))
        count = len(records)
        self.idf = {t: math.log((1 + count) / (1 + df)) + 1 for t, df in frequency.items()}
        rows: Dict[str, List[int]] = defaultdict(list)
        weights: Dict[str, List[float]] = defaultdict(list)
        for row, doc in enumerate(tokens):
            vector = {t: (1 + math.log(tf)) * self.idf[t] for t, tf in Counter(doc).items()}
            norm = math.sqrt(sum(w * w for w in vector.values())) or 1.0
            for term, weight in vector.items():
                rows[term].append(row)
                weights[term].append(weight / norm)
        self._postings = {t: (np.array(rows[t]), np.array(weights[t])) for t in rows}
        citing: Dict[str, List[int]] = defaultdict(list)
        for row, gold in enumerate(self.gold):
            for article_id in gold:
                citing[article_id].append(row)
        # The labelled questions each article answers.
        self.citing = {article_id: np.array(rows) for article_id, rows in citing.items()}

    def similarities(self, terms: Sequence[str], exclude: Optional[int] = None) -> np.ndarray:
        """Cosine similarity of the question to every labelled question; `exclude` leaves one
        out (for fitting)."""
        similarity = np.zeros(len(self.ids))
        vector = {t: self.idf[t] for t in dict.fromkeys(terms) if t in self.idf}
        norm = math.sqrt(sum(w * w for w in vector.values()))
        if not norm:
            return similarity
        for term, weight in vector.items():
            rows, weights = self._postings[term]
            similarity[rows] += weights * (weight / norm)
        if exclude is not None and exclude in self.ids:
            similarity[self.ids.index(exclude)] = 0.0
        return similarity

    def nearest(self, similarity: np.ndarray, limit: int) -> List[Neighbour]:
        """The `limit` most similar labelled questions."""
        top = np.argsort(-similarity)[:limit]
        return [
            Neighbour(float(similarity[r]), self.gold[r], self.laws[r])
            for r in top
            if similarity[r] > 0
        ]


@dataclass(frozen=True)
class Ranking:
    """Candidate rows best first with the score that orders them, and the model's probabilities."""

    ranked: List[Tuple[float, int]]
    by_model: bool  # ordered by the probabilities, not the lexical score
    probability: Dict[int, float]  # by row; empty without a model


@dataclass(frozen=True)
class RankerModel:
    """Standardised logistic-regression weights, and the probability at which to quote."""

    weights: np.ndarray
    mean: np.ndarray
    scale: np.ndarray
    intercept: float
    threshold: float
    neighbours: int
    # Below this best probability the model is too unsure to overrule the lexical order.
    trust: float = 0.0

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        z = ((features - self.mean) / self.scale) @ self.weights + self.intercept
        return np.asarray(1 / (1 + np.exp(-z)))


def load_model(path: Path = MODEL_FILE) -> Optional[RankerModel]:
    """The stored ranker, or None when there is none or it was fitted on other features."""
    data = read_fitted(path, FEATURES)
    if data is None:
        return None
    return RankerModel(
        np.array(data["weights"], dtype=float),
        np.array(data["mean"], dtype=float),
        np.array(data["scale"], dtype=float),
        float(data["intercept"]),
        float(data["threshold"]),
        int(data["neighbours"]),
        float(data.get("trust", 0.0)),
    )


def load_labelled(path: Path = LABELLED_FILE) -> List[Tuple[int, str, FrozenSet[str]]]:
    records = []
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        records.append((int(record["id"]), str(record["question"]), frozenset(record["gold"])))
    return records


class ArticleRanker:
    """Candidates and their features for a question; the fitted model orders them."""

    def __init__(
        self,
        index: ArticleIndex,
        model: Optional[RankerModel],
        labelled: Optional[LabelledQuestions] = None,
    ) -> None:
        self.index = index
        self.model = model
        self.labelled = labelled
        # Whether an article states an aspect, worked out once: normalising an article's text
        # costs more than the rest of its features.
        self._stated: Dict[Tuple[int, Aspect], bool] = {}
        self._pairs: Dict[int, FrozenSet[str]] = {}
        # A labelled question to leave out of the evidence: set only while fitting on it.
        self.leave_out: Optional[int] = None
        self._row = {article.id: row for row, article in enumerate(index.articles)}
        chapters = {article.chapter for article in index.articles}
        self._chapter_terms = {chapter: _chapter_terms(index, chapter) for chapter in chapters}

    def candidates(
        self, lexical: Lexical, neighbours: int, exclude: Optional[int] = None
    ) -> Tuple[List[int], np.ndarray]:
        """The candidate rows and their feature matrix (rows × FEATURES)."""
        final = lexical.final
        count = min(LEXICAL_CANDIDATES, len(final))
        lexical_rows = np.argpartition(-final, count - 1)[:count]
        ordered = sorted(lexical_rows.tolist(), key=lambda row: -final[row])
        rank = {row: position for position, row in enumerate(ordered) if final[row] > 0}
        labelled = self.labelled
        similarity = labelled.similarities(lexical.terms, exclude) if labelled else np.zeros(0)
        near = labelled.nearest(similarity, neighbours) if labelled and neighbours else []
        rows = [row for row in ordered if final[row] > 0]
        for neighbour in near:
            for article_id in sorted(neighbour.gold):
                row = self._row.get(article_id)
                if row is not None and row not in rows:
                    rows.append(row)
        asked = _asked_of(self.index, lexical, near)
        features = np.array(
            [self._features(lexical, asked, row, rank, near, similarity, exclude) for row in rows]
        )
        return rows, features.reshape(len(rows), len(FEATURES))

    def rank(self, lexical: Lexical) -> Ranking:
        """The candidates best first: by the model's probability, or in today's lexical order
        without a model or when it is too unsure; the probabilities either way."""
        probability: Dict[int, float] = {}
        if self.model is not None:
            rows, features = self.candidates(lexical, self.model.neighbours, self.leave_out)
            if rows:
                probabilities = self.model.probabilities(features).tolist()
                probability = dict(zip(rows, probabilities, strict=True))
                if max(probabilities) >= self.model.trust:
                    ranked = sorted(zip(probabilities, rows, strict=True), reverse=True)
                    return Ranking(ranked, True, probability)
        count = min(LEXICAL_CANDIDATES, len(lexical.final))
        rows = np.argpartition(-lexical.final, count - 1)[:count].tolist()
        ranked = sorted(((float(lexical.final[r]), r) for r in rows), reverse=True)
        return Ranking(ranked, False, probability)

    def _states(self, row: int, aspect: Aspect) -> bool:
        key = (row, aspect)
        if key not in self._stated:
            self._stated[key] = states(aspect, self.index.articles[row].text)
        return self._stated[key]

    def _features(
        self,
        lexical: Lexical,
        asked_of: _Asked,
        row: int,
        rank: Dict[int, int],
        near: Sequence[Neighbour],
        similarity: np.ndarray,
        exclude: Optional[int],
    ) -> List[float]:
        article = self.index.articles[row]
        top_bm25, top_final, text, terms, aspects, total, present, pairs = asked_of
        concepts = lexical.concepts
        covered = len(self.index.covers(row) & concepts) / len(concepts) if concepts else 0.0
        chapter_terms = self._chapter_terms.get(article.chapter, frozenset())
        chapter = len(chapter_terms & terms) / len(chapter_terms) if chapter_terms else 0
        stated = sum(self._states(row, a) for a in aspects) / len(aspects) if aspects else 0.0
        citing = [n.similarity for n in near if article.id in n.gold]
        same_law = [n.similarity for n in near if article.law in n.laws]
        position = rank.get(row)
        labelled = self.labelled
        asked = labelled.citing.get(article.id) if labelled is not None else None
        asked_best = often = 0.0
        if labelled is not None and asked is not None:
            asked_best = float(similarity[asked].max())
            # How many labelled questions the article answers, the left-out one not counted.
            often = len(asked)
            if exclude is not None:
                often -= sum(labelled.ids[r] == exclude for r in asked.tolist())
        return [
            float(lexical.scores[row]) / top_bm25,
            float(lexical.final[row]) / top_final,
            1 - math.log1p(position) / math.log1p(LEXICAL_CANDIDATES)
            if position is not None
            else 0,
            covered,
            float(not concepts),
            float(article.law in text),
            chapter,
            stated,
            sum(citing) / total,
            max(citing, default=0.0),
            sum(same_law) / total,
            near[0].similarity if near else 0.0,
            min(len(citing), 5) / 5,
            asked_best,
            math.log1p(often),
            present.get(row, 0.0),
            len(pairs & self._pairs_of(row)) / len(pairs) if pairs else 0.0,
        ]

    def _pairs_of(self, row: int) -> FrozenSet[str]:
        if row not in self._pairs:
            # The laws' texts are in simplified characters already: no normalising needed.
            self._pairs[row] = _pairs_of_runs(self.index.articles[row].text)
        return self._pairs[row]


_Asked = Tuple[
    float, float, str, FrozenSet[str], Tuple[Aspect, ...], float, Dict[int, float], FrozenSet[str]
]


def _asked_of(index: ArticleIndex, lexical: Lexical, near: Sequence[Neighbour]) -> _Asked:
    """What every candidate's features read of the question, worked out once per question."""
    return (
        float(lexical.scores.max()) or 1.0,
        float(lexical.final.max()) or 1.0,
        normalize_text(lexical.text),
        frozenset(lexical.terms),
        asked_aspects(lexical.text),
        sum(n.similarity for n in near) or 1.0,
        _terms_present(index, lexical.terms),
        _char_pairs(lexical.text),
    )


def _terms_present(index: ArticleIndex, terms: Sequence[str]) -> Dict[int, float]:
    """Per article, the IDF-weighted share of the question's terms it contains at all: BM25
    rewards a term said often; this rewards saying every word that was asked."""
    total = len(index.articles)
    present: Dict[int, float] = defaultdict(float)
    weight = 0.0
    for term in terms:
        posting = index.posting(term)
        if posting is None:
            continue
        idf = math.log(1 + total / len(posting))
        weight += idf
        for row in posting.tolist():
            present[row] += idf
    return {row: value / weight for row, value in present.items()} if weight else {}


def _char_pairs(text: str) -> FrozenSet[str]:
    """The character pairs of a text's Chinese runs: words jieba cuts differently still meet."""
    return _pairs_of_runs(normalize_text(text))


def _pairs_of_runs(text: str) -> FrozenSet[str]:
    runs = _CHINESE_RUN.findall(text)
    return frozenset(run[i : i + 2] for run in runs for i in range(len(run) - 1))


def _chapter_terms(index: ArticleIndex, chapter: str) -> FrozenSet[str]:
    """The words of a chapter's title without its label: 第八章 违约责任 → {违约, 责任, …}."""
    title = _CHAPTER_LABEL.sub("", chapter)
    return frozenset(index.tokenize(title)) if title else frozenset()


@lru_cache(maxsize=1)
def default_model() -> Optional[RankerModel]:
    """knowledge/article_ranker.json, loaded once per process."""
    return load_model()
