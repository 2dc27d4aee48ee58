"""Our pipeline and the stock Rasa pipeline on the real questions of tests/nlu/real.

    python -m bench.nlu_real [--set dev|test] [--which ours|stock|both]
                             [--model PATH] [--stock-model PATH] [--json PATH]

Parses every question of a half with a trained model and prints intent accuracy (a fallback
counts as a miss), macro-F1 over the intents present, the fallback rate, the accuracy when a
fallback is replaced by the classifier's own best guess, and the misses per intent.

Models. Ours: `--model`, else the model make train builds for the current inputs, else the
newest of ours in models/ or the model cache. Stock: `--stock-model`, else a stock model
(bench/peer_pipeline.yml with DIET at 10 epochs, as bench/nlu_compare.py --peer-epochs 10
trains it) already in models/ or the cache, from any inputs; only when there is none is it
trained, once, with nlu_compare's code. The output says which model files were used and
whether they match the current training data.

`--set test` is the locked half (tests/nlu/real/README.md): run it to report, never to choose.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from bot.model import MODELS_DIR, cache_dir, model_path, train
from bot.nlu.evaluate import Example, Prediction, agent_parser, predict

STOCK_EPOCHS = 10
STOCK_PREFIX = f"peer_pipeline_diet{STOCK_EPOCHS}-"
SETS = {"dev": "dev.yml", "test": "test.yml"}


@dataclass
class Result:
    name: str
    model: Path
    current: bool
    predictions: List[Prediction]

    def strict(self, p: Prediction) -> str:
        return "nlu_fallback" if p.fell_back else p.intent

    def figures(self) -> Dict[str, float]:
        from sklearn.metrics import f1_score

        gold = [p.example.intent for p in self.predictions]
        strict = [self.strict(p) for p in self.predictions]
        n = max(1, len(gold))
        guessed = sum(p.intent == p.example.intent for p in self.predictions)
        return {
            "questions": len(gold),
            "accuracy": sum(g == s for g, s in zip(gold, strict, strict=True)) / n,
            "macro_f1": float(
                f1_score(gold, strict, labels=sorted(set(gold)), average="macro", zero_division=0)
            ),
            "fallback_rate": sum(p.fell_back for p in self.predictions) / n,
            "accuracy_ignoring_fallback": guessed / n,
        }


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


def evaluate(name: str, model: Path, current: bool, examples: List[Example]) -> Result:
    parse = agent_parser(model)
    return Result(name, model, current, [predict(example, parse) for example in examples])


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


def _quiet() -> None:
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
    args = parser.parse_args(argv)
    _quiet()
    examples = load_questions(args.which_set)
    results = []
    if args.which in ("ours", "both"):
        model, current = our_model(args.model)
        results.append(evaluate("ours (config.yml)", model, current, examples))
    if args.which in ("stock", "both"):
        model, current = stock_model(args.stock_model)
        name = f"stock (DIET {STOCK_EPOCHS} ep)"
        results.append(evaluate(name, model, current, examples))
    print(report(results, args.which_set))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps(to_json(results, args.which_set), ensure_ascii=False, indent=2),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
