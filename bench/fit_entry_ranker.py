"""Fits the entry ranker (knowledge/entry_ranker.py) and compares it with BM25's order.

Labelled questions: the entries' own sample questions (knowledge/content), each asked of an index
built without it (five folds: the question's fold is left out of its entry). Folds 0-3 fit the
logistic regression; fold 4 chooses its regularisation and how many candidates it reorders; the
reported evaluation (tests/knowledge/eval_questions.yml) is only printed, never used to choose.

    python -m bench.fit_entry_ranker            # the table
    python -m bench.fit_entry_ranker --write    # and store knowledge/entry_ranker.json
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import yaml
from sklearn.linear_model import LogisticRegression

from knowledge.entry_ranker import FEATURES, MODEL_FILE, EntryRanker
from knowledge.schema import Entry
from knowledge.search import KnowledgeIndex
from knowledge.store import default_entries

FOLDS = 5
CHOOSE_FOLD = FOLDS - 1
POOL = 20  # candidates collected per question; the ranker reorders the first `candidates`
EVAL_FILE = Path(__file__).resolve().parents[1] / "tests" / "knowledge" / "eval_questions.yml"


@dataclass(frozen=True)
class Asked:
    """One labelled question with BM25's candidates and their features."""

    text: str
    gold: str
    fold: int
    candidates: Tuple[Tuple[str, Tuple[float, ...]], ...]  # entry id, features; BM25's order


def without_fold(entries: Sequence[Entry], fold: int) -> List[Entry]:
    """The entries with the sample questions of one fold left out."""
    return [
        e.model_copy(
            update={"questions": [q for j, q in enumerate(e.questions) if (i + j) % FOLDS != fold]}
        )
        for i, e in enumerate(entries)
    ]


def collect_samples(entries: Sequence[Entry]) -> List[Asked]:
    asked: List[Asked] = []
    for fold in range(FOLDS):
        index = KnowledgeIndex(without_fold(entries, fold))
        for i, entry in enumerate(entries):
            for j, question in enumerate(entry.questions):
                if (i + j) % FOLDS != fold:
                    continue
                found = index.candidates(question, entry.intents[0], POOL)
                pairs = tuple((hit.entry.id, tuple(x)) for hit, x in found)
                asked.append(Asked(question, entry.id, fold, pairs))
    return asked


def collect_eval(index: KnowledgeIndex) -> List[Asked]:
    data = yaml.safe_load(EVAL_FILE.read_text(encoding="utf-8"))["questions"]
    return [
        Asked(
            item["q"],
            item["expected"],
            -1,
            tuple(
                (hit.entry.id, tuple(x))
                for hit, x in index.candidates(item["q"], item.get("intent"), POOL)
            ),
        )
        for item in data
    ]


def order(asked: Asked, model: Optional[EntryRanker]) -> List[str]:
    """The entry ids as the index would rank them: BM25's, or the model's over the first few."""
    ids = [entry for entry, _ in asked.candidates]
    if model is None:
        return ids
    head = asked.candidates[: model.candidates]
    scored = sorted(head, key=lambda pair: model.score(pair[1]), reverse=True)
    return [entry for entry, _ in scored] + ids[model.candidates :]


def rates(items: Sequence[Asked], model: Optional[EntryRanker]) -> Tuple[float, float]:
    n = max(len(items), 1)
    ranked = [order(a, model) for a in items]
    hit1 = sum(r[:1] == [a.gold] for r, a in zip(ranked, items, strict=True))
    hit3 = sum(a.gold in r[:3] for r, a in zip(ranked, items, strict=True))
    return hit1 / n, hit3 / n


def fit(items: Sequence[Asked], c: float, count: int) -> EntryRanker:
    rows = [(x, entry == a.gold) for a in items for entry, x in a.candidates[:count]]
    features = np.array([x for x, _ in rows])
    labels = np.array([y for _, y in rows])
    regression = LogisticRegression(C=c, max_iter=2000, class_weight="balanced")
    regression.fit(features, labels)
    weights = tuple(float(w) for w in regression.coef_[0])
    return EntryRanker(weights, float(regression.intercept_[0]), count)


def fit_pairs(items: Sequence[Asked], c: float, count: int) -> EntryRanker:
    """Fitted on pairs (the right entry, another candidate): what orders them, not what scores
    each alone; the differences of their features, both ways round, are the samples."""
    rows: List[Tuple[float, ...]] = []
    weights: List[float] = []
    for a in items:
        head = a.candidates[:count]
        gold = next((x for entry, x in head if entry == a.gold), None)
        if gold is None:
            continue
        # Every question weighs alike, however many candidates it has.
        for entry, x in head:
            if entry != a.gold:
                rows.append(tuple(g - o for g, o in zip(gold, x, strict=True)))
                weights.append(1 / (len(head) - 1))
    plus = np.array(rows)
    features = np.vstack([plus, -plus])
    labels = np.array([1] * len(rows) + [0] * len(rows))
    regression = LogisticRegression(C=c, max_iter=2000, fit_intercept=False)
    regression.fit(features, labels, sample_weight=np.array(weights + weights))
    return EntryRanker(tuple(float(w) for w in regression.coef_[0]), 0.0, count)


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help="store the fitted weights")
    args = parser.parse_args(argv)
    entries = default_entries()
    asked = collect_samples(entries)
    train = [a for a in asked if a.fold != CHOOSE_FOLD]
    choose = [a for a in asked if a.fold == CHOOSE_FOLD]
    reported = collect_eval(KnowledgeIndex(entries))
    print(f"{len(train)} sample questions fit, {len(choose)} choose; {len(reported)} reported")

    # The reported set is printed for today's order and the chosen model only, after choosing.
    print("\n| ranking | development hit@1 / hit@3 |")
    print("|---|---|")
    row = "| {} | {:.3f} / {:.3f} |"
    print(row.format("BM25 (today)", *rates(choose, None)))
    best: Tuple[Tuple[float, float], Optional[EntryRanker], str] = ((-1.0, -1.0), None, "")
    for kind, fitter in (("pointwise", fit), ("pairwise", fit_pairs)):
        for count in (5, 10, 20):
            for c in (0.1, 1.0, 10.0):
                model = fitter(train, c, count)
                dev = rates(choose, model)
                name = f"{kind} logistic regression, C={c}, {count} candidates"
                print(row.format(name, *dev))
                if dev > best[0]:
                    best = (dev, model, name)
    chosen = best[1]
    assert chosen is not None
    print(f"\nchosen on the development fold: {best[2]}")
    print("\n| ranking | development hit@1 / hit@3 | reported hit@1 / hit@3 |")
    print("|---|---|---|")
    both = "| {} | {:.3f} / {:.3f} | {:.3f} / {:.3f} |"
    print(both.format("BM25 (today)", *rates(choose, None), *rates(reported, None)))
    print(both.format(best[2], *best[0], *rates(reported, chosen)))
    for name, weight in zip(FEATURES, chosen.weights, strict=True):
        print(f"  {name:<22} {weight:+.3f}")
    if not args.write:
        for a in choose:
            ranked = order(a, chosen)
            if ranked[:1] != [a.gold]:
                print("  miss:", a.text, a.gold, ranked[:3])
    if args.write:
        fitted_on: Dict[str, object] = {
            "fit": f"sample questions of knowledge/content, folds 0-3 ({len(train)})",
            "chosen": f"fold 4 ({len(choose)}): {best[2]}",
        }
        MODEL_FILE.write_text(chosen.to_json(fitted_on) + "\n", encoding="utf-8")
        print(f"wrote {MODEL_FILE}")


if __name__ == "__main__":
    main()
