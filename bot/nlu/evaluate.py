"""Held-out NLU evaluation: intent accuracy, macro-F1 and entity F1 of the whole pipeline.

Entities are scored as the assistant sees them after every extractor: a prediction counts when
its type and value match the annotation (canonical value for vocabulary entities, the matched
text otherwise), so DIET and the deterministic extractor are judged together.

    python -m bot.nlu.evaluate [--model PATH] [--report DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

from core.paths import PROJECT_ROOT
from core.text import normalize_text

TEST_DATA = PROJECT_ROOT / "tests" / "nlu" / "test_nlu.yml"
VOCABULARY_ENTITIES = ("city", "district", "service_item")
FALLBACK = "nlu_fallback"

Parse = Callable[[str], Dict[str, Any]]
EntityKey = Tuple[str, str]


@dataclass
class Example:
    text: str
    intent: str
    entities: List[EntityKey]


@dataclass
class Prediction:
    example: Example
    intent: str
    confidence: float
    fell_back: bool
    entities: List[EntityKey]


@dataclass
class Report:
    predictions: List[Prediction]
    intent_accuracy: float = 0.0
    intent_macro_f1: float = 0.0
    entity_precision: float = 0.0
    entity_recall: float = 0.0
    entity_f1: float = 0.0
    fallback_rate: float = 0.0
    per_intent: Dict[str, Dict[str, float]] = field(default_factory=dict)
    per_entity: Dict[str, Dict[str, float]] = field(default_factory=dict)

    def summary(self) -> Dict[str, float]:
        return {
            "examples": len(self.predictions),
            "intent_accuracy": round(self.intent_accuracy, 4),
            "intent_macro_f1": round(self.intent_macro_f1, 4),
            "entity_precision": round(self.entity_precision, 4),
            "entity_recall": round(self.entity_recall, 4),
            "entity_f1": round(self.entity_f1, 4),
            "fallback_rate": round(self.fallback_rate, 4),
        }


def _key(entity: str, value: str) -> EntityKey:
    return entity, normalize_text(str(value)).replace(" ", "").upper()


def load_examples(path: Path = TEST_DATA) -> List[Example]:
    """The annotated examples of a Rasa NLU YAML file."""
    from rasa.shared.nlu.training_data.loading import load_data

    examples = []
    for message in load_data(str(path)).intent_examples:
        text = message.get("text")
        keys = []
        for e in message.get("entities") or []:
            surface = text[e["start"] : e["end"]]
            value = e.get("value", surface) if e["entity"] in VOCABULARY_ENTITIES else surface
            keys.append(_key(e["entity"], value))
        examples.append(Example(text, message.get("intent"), keys))
    return examples


def predict(example: Example, parse: Parse) -> Prediction:
    result = parse(example.text)
    intent = result.get("intent") or {}
    name, confidence = intent.get("name") or "", float(intent.get("confidence") or 0.0)
    fell_back = name == FALLBACK
    if fell_back:
        # The classifier's own best guess is what the fallback offers first.
        ranking = [r for r in result.get("intent_ranking") or [] if r.get("name") != FALLBACK]
        name = ranking[0]["name"] if ranking else ""
    text = result.get("text") or example.text
    keys = []
    for e in result.get("entities") or []:
        if e["entity"] in VOCABULARY_ENTITIES:
            keys.append(_key(e["entity"], e.get("value", "")))
        else:
            keys.append(_key(e["entity"], text[e["start"] : e["end"]]))
    return Prediction(example, name, confidence, fell_back, keys)


def score(predictions: List[Prediction]) -> Report:
    from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

    report = Report(predictions)
    gold = [p.example.intent for p in predictions]
    guessed = [p.intent for p in predictions]
    labels = sorted(set(gold))
    report.intent_accuracy = float(accuracy_score(gold, guessed))
    report.intent_macro_f1 = float(
        f1_score(gold, guessed, labels=labels, average="macro", zero_division=0)
    )
    report.fallback_rate = sum(p.fell_back for p in predictions) / max(1, len(predictions))
    precision, recall, f1, support = precision_recall_fscore_support(
        gold, guessed, labels=labels, zero_division=0
    )
    for i, label in enumerate(labels):
        report.per_intent[label] = {
            "precision": float(precision[i]),
            "recall": float(recall[i]),
            "f1": float(f1[i]),
            "support": int(support[i]),
        }

    counts: Dict[str, Counter] = {}
    for p in predictions:
        expected, found = Counter(p.example.entities), Counter(p.entities)
        hit = expected & found
        for kind, keys in (("tp", hit), ("fn", expected - hit), ("fp", found - hit)):
            for (entity, _), n in keys.items():
                counts.setdefault(entity, Counter())[kind] += n
    total = sum(counts.values(), Counter())
    report.entity_precision, report.entity_recall, report.entity_f1 = _prf(total)
    for entity, c in sorted(counts.items()):
        p_, r_, f_ = _prf(c)
        report.per_entity[entity] = {
            "precision": p_,
            "recall": r_,
            "f1": f_,
            "support": c["tp"] + c["fn"],
        }
    return report


def _prf(c: Counter) -> Tuple[float, float, float]:
    precision = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
    recall = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def evaluate(parse: Parse, path: Path = TEST_DATA) -> Report:
    """Parse every held-out example with `parse` and score the results."""
    return score([predict(example, parse) for example in load_examples(path)])


def format_report(report: Report) -> str:
    lines = ["NLU held-out evaluation", json.dumps(report.summary(), ensure_ascii=False), ""]
    lines.append(f"{'intent':<24}{'prec':>7}{'rec':>7}{'f1':>7}{'n':>5}")
    for intent, m in report.per_intent.items():
        lines.append(
            f"{intent:<24}{m['precision']:>7.2f}{m['recall']:>7.2f}{m['f1']:>7.2f}{m['support']:>5}"
        )
    lines.append("")
    lines.append(f"{'entity':<24}{'prec':>7}{'rec':>7}{'f1':>7}{'n':>5}")
    for entity, m in report.per_entity.items():
        lines.append(
            f"{entity:<24}{m['precision']:>7.2f}{m['recall']:>7.2f}{m['f1']:>7.2f}{m['support']:>5}"
        )
    return "\n".join(lines)


def write_report(report: Report, directory: Path) -> None:
    """Per-intent table, errors, metrics JSON and a confusion-matrix PNG under `directory`."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import confusion_matrix

    directory.mkdir(parents=True, exist_ok=True)
    (directory / "report.txt").write_text(format_report(report) + "\n", encoding="utf-8")
    summary = {**report.summary(), "per_intent": report.per_intent, "per_entity": report.per_entity}
    (directory / "metrics.json").write_text(
        json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    errors = [
        {"text": p.example.text, "expected": p.example.intent, "predicted": p.intent}
        for p in report.predictions
        if p.intent != p.example.intent
    ]
    (directory / "intent_errors.json").write_text(
        json.dumps(errors, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    labels = sorted(report.per_intent)
    matrix = confusion_matrix(
        [p.example.intent for p in report.predictions],
        [p.intent for p in report.predictions],
        labels=labels,
    )
    fig, ax = plt.subplots(figsize=(12, 11))
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels, rotation=90, fontsize=7)
    ax.set_yticks(range(len(labels)), labels, fontsize=7)
    ax.set_xlabel("predicted")
    ax.set_ylabel("expected")
    for (row, col), value in __import__("numpy").ndenumerate(matrix):
        if value:
            ax.text(col, row, str(value), ha="center", va="center", fontsize=6)
    fig.tight_layout()
    fig.savefig(directory / "confusion_matrix.png", dpi=120)
    plt.close(fig)


def agent_parser(model: Path) -> Parse:
    """A parse function backed by a model loaded in this process."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    loop = asyncio.new_event_loop()

    def parse(text: str) -> Dict[str, Any]:
        return loop.run_until_complete(agent.parse_message(text))

    return parse


def main(argv: Optional[List[str]] = None) -> int:
    from bot.model import train

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, help="model archive (default: current)")
    parser.add_argument("--report", type=Path, default=PROJECT_ROOT / "reports" / "nlu")
    args = parser.parse_args(argv)
    report = evaluate(agent_parser(args.model or train()))
    write_report(report, args.report)
    print(format_report(report))
    print(f"\nwritten to {args.report}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
