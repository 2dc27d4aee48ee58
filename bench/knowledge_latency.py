"""Knowledge index build time and query latency p50/p95 over the retrieval evaluation set.

python -m bench.knowledge_latency
"""

from __future__ import annotations

import time
from pathlib import Path

import yaml

from bench.common import percentiles
from knowledge.search import KnowledgeIndex
from knowledge.store import load_entries

EVAL = Path(__file__).resolve().parent.parent / "tests" / "knowledge" / "eval_questions.yml"


def main() -> None:
    t0 = time.perf_counter()
    entries = load_entries()
    t1 = time.perf_counter()
    index = KnowledgeIndex(entries)
    t2 = time.perf_counter()
    questions = yaml.safe_load(EVAL.read_text(encoding="utf-8"))["questions"]
    index.search("预热")
    samples = []
    hit1 = hit3 = 0
    for _ in range(3):
        for item in questions:
            q0 = time.perf_counter()
            result = index.search(item["q"], intent=item.get("intent"))
            samples.append((time.perf_counter() - q0) * 1000)
            ranked = [hit.entry.id for hit in result.hits]
            hit1 += ranked[:1] == [item["expected"]]
            hit3 += item["expected"] in ranked[:3]
    n = 3 * len(questions)
    print(
        f"entries: {len(entries)}; load+validate {1000 * (t1 - t0):.0f} ms; "
        f"index build {1000 * (t2 - t1):.0f} ms"
    )
    print(f"query latency (ms): {percentiles(samples)}")
    print(f"hit@1={hit1 / n:.3f} hit@3={hit3 / n:.3f} over {len(questions)} questions")


if __name__ == "__main__":
    main()
