"""Fits the article ranker (knowledge/article_ranker.json) on STARD's train split.

    python -m bench.fit_article_ranker [--write]

Data: knowledge/evidence/stard_train.jsonl (STARD train, the labelled questions the ranker also
consults at run time); never STARD dev. Four questions in five fit a logistic regression over
every (question, candidate article) pair, the "similar questions" features of a fitting question
coming from the other fitting questions (leave one out). Every fifth question, with the fitting
questions as its similar questions, chooses the number of neighbours, the regularisation, the
feature set, the probability below which the lexical order is kept, and the probability at which
the best article is quoted (costs: right 0, decline 1, wrong 2; a question whose laws we do not
ship is wrong when answered). The development legal set (tests/knowledge/legal_dev.yml) joins
the choice: a setting is chosen by the mean hit@1 of the held-out fifth and of legal_dev, so a
ranking that suits STARD's wording does not lose the project's own questions. The chosen setting
is then refitted on all of train. Prints hit@1 / hit@3 of the lexical order and of each setting.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, FrozenSet, List, Optional, Sequence, Tuple

import numpy as np
import yaml
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from knowledge.article_ranker import (
    FEATURES,
    MODEL_FILE,
    ArticleRanker,
    LabelledQuestions,
    RankerModel,
    load_labelled,
)
from knowledge.law_search import ArticleIndex
from knowledge.lawtext import default_corpus
from knowledge.thresholds import TAIL_RATIO

LEGAL_DEV = Path(__file__).resolve().parents[1] / "tests" / "knowledge" / "legal_dev.yml"
NEIGHBOURS = (5, 10, 20)
# Feature sets tried: all, or without the raw BM25 score (the lexical score with concept
# coverage stays), which STARD's rare concept words would otherwise let the fit undo.
FEATURE_SETS = {
    "all": FEATURES,
    "no raw bm25": tuple(f for f in FEATURES if f != "bm25"),
}
REGULARISATION = (0.03, 0.3, 3.0)
# The ranker orders a question's articles when its best probability reaches this; below it the
# lexical order with concept coverage (set on legal_dev) is kept, a weak model being no better.
TRUST = (0.0, 0.1, 0.2, 0.3)
DECLINE_COST, WRONG_COST = 1.0, 2.0
CITED = 3

Record = Tuple[int, str, FrozenSet[str]]


@dataclass
class Question:
    record: Record
    shipped: bool
    rows: List[int]
    features: np.ndarray
    labels: np.ndarray
    concepts: bool  # the question names a concept of the legal lexicon


def build(
    index: ArticleIndex,
    records: Sequence[Record],
    labelled: LabelledQuestions,
    neighbours: int,
    leave_one_out: bool,
) -> List[Question]:
    corpus = default_corpus()
    ranker = ArticleRanker(index, None, labelled)
    questions = []
    for record in records:
        number, text, gold = record
        shipped = all(corpus.law(g.split("#")[0]) is not None for g in gold)
        lexical = index.lexical(text)
        exclude = number if leave_one_out else None
        rows, features = ranker.candidates(lexical, neighbours, exclude)
        labels = np.array([index.articles[r].id in gold for r in rows], dtype=int)
        questions.append(Question(record, shipped, rows, features, labels, bool(lexical.concepts)))
    return questions


def fit(
    questions: Sequence[Question], c: float, names: Sequence[str]
) -> Tuple[StandardScaler, LogisticRegression]:
    """Standardise and fit on the columns `names`; the others get weight 0 (mean 0, scale 1)."""
    used = [FEATURES.index(name) for name in names]
    x = np.vstack([q.features for q in questions if q.shipped and len(q.rows)])
    y = np.concatenate([q.labels for q in questions if q.shipped and len(q.rows)])
    scaler = StandardScaler().fit(x)
    model = LogisticRegression(C=c, max_iter=2000).fit(scaler.transform(x)[:, used], y)
    unused = [i for i in range(len(FEATURES)) if i not in used]
    scaler.mean_[unused], scaler.scale_[unused] = 0.0, 1.0
    weights = np.zeros((1, len(FEATURES)))
    weights[0, used] = model.coef_[0]
    model.coef_ = weights
    model.n_features_in_ = len(FEATURES)
    return scaler, model


def legal_dev() -> List[Record]:
    data = yaml.safe_load(LEGAL_DEV.read_text(encoding="utf-8"))
    return [
        (-1 - i, str(q["q"]), frozenset(q["expected"])) for i, q in enumerate(data["questions"])
    ]


def ranked(
    question: Question,
    scaler: Optional[StandardScaler],
    model: Optional[LogisticRegression],
    trust: float = 0.0,
) -> List[Tuple[float, int]]:
    """(score, position) best first: the model's probability, or the lexical order."""
    if not len(question.rows):
        return []
    if model is not None and scaler is not None:
        p = model.predict_proba(scaler.transform(question.features))[:, 1]
        if p.max() >= trust:
            return sorted(zip(p.tolist(), range(len(question.rows)), strict=True), reverse=True)
    lexical = question.features[:, FEATURES.index("lexical")]
    return sorted(zip(lexical.tolist(), range(len(question.rows)), strict=True), reverse=True)


def hits(
    questions: Sequence[Question],
    scaler: Optional[StandardScaler],
    model: Optional[LogisticRegression],
    trust: float = 0.0,
) -> Tuple[float, float]:
    shipped = [q for q in questions if q.shipped]
    hit1 = hit3 = 0
    for question in shipped:
        order = [position for _, position in ranked(question, scaler, model, trust)]
        hit1 += bool(order) and bool(question.labels[order[0]])
        hit3 += any(question.labels[p] for p in order[:3])
    n = max(len(shipped), 1)
    return hit1 / n, hit3 / n


def outcomes(
    questions: Sequence[Question], scaler: StandardScaler, model: LogisticRegression
) -> List[Tuple[float, bool]]:
    """(best probability, whether the quoted articles hold a right one) per question."""
    result = []
    for question in questions:
        order = ranked(question, scaler, model)
        if not order:
            result.append((0.0, False))
            continue
        best = order[0][0]
        quoted = [p for value, p in order[:CITED] if value >= TAIL_RATIO * best] or [order[0][1]]
        right = question.shipped and any(question.labels[p] for p in quoted)
        result.append((best, right))
    return result


def threshold(results: Sequence[Tuple[float, bool]]) -> Tuple[float, float, List[str]]:
    """The probability at which answering costs least, its mean cost, and the table rows."""
    rows, best = [], (float("inf"), 1.0)
    for t in np.arange(0.05, 0.96, 0.05):
        answered = [right for p, right in results if p >= t]
        right = sum(answered)
        wrong = len(answered) - right
        declined = len(results) - len(answered)
        cost = (declined * DECLINE_COST + wrong * WRONG_COST) / max(len(results), 1)
        n = max(len(results), 1)
        rows.append(
            f"  p ≥ {t:.2f}: right {right / n:.3f}, declined {declined / n:.3f}, "
            f"wrong {wrong / n:.3f}, cost {cost:.3f}"
        )
        if cost < best[0] - 1e-9:
            best = (cost, float(t))
    return best[1], best[0], rows


def cross_fitted(index: ArticleIndex, folds: int) -> Dict[int, RankerModel]:
    """For each labelled question, the stored ranker's setting refitted without its fold
    (every `folds`-th question by position): a model that never saw the question, for fitting
    what reads the ranker's probability (bench.fit_answer_model)."""
    stored = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    records = load_labelled()
    labelled = LabelledQuestions(records, index)
    questions = build(index, records, labelled, int(stored["neighbours"]), leave_one_out=True)
    names = FEATURE_SETS[stored["fitted_on"]["feature_set"]]
    models: Dict[int, RankerModel] = {}
    for fold in range(folds):
        rest = [q for i, q in enumerate(questions) if i % folds != fold]
        scaler, model = fit(rest, float(stored["fitted_on"]["regularisation"]), names)
        fitted = RankerModel(
            model.coef_[0].copy(),
            scaler.mean_.copy(),
            scaler.scale_.copy(),
            float(model.intercept_[0]),
            float(stored["threshold"]),
            int(stored["neighbours"]),
            float(stored["trust"]),
        )
        for i, question in enumerate(questions):
            if i % folds == fold:
                models[question.record[0]] = fitted
    return models


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help=f"store the weights in {MODEL_FILE}")
    args = parser.parse_args(argv)
    index = ArticleIndex(default_corpus().all_articles())
    records = load_labelled()
    # Every fifth question is held out: train is ordered by subject, as dev was drawn across it.
    fitting = [r for i, r in enumerate(records) if i % 5 != 4]
    held = [r for i, r in enumerate(records) if i % 5 == 4]
    labelled_fit = LabelledQuestions(fitting, index)
    choice = None
    for neighbours in NEIGHBOURS:
        train = build(index, fitting, labelled_fit, neighbours, leave_one_out=True)
        hold = build(index, held, labelled_fit, neighbours, leave_one_out=False)
        dev = build(index, legal_dev(), labelled_fit, neighbours, leave_one_out=False)
        if choice is None:
            dev1, dev3 = hits(dev, None, None)
            print(f"legal_dev, lexical order: hit@1 {dev1:.3f}, hit@3 {dev3:.3f}")
            lexical1, lexical3 = hits(hold, None, None)
            shipped = [q for q in hold if q.shipped]
            recall = sum(bool(q.labels.any()) for q in shipped) / max(len(shipped), 1)
            print(
                f"held-out: {len(shipped)} of {len(hold)} questions shipped, "
                f"a right article among the candidates for {recall:.3f}"
            )
            print(f"held-out fifth, lexical order: hit@1 {lexical1:.3f}, hit@3 {lexical3:.3f}")
        for c in REGULARISATION:
            for set_name, names in FEATURE_SETS.items():
                scaler, model = fit(train, c, names)
                for trust in TRUST:
                    hit1, hit3 = hits(hold, scaler, model, trust)
                    dev1, dev3 = hits(dev, scaler, model, trust)
                    print(
                        f"neighbours {neighbours}, C {c}, {set_name}, trust {trust}: "
                        f"held-out hit@1 {hit1:.3f}, hit@3 {hit3:.3f}; legal_dev hit@1 {dev1:.3f}, "
                        f"hit@3 {dev3:.3f}"
                    )
                    key = ((hit1 + dev1) / 2, (hit3 + dev3) / 2)
                    if choice is None or key > choice[0]:
                        setting = (neighbours, c, set_name, trust)
                        choice = (key, (hit1, hit3), setting, outcomes(hold, scaler, model))
    assert choice is not None
    _, (hit1, hit3), (neighbours, c, set_name, trust), held_outcomes = choice
    chosen, cost, table = threshold(held_outcomes)
    print(
        f"chosen: neighbours {neighbours}, C {c}, {set_name}, trust {trust} "
        f"(held-out hit@1 {hit1:.3f})"
    )
    print(f"quote the best article at p ≥ {chosen:.2f} (mean cost {cost:.3f}); held-out fifth:")
    print("\n".join(table))
    labelled_all = LabelledQuestions(records, index)
    everything = build(index, records, labelled_all, neighbours, leave_one_out=True)
    scaler, model = fit(everything, c, FEATURE_SETS[set_name])
    if args.write:
        data = {
            "features": list(FEATURES),
            "weights": model.coef_[0].tolist(),
            "mean": scaler.mean_.tolist(),
            "scale": scaler.scale_.tolist(),
            "intercept": float(model.intercept_[0]),
            "threshold": round(chosen, 2),
            "neighbours": neighbours,
            "trust": trust,
            "fitted_on": {
                "data": "STARD train (knowledge/evidence/stard_train.jsonl), leave one out",
                "questions": sum(q.shipped for q in everything),
                "pairs": int(sum(len(q.rows) for q in everything if q.shipped)),
                "feature_set": set_name,
                "regularisation": c,
                "chosen_on": f"legal_dev and every fifth question of train ({len(held)} questions)",
                "held_out_hit1": round(hit1, 3),
                "held_out_hit3": round(hit3, 3),
                "costs": {"decline": DECLINE_COST, "wrong": WRONG_COST},
            },
        }
        MODEL_FILE.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", "utf-8")
        print(f"wrote {MODEL_FILE}")


if __name__ == "__main__":
    main()
