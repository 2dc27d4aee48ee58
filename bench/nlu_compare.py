"""Our pipeline against the stock Rasa pipeline for Chinese, on the held-out NLU set.

Trains (or reuses) both models on the same data and prints intent accuracy, macro-F1 and
entity F1 side by side.

    python -m bench.nlu_compare
"""

from __future__ import annotations

import time

from bot.model import train
from bot.nlu.evaluate import agent_parser, evaluate

PEER_CONFIG = "bench/peer_pipeline.yml"


def main() -> None:
    rows = []
    for name, config in (
        ("ours (config.yml)", "config.yml"),
        ("stock Jieba + default", PEER_CONFIG),
    ):
        t0 = time.perf_counter()
        model = train(config, nlu_only=config == PEER_CONFIG)
        trained = time.perf_counter() - t0
        report = evaluate(agent_parser(model))
        rows.append((name, report.summary(), trained))
    print(f"{'pipeline':<26}{'intent acc':>11}{'macro-F1':>10}{'entity F1':>11}{'fallback':>10}")
    for name, s, _ in rows:
        print(
            f"{name:<26}{s['intent_accuracy']:>11.3f}{s['intent_macro_f1']:>10.3f}"
            f"{s['entity_f1']:>11.3f}{s['fallback_rate']:>10.3f}"
        )
    print(f"held-out examples: {rows[0][1]['examples']}")
    for name, _, seconds in rows:
        print(f"train (or reuse) time, {name}: {seconds:.0f} s")


if __name__ == "__main__":
    main()
