"""Knowledge index build time and query latency, for entries and for law articles.

python -m bench.knowledge_latency

Entries: p50/p95/p99 over the retrieval evaluation set, before and after the law index is
loaded in the same process (as in the action server). Articles: corpus parse time, index build
time without and with the analysis cache, and p50/p95/p99 over the legal question sets. Then
the whole answer choice (`Resolver.respond`: entries, concepts, articles) over all of them.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Tuple

import yaml

from bench.common import percentiles
from knowledge.law_search import ArticleIndex, with_fitted_ranker
from knowledge.lawtext import LawCorpus
from knowledge.search import KnowledgeIndex
from knowledge.store import load_entries

TESTS = Path(__file__).resolve().parent.parent / "tests" / "knowledge"
EVAL = TESTS / "eval_questions.yml"
LEGAL_SETS = (TESTS / "legal_questions.yml", TESTS / "legal_dev.yml")
ROUNDS = 3


def _entry_latency(
    index: KnowledgeIndex, questions: List[dict]
) -> Tuple[List[float], float, float]:
    samples = []
    hit1 = hit3 = 0
    for _ in range(ROUNDS):
        for item in questions:
            q0 = time.perf_counter()
            result = index.search(item["q"], intent=item.get("intent"))
            samples.append((time.perf_counter() - q0) * 1000)
            ranked = [hit.entry.id for hit in result.hits]
            hit1 += ranked[:1] == [item["expected"]]
            hit3 += item["expected"] in ranked[:3]
    n = ROUNDS * len(questions)
    return samples, hit1 / n, hit3 / n


def _article_latency(index: ArticleIndex) -> Dict[str, object]:
    samples = []
    figures: Dict[str, object] = {}
    for path in LEGAL_SETS:
        questions = yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]
        hit1 = hit3 = 0
        for _ in range(ROUNDS):
            for item in questions:
                q0 = time.perf_counter()
                result = index.search(item["q"])
                samples.append((time.perf_counter() - q0) * 1000)
                ids = [hit.article.id for hit in result.hits]
                hit1 += bool(ids) and ids[0] in item["expected"]
                hit3 += any(i in item["expected"] for i in ids[:3])
        n = ROUNDS * len(questions)
        figures[path.stem] = f"hit@1={hit1 / n:.3f} hit@3={hit3 / n:.3f} ({len(questions)})"
    figures["latency"] = percentiles(samples)
    return figures


def main() -> None:
    t0 = time.perf_counter()
    entries = load_entries()
    t1 = time.perf_counter()
    index = KnowledgeIndex(entries)
    t2 = time.perf_counter()
    questions = yaml.safe_load(EVAL.read_text(encoding="utf-8"))["questions"]
    index.search("预热")
    samples, hit1, hit3 = _entry_latency(index, questions)
    print(
        f"entries: {len(entries)}; load+validate {1000 * (t1 - t0):.0f} ms; "
        f"index build {1000 * (t2 - t1):.0f} ms"
    )
    print(f"entry query latency (ms): {percentiles(samples)}")
    print(f"hit@1={hit1:.3f} hit@3={hit3:.3f} over {len(questions)} questions")

    t3 = time.perf_counter()
    corpus = LawCorpus()
    articles = corpus.all_articles()
    t4 = time.perf_counter()
    # A fresh cache directory: the first build analyses the corpus, the second reads it back.
    with tempfile.TemporaryDirectory() as cache:
        previous = os.environ.get("BANSHI_CACHE_DIR")
        os.environ["BANSHI_CACHE_DIR"] = cache
        try:
            ArticleIndex(articles)
            t5 = time.perf_counter()
            law_index = ArticleIndex(articles)
            t6 = time.perf_counter()
        finally:
            if previous is None:
                os.environ.pop("BANSHI_CACHE_DIR", None)
            else:
                os.environ["BANSHI_CACHE_DIR"] = previous
    with_fitted_ranker(law_index)
    t7 = time.perf_counter()
    law_index.search("预热")
    print(f"article ranker: labelled questions indexed in {1000 * (t7 - t6):.0f} ms")
    print(
        f"laws: {len(corpus.laws)} laws, {len(articles)} articles; "
        f"parse {1000 * (t4 - t3):.0f} ms; index build {1000 * (t5 - t4):.0f} ms without cache, "
        f"{1000 * (t6 - t5):.0f} ms with"
    )
    figures = _article_latency(law_index)
    print(f"article query latency (ms): {figures.pop('latency')}")
    for name, line in figures.items():
        print(f"  {name}: {line}")

    samples, _, _ = _entry_latency(index, questions)
    print(f"entry query latency with the law index loaded (ms): {percentiles(samples)}")
    print(f"whole answer choice, as the action server makes it (ms): {_answer_latency()}")


def _answer_latency() -> str:
    """`Resolver.respond` over the entry and legal questions: search, concepts, articles."""
    from knowledge.resolve import default_resolver

    resolver = default_resolver()
    texts = [q["q"] for q in yaml.safe_load(EVAL.read_text(encoding="utf-8"))["questions"]]
    for path in LEGAL_SETS:
        texts += [q["q"] for q in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]]
    resolver.respond("预热")
    samples: List[float] = []
    for _ in range(ROUNDS):
        for text in texts:
            start = time.perf_counter()
            resolver.respond(text)
            samples.append(1000 * (time.perf_counter() - start))
    return percentiles(samples)


if __name__ == "__main__":
    main()
