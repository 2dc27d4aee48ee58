"""Our pipeline against the stock Rasa pipeline for Chinese, on the held-out NLU set.

Trains (or reuses) both models on the same data and prints intent accuracy, macro-F1 and
entity F1 side by side.

    python -m bench.nlu_compare [--peer-epochs N]

The stock DIET has two transformer layers and 100 epochs: on two CPU cores one epoch over our
data takes over a minute, so a full stock training takes hours. `--peer-epochs` trains the
stock pipeline with fewer DIET epochs (everything else unchanged) and says so in the output.
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

from bot.model import train
from bot.nlu.evaluate import agent_parser, evaluate

PEER_CONFIG = "bench/peer_pipeline.yml"


def peer_config(epochs: int) -> str:
    """The stock pipeline with DIET trained for `epochs` epochs, as a config file path."""
    if epochs <= 0:
        return PEER_CONFIG
    text = Path(PEER_CONFIG).read_text(encoding="utf-8")
    text = re.sub(r"(- name: DIETClassifier\n\s+epochs:) \d+", rf"\1 {epochs}", text)
    path = Path("bench/out") / f"peer_pipeline_diet{epochs}.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return str(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--peer-epochs", type=int, default=0, help="0: the stock 100")
    args = parser.parse_args()
    peer = peer_config(args.peer_epochs)
    peer_name = "stock Jieba + default" + (
        f" (DIET {args.peer_epochs} ep)" if args.peer_epochs else ""
    )
    rows = []
    for name, config in (("ours (config.yml)", "config.yml"), (peer_name, peer)):
        t0 = time.perf_counter()
        model = train(config, nlu_only=config != "config.yml")
        trained = time.perf_counter() - t0
        report = evaluate(agent_parser(model))
        rows.append((name, report.summary(), trained))
    print(f"{'pipeline':<36}{'intent acc':>11}{'macro-F1':>10}{'entity F1':>11}{'fallback':>10}")
    for name, s, _ in rows:
        print(
            f"{name:<36}{s['intent_accuracy']:>11.3f}{s['intent_macro_f1']:>10.3f}"
            f"{s['entity_f1']:>11.3f}{s['fallback_rate']:>10.3f}"
        )
    print(f"held-out examples: {rows[0][1]['examples']}")
    for name, _, seconds in rows:
        print(f"train (or reuse) time, {name}: {seconds:.0f} s")


if __name__ == "__main__":
    main()
