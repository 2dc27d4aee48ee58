"""Our pipeline and the stock Rasa pipeline on the real questions of tests/nlu/real.

    python -m bench.nlu_real [--set dev|test] [--which ours|stock|both]
                             [--model PATH] [--stock-model PATH] [--json PATH]

Parses every question of a half with a trained model and prints intent accuracy (a fallback
counts as a miss), macro-F1 over the intents present, the fallback rate, the accuracy when a
fallback is replaced by the classifier's own best guess, and the misses per intent.

Models. Ours: `--model`, else the model make train builds for the current inputs, else the
newest of ours in models/ or the model cache. Stock: `--stock-model`, else a stock model
(bench/peer_pipeline.yml with DIET at 10 epochs, the `stock` variant of bench/nlu_compare.py)
already in models/ or the cache, from any inputs; only when there is none is it
trained, once, with nlu_compare's code. The output says which model files were used and
whether they match the current training data.

`--set test` is the locked half (tests/nlu/real/README.md): run it to report, never to choose.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from bot.model import MODELS_DIR, cache_dir, model_path, train
from bot.nlu.evaluate import FALLBACK, Example, Prediction, agent_parser, predict

STOCK_EPOCHS = 10
STOCK_PREFIX = f"peer_pipeline_diet{STOCK_EPOCHS}-"
SETS = {"dev": "dev.yml", "test": "test.yml"}


def strict_figures(predictions: List[Prediction]) -> Dict[str, float]:
    """Accuracy and macro-F1 with a fallback counted as a miss, fallback rate, and the
    accuracy when every fallback is replaced by the classifier's own best guess."""
    from sklearn.metrics import f1_score

    gold = [p.example.intent for p in predictions]
    strict = [FALLBACK if p.fell_back else p.intent for p in predictions]
    n = max(1, len(gold))
    guessed = sum(p.intent == p.example.intent for p in predictions)
    return {
        "questions": len(gold),
        "accuracy": sum(g == s for g, s in zip(gold, strict, strict=True)) / n,
        "macro_f1": float(
            f1_score(gold, strict, labels=sorted(set(gold)), average="macro", zero_division=0)
        ),
        "fallback_rate": sum(p.fell_back for p in predictions) / n,
        "accuracy_ignoring_fallback": guessed / n,
    }


Ranking = List[Tuple[str, float]]


def ranking_of(parsed: Dict[str, Any]) -> Ranking:
    return [
        (str(r.get("name")), float(r.get("confidence") or 0.0))
        for r in parsed.get("intent_ranking") or []
        if r.get("name") != FALLBACK
    ]


@dataclass
class Result:
    name: str
    model: Path
    current: bool
    predictions: List[Prediction]
    parse_ms: List[float] = field(default_factory=list)
    # Per prediction: the classifier's intents and confidences, best first, no nlu_fallback.
    rankings: List[Ranking] = field(default_factory=list)

    def strict(self, p: Prediction) -> str:
        return FALLBACK if p.fell_back else p.intent

    def figures(self) -> Dict[str, float]:
        return strict_figures(self.predictions)


def load_questions(which: str) -> List[Example]:
    """The questions of one half as evaluation examples (no entity annotations)."""
    from tests.nlu.real.make_split import HERE, load

    return [Example(str(q["text"]), str(q["intent"]), []) for q in load(HERE / SETS[which])]


def _newest(candidates: List[Path]) -> Optional[Path]:
    existing = [p for p in candidates if p.exists()]
    return max(existing, key=lambda p: p.stat().st_mtime) if existing else None


def _models(matching: str) -> List[Path]:
    return [*MODELS_DIR.glob(matching), *cache_dir().glob(matching)]


def our_model(explicit: Optional[Path]) -> Tuple[Path, bool]:
    """(model, built from the current inputs)."""
    current = model_path()
    if explicit:
        return explicit, explicit.name == current.name
    if current.exists() or (cache_dir() / current.name).exists():
        return train(), True
    found = _newest([p for p in _models("*.tar.gz") if not p.name.startswith("peer_pipeline")])
    return (found, False) if found else (train(), True)


def stock_model(explicit: Optional[Path]) -> Tuple[Path, bool]:
    """(model, built from the current inputs); trains the stock pipeline only if none exists."""
    from bench.nlu_compare import peer_config

    config = peer_config(STOCK_EPOCHS)
    current = model_path(config)
    if explicit:
        return explicit, explicit.name == current.name
    if current.exists() or (cache_dir() / current.name).exists():
        return train(config, nlu_only=True), True
    found = _newest(_models(f"{STOCK_PREFIX}*.tar.gz"))
    return (found, False) if found else (train(config, nlu_only=True), True)


def evaluate(
    name: str, model: Path, current: bool, examples: List[Example], timed: bool = False
) -> Result:
    """Parse every example with the model; `timed` also records each parse in milliseconds."""
    parse = agent_parser(model)
    result = Result(name, model, current, [])
    if timed:
        parse("你好")  # the first parse builds lazily loaded parts
    last: Dict[str, Any] = {}

    def keep(text: str) -> Dict[str, Any]:
        last.clear()
        last.update(parse(text))
        return last

    for example in examples:
        t0 = time.perf_counter()
        result.predictions.append(predict(example, keep))
        result.parse_ms.append((time.perf_counter() - t0) * 1000)
        result.rankings.append(ranking_of(last))
    return result


def report(results: List[Result], which: str) -> str:
    lines = [f"real questions, {which} half ({SETS[which]})"]
    if which == "test":
        lines.append("locked test half: report this figure, do not choose anything by it")
    lines.append("")
    lines.append(
        f"{'pipeline':<24}{'n':>5}{'accuracy':>10}{'macro-F1':>10}{'fallback':>10}"
        f"{'acc. ignoring fallback':>24}"
    )
    for r in results:
        f = r.figures()
        lines.append(
            f"{r.name:<24}{f['questions']:>5}{f['accuracy']:>10.3f}{f['macro_f1']:>10.3f}"
            f"{f['fallback_rate']:>10.3f}{f['accuracy_ignoring_fallback']:>24.3f}"
        )
    for r in results:
        stale = "" if r.current else " (not built from the current training data)"
        lines.append(f"model, {r.name}: {r.model}{stale}")
    for r in results:
        lines += ["", f"misses of {r.name} per intent (→ prediction; [fb] = fell back):"]
        by_intent: Dict[str, List[Prediction]] = defaultdict(list)
        for p in r.predictions:
            by_intent[p.example.intent].append(p)
        for intent in sorted(by_intent):
            items = by_intent[intent]
            misses = [p for p in items if r.strict(p) != intent]
            fallbacks = sum(p.fell_back for p in items)
            lines.append(
                f"  {intent}: {len(items) - len(misses)}/{len(items)} right, {fallbacks} fell back"
            )
            for p in misses:
                mark = " [fb]" if p.fell_back else ""
                lines.append(f"      {p.example.text} → {p.intent}{mark} ({p.confidence:.2f})")
        confused = Counter(
            (p.example.intent, p.intent) for p in r.predictions if r.strict(p) != p.example.intent
        )
        top = ", ".join(f"{g}→{w} {n}" for (g, w), n in confused.most_common(6))
        lines.append(f"  most frequent confusions: {top}")
    return "\n".join(lines)


# A wrong answer costs twice a fallback: a fallback still gets a knowledge-base search and a
# "did you mean" offer, a confidently wrong intent sends the user down the wrong path.
WRONG_COST = 2.0
THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6)
AMBIGUITIES = (0.0, 0.04, 0.08, 0.12)


def falls_back(ranking: Ranking, threshold: float, ambiguity: float) -> bool:
    """What FallbackClassifier decides for this ranking at these thresholds."""
    if not ranking:
        return True
    top = ranking[0][1]
    second = ranking[1][1] if len(ranking) > 1 else 0.0
    return top < threshold or top - second < ambiguity


def sweep(result: Result) -> List[Dict[str, float]]:
    """Right answers, wrong answers and fallbacks at every threshold pair, cheapest first."""
    rows = []
    pairs = list(zip(result.predictions, result.rankings, strict=True))
    n = max(1, len(pairs))
    for threshold in THRESHOLDS:
        for ambiguity in AMBIGUITIES:
            fell = [falls_back(ranking, threshold, ambiguity) for _, ranking in pairs]
            right = sum(
                not f and ranking[0][0] == p.example.intent
                for (p, ranking), f in zip(pairs, fell, strict=True)
            )
            fallbacks = sum(fell)
            wrong = len(pairs) - right - fallbacks
            rows.append(
                {
                    "threshold": threshold,
                    "ambiguity": ambiguity,
                    "accuracy": right / n,
                    "wrong_rate": wrong / n,
                    "fallback_rate": fallbacks / n,
                    "cost": (WRONG_COST * wrong + fallbacks) / n,
                }
            )
    return sorted(rows, key=lambda r: (r["cost"], -r["accuracy"]))


def sweep_report(result: Result, current: tuple[float, float]) -> str:
    lines = [
        f"fallback thresholds on {len(result.predictions)} questions, {result.name} "
        f"(cost = {WRONG_COST:g} x wrong + fallbacks; current {current[0]:g}/{current[1]:g})",
        f"{'threshold':>10}{'ambiguity':>10}{'accuracy':>10}{'wrong':>8}{'fallback':>10}"
        f"{'cost':>8}",
    ]
    for r in sweep(result)[:12]:
        mark = "  <- current" if (r["threshold"], r["ambiguity"]) == current else ""
        lines.append(
            f"{r['threshold']:>10g}{r['ambiguity']:>10g}{r['accuracy']:>10.3f}"
            f"{r['wrong_rate']:>8.3f}{r['fallback_rate']:>10.3f}{r['cost']:>8.3f}{mark}"
        )
    return "\n".join(lines)


def configured_thresholds(config: str = "config.yml") -> tuple[float, float]:
    import yaml

    pipeline = yaml.safe_load(Path(config).read_text(encoding="utf-8"))["pipeline"]
    fallback = next(c for c in pipeline if c["name"] == "FallbackClassifier")
    return float(fallback["threshold"]), float(fallback.get("ambiguity_threshold", 0.1))


def to_json(results: List[Result], which: str) -> Dict[str, object]:
    return {
        "set": which,
        "results": [
            {
                "pipeline": r.name,
                "model": str(r.model),
                "current": r.current,
                "figures": r.figures(),
                "predictions": [
                    {
                        "text": p.example.text,
                        "intent": p.example.intent,
                        "predicted": p.intent,
                        "fell_back": p.fell_back,
                        "confidence": round(p.confidence, 4),
                    }
                    for p in r.predictions
                ],
            }
            for r in results
        ],
    }


def quiet() -> None:
    """Rasa logs every parsed message at debug level through structlog; keep warnings only."""
    import logging

    import structlog

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--set", choices=sorted(SETS), default="dev", dest="which_set")
    parser.add_argument("--which", choices=("ours", "stock", "both"), default="both")
    parser.add_argument("--model", type=Path, help="our model archive")
    parser.add_argument("--stock-model", type=Path, help="stock pipeline model archive")
    parser.add_argument("--json", type=Path, help="also write figures and predictions here")
    parser.add_argument(
        "--sweep", action="store_true", help="also try fallback thresholds on our model"
    )
    args = parser.parse_args(argv)
    quiet()
    examples = load_questions(args.which_set)
    results = []
    # Stock first: JiebaTokenizer loads a custom dictionary into jieba's one global tokenizer,
    # so once our model is loaded, a stock model parsed later in the same process would split
    # words with our dictionary too and score better than it does on its own.
    if args.which in ("stock", "both"):
        model, current = stock_model(args.stock_model)
        name = f"stock (DIET {STOCK_EPOCHS} ep)"
        results.append(evaluate(name, model, current, examples))
    if args.which in ("ours", "both"):
        model, current = our_model(args.model)
        results.insert(0, evaluate("ours (config.yml)", model, current, examples))
    print(report(results, args.which_set))
    if args.sweep and args.which in ("ours", "both"):
        print("\n" + sweep_report(results[0], configured_thresholds()))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps(to_json(results, args.which_set), ensure_ascii=False, indent=2),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
