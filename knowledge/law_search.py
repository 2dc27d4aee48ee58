"""BM25 search over the articles of knowledge/laws, steered by the legal concept lexicon.

A question is answerable from the articles only when the one to three returned articles
together state every legal concept it names and the best of them scores as relevant; anything
less is reported as not answerable rather than answered with a near miss.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, FrozenSet, List, Optional, Sequence, Tuple

import numpy as np
from rank_bm25 import BM25Okapi

from knowledge.article_ranker import (
    ArticleRanker,
    LabelledQuestions,
    Lexical,
    load_labelled,
)
from knowledge.article_ranker import (
    default_model as default_ranker_model,
)
from knowledge.lawtext import Article, default_corpus
from knowledge.legal_lexicon import CONCEPTS_FILE, Lexicon, default_lexicon
from knowledge.search import USERDICT, bm25_postings, load_tokenizer, tokenize_text
from knowledge.thresholds import (
    ARTICLE_MIN_SCORE,
    COVERAGE_WEIGHT,
    OUT_OF_SCOPE,
    RESCUE_RATIO,
    TAIL_RATIO,
)

# Term saturation: an article repeating a word is not much more about it (articles are short).
BM25_K1 = 0.8


@dataclass(frozen=True)
class ArticleHit:
    article: Article
    score: float  # BM25 with concept coverage
    covers: FrozenSet[str]
    confidence: float = 0.0  # the fitted ranker's probability that the article answers


@dataclass(frozen=True)
class ArticleResult:
    """The articles that answer a question, its concepts, and whether they answer it."""

    hits: Tuple[ArticleHit, ...]
    concepts: FrozenSet[str]
    answerable: bool

    @property
    def missing(self) -> FrozenSet[str]:
        """Concepts of the question that none of the hits states."""
        covered: FrozenSet[str] = frozenset().union(*(hit.covers for hit in self.hits))
        return self.concepts - covered


@dataclass
class _Analysed:
    """The corpus as the index needs it: BM25 weights by term, concepts by article."""

    terms: Dict[str, Tuple[np.ndarray, np.ndarray]]
    covers: np.ndarray  # articles × concepts, True where the article states the concept


class ArticleIndex:
    """BM25 over articles (law name, chapter and text), built once."""

    def __init__(
        self,
        articles: Sequence[Article],
        lexicon: Optional[Lexicon] = None,
        min_score: float = ARTICLE_MIN_SCORE,
    ) -> None:
        self.articles = list(articles)
        self.lexicon = lexicon or default_lexicon()
        self.min_score = min_score
        self._tokenizer = load_tokenizer()
        self._concepts = [concept.name for concept in self.lexicon.concepts]
        self._column = {name: i for i, name in enumerate(self._concepts)}
        analysed = self._analysed()
        self._terms = analysed.terms
        self._covers = analysed.covers
        scope = self.lexicon.scoped_laws
        self._scope: Dict[str, np.ndarray] = {
            name: np.array([scope.get(a.law) == name for a in self.articles])
            for name in set(scope.values())
        }
        # Today's lexical order until a fitted model is attached (default_article_index).
        self.ranker = ArticleRanker(self, None)

    @staticmethod
    def _document(article: Article) -> str:
        return f"{article.law} {article.chapter} {article.text}"

    def tokenize(self, text: str) -> List[str]:
        return tokenize_text(self._tokenizer, text)

    def _analysed(self) -> _Analysed:
        """The analysed corpus, from the disk cache when texts and lexicon are unchanged.

        Tokenising the corpus's four hundred thousand characters with jieba and weighting them
        takes several seconds on a small machine; the texts change only with a new version.
        """
        texts = [self._document(a) for a in self.articles]
        path = _cache_path(texts)
        try:
            with np.load(path, allow_pickle=False) as cached:
                return _unpack(cached, len(self._concepts))
        except (OSError, ValueError, KeyError):
            pass
        bm25 = BM25Okapi([self.tokenize(text) for text in texts], k1=BM25_K1)
        covers = np.zeros((len(self.articles), len(self._concepts)), dtype=bool)
        for row, article in enumerate(self.articles):
            for name in self.lexicon.law_covers(article.text):
                covers[row, self._column[name]] = True
        analysed = _Analysed(bm25_postings(bm25), covers)
        _store(path, analysed)
        return analysed

    def analyse(self, query: str) -> Tuple[FrozenSet[str], List[str]]:
        """The question's concepts, and its terms with those of its legal wording, each once.

        Each term counts once: the legal wording of several words repeats terms like 劳动者,
        and repeating them would favour whatever article says 劳动者 most.
        """
        concepts = self.lexicon.question_concepts(query)
        # What the question says is absent ("没约定违约金") is not searched for.
        terms = self.tokenize(self.lexicon.without_denied(query))
        for expansion in self.lexicon.expand(query, concepts):
            terms += self.tokenize(expansion)
        return concepts, list(dict.fromkeys(terms))

    def posting(self, term: str) -> Optional[np.ndarray]:
        """The rows of the articles that contain `term`, if any does."""
        found = self._terms.get(term)
        return found[0] if found is not None else None

    def lexical(self, query: str) -> Lexical:
        """The question's concepts and terms, and every article's lexical scores for it."""
        concepts, terms = self.analyse(query)
        scores = np.zeros(len(self.articles))
        for term in terms:
            posting = self._terms.get(term)
            if posting is not None:
                scores[posting[0]] += posting[1]
        for name, rows in self._scope.items():
            if name not in concepts:
                scores[rows] *= OUT_OF_SCOPE
        final = scores.copy()
        columns = [self._column[name] for name in concepts]
        top = float(np.max(scores)) if len(scores) else 0.0
        if columns and top > 0:
            share = self._covers[:, columns].sum(axis=1) / len(columns)
            final += COVERAGE_WEIGHT * top * share * (scores > 0)
        return Lexical(query, terms, concepts, scores, final)

    def search(self, query: str, limit: int = 3) -> ArticleResult:
        """The one to `limit` articles that answer `query`, best first.

        Answerable when the articles state every concept the question names and the best scores
        as relevant, or when the fitted ranker is sure enough of the best one.
        """
        lexical = self.lexical(query)
        concepts = lexical.concepts
        top = float(np.max(lexical.scores)) if len(lexical.scores) else 0.0
        if top <= 0:
            return ArticleResult((), concepts, False)
        ranking = self.ranker.rank(lexical)
        ranked = ranking.ranked
        if not ranked:
            return ArticleResult((), concepts, False)
        model = self.ranker.model
        hits = self._select(ranked, lexical, limit, ranking.probability)
        covered: FrozenSet[str] = frozenset().union(*(hit.covers for hit in hits))
        answerable = bool(concepts) and concepts <= covered and top >= self.min_score
        if ranking.by_model and model is not None:
            answerable = answerable or ranked[0][0] >= model.threshold
        return ArticleResult(hits, concepts, answerable)

    def covers(self, article_index: int) -> FrozenSet[str]:
        """The concepts the article at this position states."""
        row = self._covers[article_index]
        return frozenset(self._concepts[i] for i in np.flatnonzero(row).tolist())

    def _select(
        self,
        ranked: List[Tuple[float, int]],
        lexical: Lexical,
        limit: int,
        probability: Dict[int, float],
    ) -> Tuple[ArticleHit, ...]:
        """The best article, and those after it that rank close or add a concept it lacks.

        Close to the best is judged by the order's own score and by the lexical score (an
        article the lexical order finds as close is quoted too, the fitted order deciding which
        comes first); whether one adding a concept is relevant enough is judged on its lexical
        score: coverage of the question's concepts is a lexical matter.
        """
        concepts = lexical.concepts
        best = ranked[0][0]
        best_lexical = max(float(lexical.final[doc]) for _, doc in ranked)
        chosen: List[ArticleHit] = []
        covered: FrozenSet[str] = frozenset()
        for value, doc in ranked:
            if len(chosen) >= limit or value <= 0:
                break
            covers = self.covers(doc) & concepts
            adds = bool(covers - covered)
            lexical_share = float(lexical.final[doc]) / best_lexical if best_lexical > 0 else 0.0
            close = value >= TAIL_RATIO * best or lexical_share >= TAIL_RATIO
            if not chosen or close or (adds and lexical_share >= RESCUE_RATIO):
                confidence = probability.get(doc, 0.0)
                chosen.append(
                    ArticleHit(self.articles[doc], float(lexical.final[doc]), covers, confidence)
                )
                covered |= covers
        return tuple(chosen)


def _store(path: Path, analysed: _Analysed) -> None:
    terms = sorted(analysed.terms)
    lengths = np.array([len(analysed.terms[t][0]) for t in terms], dtype=np.int64)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp.npz")
        np.savez(
            tmp,
            terms=np.array(terms),
            lengths=lengths,
            docs=np.concatenate([analysed.terms[t][0] for t in terms]),
            weights=np.concatenate([analysed.terms[t][1] for t in terms]),
            covers=analysed.covers,
        )
        tmp.replace(path)
    except OSError:
        pass  # a read-only cache only costs the next process the same seconds


def _unpack(cached: np.lib.npyio.NpzFile, concepts: int) -> _Analysed:
    covers = cached["covers"]
    if covers.shape[1] != concepts:
        raise ValueError("cached concepts differ from the lexicon")
    ends = np.cumsum(cached["lengths"]).tolist()
    starts = [0, *ends[:-1]]
    docs, weights = cached["docs"], cached["weights"]
    # Slices are views: no copy per term, so loading stays well under a second.
    terms = {
        str(term): (docs[start:end], weights[start:end])
        for term, start, end in zip(cached["terms"].tolist(), starts, ends, strict=True)
    }
    return _Analysed(terms, covers)


def _cache_path(texts: Sequence[str]) -> Path:
    """Where the analysed corpus is kept: keyed by texts, dictionary, lexicon and tokenizer."""
    base = os.environ.get("BANSHI_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "banshi-assistant"
    )
    digest = hashlib.sha256()
    for text in texts:
        digest.update(text.encode("utf-8"))
    knowledge = Path(__file__).resolve().parent
    for path in (USERDICT, CONCEPTS_FILE, knowledge / "search.py", knowledge / "legal_lexicon.py"):
        if path.exists():
            digest.update(path.read_bytes())
    digest.update(str(BM25_K1).encode())
    return Path(base) / "laws" / f"articles-{digest.hexdigest()[:16]}.npz"


def question_concepts(text: str) -> FrozenSet[str]:
    """The key legal concepts a question names (试用期, 辞职, 定金 …)."""
    return default_lexicon().question_concepts(text)


def missing_concepts(question: str, text: str) -> FrozenSet[str]:
    """Concepts of `question` that `text` (an article, or an entry's wording) does not cover."""
    lexicon = default_lexicon()
    return lexicon.missing(lexicon.question_concepts(question), text)


@lru_cache(maxsize=1)
def default_article_index() -> ArticleIndex:
    """The process-wide index over every article in knowledge/laws, ranked by the fitted model."""
    return with_fitted_ranker(ArticleIndex(default_corpus().all_articles()))


def with_fitted_ranker(index: ArticleIndex) -> ArticleIndex:
    """`index`, its articles ordered by the stored ranker and its labelled questions, if any."""
    model = default_ranker_model()
    if model is not None:
        index.ranker = ArticleRanker(index, model, LabelledQuestions(load_labelled(), index))
    return index
