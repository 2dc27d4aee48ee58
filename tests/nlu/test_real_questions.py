"""The locked half of the real questions: the assistant as served against the stock pipeline.

Ours is asked through the running Rasa server's `/model/parse`, exactly as every channel asks
it; the stock pipeline (bench/peer_pipeline.yml, DIET at 10 epochs) is trained on the same
data/nlu, once per data change (cached like our model), and parsed in process. A fallback counts
as a miss for both. The figure is reported, never tuned on (tests/nlu/real/README.md).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.nlu_compare import peer_config
from bench.nlu_real import Result, evaluate, load_questions, quiet
from bot.model import train
from bot.nlu.evaluate import predict
from tests.assistant import Assistant
from tests.conftest import FIGURES

pytestmark = pytest.mark.rasa

STOCK_EPOCHS = 10


def _line(result: Result) -> str:
    f = result.figures()
    return (
        f"{result.name} accuracy {f['accuracy']:.3f}, macro-F1 {f['macro_f1']:.3f}, "
        f"fallback {f['fallback_rate']:.3f}"
    )


def test_ours_beats_the_stock_pipeline_on_the_locked_half(
    assistant: Assistant, model_path: Path
) -> None:
    examples = load_questions("test")
    ours = Result("ours", model_path, True, [predict(e, assistant.parse) for e in examples])
    stock_model = train(peer_config(STOCK_EPOCHS), nlu_only=True)
    quiet()
    stock = evaluate("stock", stock_model, True, examples)
    FIGURES.append(
        f"real questions, locked test half ({len(examples)}): {_line(ours)}; {_line(stock)}"
    )
    assert ours.figures()["accuracy"] > stock.figures()["accuracy"]
    assert ours.figures()["macro_f1"] > stock.figures()["macro_f1"]
