"""`make nlu-report`, after the held-out evaluation: cross-validation and what changed.

    python -m bot.review.nlu_report [--report reports/nlu] [--folds 3] [--epochs N]

Reads the held-out metrics bot.nlu.evaluate just wrote (metrics.json), adds k-fold
cross-validation of config.yml on the training data, keeps the run as summary.json (the one
before becomes previous.json) and lists the intents whose F1 got better or worse.
"""

from __future__ import annotations

import argparse
import json
import shutil
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, List, Optional

from bot.nlu.evaluate import format_report
from core.paths import PROJECT_ROOT

from .crossval import DEFAULT_FOLDS, cross_validate

# F1 moves smaller than this are noise between runs, not a change worth listing.
CHANGE = 0.01


def compare(previous: Dict[str, Any], current: Dict[str, Any]) -> List[str]:
    """Per-intent F1 changes between two summaries, held-out and cross-validation."""
    lines: List[str] = []
    for part, title in (("held_out", "留出集"), ("cross_validation", "交叉验证")):
        before = (previous.get(part) or {}).get("per_intent") or {}
        after = (current.get(part) or {}).get("per_intent") or {}
        if not before or not after:
            continue
        deltas = {
            intent: after[intent]["f1"] - before[intent]["f1"]
            for intent in sorted(set(before) & set(after))
        }
        better = [f"{i} +{d:.2f}" for i, d in deltas.items() if d >= CHANGE]
        worse = [f"{i} {d:.2f}" for i, d in deltas.items() if d <= -CHANGE]
        old, new = before_after(previous, current, part)
        lines.append(f"{title}: 意图准确率 {old:.3f} → {new:.3f}")
        lines.append("  变好: " + (", ".join(better) or "无"))
        lines.append("  变差: " + (", ".join(worse) or "无"))
        for intent in sorted(set(after) - set(before)):
            lines.append(f"  新意图: {intent}")
    return lines


def before_after(previous: Dict[str, Any], current: Dict[str, Any], part: str) -> List[float]:
    return [
        float((s.get(part) or {}).get("summary", {}).get("intent_accuracy", 0.0))
        for s in (previous, current)
    ]


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--report", type=Path, default=PROJECT_ROOT / "reports" / "nlu")
    parser.add_argument("--folds", type=int, default=DEFAULT_FOLDS, help="0 skips it")
    parser.add_argument("--epochs", type=int, help="fewer DIET epochs, for a quick look only")
    args = parser.parse_args(argv)
    metrics_file = args.report / "metrics.json"
    if not metrics_file.exists():
        print(f"{metrics_file} is missing: run python -m bot.nlu.evaluate first")
        return 1
    metrics = json.loads(metrics_file.read_text(encoding="utf-8"))
    current: Dict[str, Any] = {
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "held_out": {
            "summary": {k: v for k, v in metrics.items() if not isinstance(v, dict)},
            "per_intent": metrics.get("per_intent", {}),
        },
    }
    if args.folds >= 2:
        cv = cross_validate(args.folds, epochs=args.epochs)
        current["cross_validation"] = {
            "folds": args.folds,
            "epochs": args.epochs or "config.yml",
            "summary": cv.summary(),
            "per_intent": cv.per_intent,
        }
        text = format_report(cv).replace("NLU held-out evaluation", f"{args.folds}-fold CV", 1)
        (args.report / "cross_validation.txt").write_text(text + "\n", encoding="utf-8")
        print(text)

    summary_file, previous_file = args.report / "summary.json", args.report / "previous.json"
    if summary_file.exists():
        shutil.copy2(summary_file, previous_file)
    summary_file.write_text(json.dumps(current, ensure_ascii=False, indent=2), encoding="utf-8")
    if previous_file.exists():
        previous = json.loads(previous_file.read_text(encoding="utf-8"))
        lines = [f"与上次报告({previous.get('created', '?')})相比:", *compare(previous, current)]
    else:
        lines = ["没有上次的报告可比较;下次运行 make nlu-report 时对比本次结果。"]
    (args.report / "comparison.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    print(f"\nwritten to {args.report}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
