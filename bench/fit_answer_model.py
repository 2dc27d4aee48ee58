"""Fits the legal-answer confidence model (knowledge/answer_model.json) and compares it with the
rules alone on a development split.

    python -m bench.fit_answer_model [--write]

Data: STARD's train split (the questions whose laws we ship) and tests/knowledge/legal_dev.yml;
never STARD dev or the reported sets. Every question is answered by the resolver without the
model; each legal answer (entry or articles) gives its evidence and a label, whether it cites a
right article (an unanswerable question's answer is never right). STARD train is split by
position: four fifths and legal_dev fit the logistic regression, the last fifth chooses the
threshold at the stated costs (right 0, decline 1, wrong 2) and compares the model with the
rules alone. `--write` stores the weights.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, FrozenSet, List, Optional, Sequence, Tuple

import numpy as np
import yaml
from sklearn.linear_model import LogisticRegression

from bench.fit_article_ranker import cross_fitted
from bench.legal_answers import cited_articles, load_stard
from knowledge.article_ranker import RankerModel, load_labelled
from knowledge.confidence import (
    DECLINE_COST,
    FEATURES,
    MODEL_FILE,
    WRONG_COST,
    AnswerModel,
    Evidence,
)
from knowledge.law_search import default_article_index
from knowledge.lawtext import default_corpus
from knowledge.resolve import Resolver
from knowledge.search import default_index

ROOT = Path(__file__).resolve().parents[1]
LEGAL_DEV = ROOT / "tests" / "knowledge" / "legal_dev.yml"
FOLDS = 5


@dataclass
class Sample:
    evidence: Optional[Evidence]  # None: the resolver gave no legal answer (it declined, asked)
    right: bool


@lru_cache(maxsize=1)
def _unseen() -> Dict[int, RankerModel]:
    return cross_fitted(default_article_index(), FOLDS)


def collect(resolver: Resolver, items: Sequence[Tuple[str, FrozenSet[str]]]) -> List[Sample]:
    """Each question answered by the resolver. A STARD train question is answered by an article
    ranker that never saw it: refitted without its fold, and the question left out of the
    labelled questions it consults; otherwise the ranker's probability would be surer on the
    fitting questions than on new ones, and the model would learn to trust it too much."""
    corpus = default_corpus()
    ranker = default_article_index().ranker
    stored = ranker.model
    labelled = {text: number for number, text, _ in load_labelled()}
    unseen = _unseen()
    samples = []
    for question, gold in items:
        number = labelled.get(question)
        ranker.leave_out = number
        ranker.model = unseen.get(number, stored) if number is not None else stored
        answer = resolver.respond(question, intent="legal_question")
        ranker.leave_out, ranker.model = None, stored
        right = bool(gold & set(cited_articles(answer.reply.text, corpus)))
        samples.append(Sample(answer.evidence, right))
    return samples


def legal_dev() -> List[Tuple[str, FrozenSet[str]]]:
    data = yaml.safe_load(LEGAL_DEV.read_text(encoding="utf-8"))
    items = [(str(q["q"]), frozenset(q["expected"])) for q in data["questions"]]
    return items + [(str(q), frozenset()) for q in data.get("unanswerable", [])]


def cost(samples: Sequence[Sample], answered: Sequence[bool]) -> Tuple[float, float, float, float]:
    """Per question: right, declined and wrong shares, and the mean cost."""
    n = max(len(samples), 1)
    right = sum(s.right and a for s, a in zip(samples, answered, strict=True))
    wrong = sum(not s.right and a for s, a in zip(samples, answered, strict=True))
    declined = n - right - wrong
    return right / n, declined / n, wrong / n, (DECLINE_COST * declined + WRONG_COST * wrong) / n


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help="store the fitted weights")
    args = parser.parse_args(argv)
    resolver = Resolver(default_index(), model=None)
    train = load_stard("train", default_corpus())
    fit_items = [item for i, item in enumerate(train) if i % FOLDS != FOLDS - 1]
    choose_items = [item for i, item in enumerate(train) if i % FOLDS == FOLDS - 1]
    dev = legal_dev()
    fit_stard = collect(resolver, fit_items)
    fit_dev = collect(resolver, dev[0::2])
    fit = fit_stard + fit_dev
    choose = collect(resolver, choose_items)
    choose_dev = collect(resolver, dev[1::2])

    answered = [s for s in fit if s.evidence is not None]
    x = np.array([s.evidence.vector() for s in answered if s.evidence is not None])
    y = np.array([s.right for s in answered])
    # The two sources weigh alike: STARD's many long questions about laws we barely cover would
    # otherwise teach the model that every answer is wrong, and questions like ours are the job.
    ours = {id(s) for s in fit_dev}
    n_ours = sum(id(s) in ours for s in answered)
    share = (len(answered) - n_ours) / max(n_ours, 1)
    weights = np.array([share if id(s) in ours else 1.0 for s in answered])
    regression = LogisticRegression(C=1.0, max_iter=1000).fit(x, y, sample_weight=weights)
    print(f"fitted on {len(answered)} legal answers ({int(y.sum())} right)")
    for name, weight in zip(FEATURES, regression.coef_[0], strict=True):
        print(f"  {name:<18} {weight:+.3f}")

    def model_at(threshold: float) -> AnswerModel:
        weights = tuple(float(w) for w in regression.coef_[0])
        return AnswerModel(weights, float(regression.intercept_[0]), threshold)

    print(
        f"\ndevelopment split: {len(choose)} STARD train questions (every {FOLDS}th) and "
        f"{len(choose_dev)} of legal_dev.yml (every other); the two weigh alike in the cost"
    )
    print(
        "| decision | STARD right / declined / wrong | legal_dev right / declined / wrong | cost |"
    )
    print("|---|---|---|---|")
    row = "| {} | {:.3f} / {:.3f} / {:.3f} | {:.3f} / {:.3f} / {:.3f} | {:.3f} |"

    def decide(samples: Sequence[Sample], model: Optional[AnswerModel]) -> List[bool]:
        return [
            s.evidence is not None and (model is None or model.answers(s.evidence)) for s in samples
        ]

    def figures(model: Optional[AnswerModel]) -> Tuple[float, ...]:
        stard = cost(choose, decide(choose, model))
        ours = cost(choose_dev, decide(choose_dev, model))
        return (*stard[:3], *ours[:3], (stard[3] + ours[3]) / 2)

    print(row.format("rules alone", *figures(None)))
    costs = {}
    for threshold in [round(0.05 * i, 2) for i in range(2, 17)]:
        shown = figures(model_at(threshold))
        print(row.format(f"model, p ≥ {threshold:.2f}", *shown))
        costs[threshold] = shown[-1]
    # Costs closer than one STARD question answered wrongly instead of right are equal (the
    # split cannot tell them apart), and of equal costs the higher threshold wins: it answers
    # wrongly less often.
    equal = WRONG_COST / (2 * len(choose))
    lowest = min(costs.values())
    chosen = max(t for t, c in costs.items() if c <= lowest + equal)
    print(
        f"\nchosen threshold {chosen:.2f} (cost {costs[chosen]:.3f}; lowest {lowest:.3f}, "
        f"costs within {equal:.3f} counted equal)"
    )
    best = (costs[chosen], chosen)
    if args.write:
        fitted_on = {
            "fit": f"STARD train, {len(fit_items)} questions; legal_dev.yml, every other",
            "threshold": f"STARD train, {len(choose_items)} others; legal_dev.yml, the rest",
        }
        MODEL_FILE.write_text(model_at(best[1]).to_json(fitted_on) + "\n", encoding="utf-8")
        print(f"written to {MODEL_FILE}")


if __name__ == "__main__":
    main()
