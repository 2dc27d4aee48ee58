"""Model load time and `/model/parse` latency of a running Rasa server, over the held-out texts.

.venv-rasa/bin/python -m bench.parse_latency [--rounds 2]   (the Rasa environment)
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import httpx

from bench.common import free_port, percentiles
from bot.model import train
from bot.nlu.evaluate import load_examples
from tests.assistant import start_rasa


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    model = train()
    began = time.perf_counter()
    rasa = start_rasa(model, Path(tempfile.mkdtemp()), free_port())
    load_seconds = time.perf_counter() - began
    try:
        texts = [example.text for example in load_examples()]
        url = f"{rasa.rasa_url}/model/parse"
        params = {"token": rasa.token}
        samples = []
        with httpx.Client(timeout=30) as client:
            client.post(url, params=params, json={"text": "你好"})  # warm-up
            for _ in range(args.rounds):
                for text in texts:
                    t0 = time.perf_counter()
                    client.post(url, params=params, json={"text": text}).raise_for_status()
                    samples.append((time.perf_counter() - t0) * 1000)
    finally:
        rasa.stop()
    print(f"model: {model.name} ({model.stat().st_size / 1e6:.1f} MB)")
    print(f"Rasa server start until the model answers: {load_seconds:.1f} s")
    print(f"/model/parse latency over {len(samples)} requests (ms): {percentiles(samples)}")


if __name__ == "__main__":
    main()
