"""The locked half of the real questions: ours as served against the stock pipeline.

Ours is parsed through the running Rasa server's `/model/parse`, as every channel is served;
the stock pipeline (bench/peer_pipeline.yml, DIET 10 epochs, the `stock` variant of
bench/nlu_compare.py) is trained NLU-only on the same data/nlu, once per data change, and
parsed in process. Fallbacks count as misses for both. The half is only reported: nothing is
chosen by it (tests/nlu/real/README.md).
"""

from __future__ import annotations

import pytest

from bench.nlu_compare import peer_config
from bench.nlu_real import STOCK_EPOCHS, Result, evaluate, load_questions, strict_figures
from bot.model import train
from bot.nlu.evaluate import predict
from tests.assistant import Assistant
from tests.conftest import FIGURES

pytestmark = pytest.mark.rasa

# Below this, something broke (the data, the normaliser or the served model), whatever stock does.
ACCURACY_FLOOR = 0.80


@pytest.fixture(scope="module")
def stock() -> Result:
    model = train(peer_config(STOCK_EPOCHS), nlu_only=True)
    return evaluate("stock", model, True, load_questions("test"))


def test_ours_as_served_beats_the_stock_pipeline(assistant: Assistant, stock: Result) -> None:
    questions = load_questions("test")
    ours = strict_figures([predict(q, assistant.parse) for q in questions])
    theirs = stock.figures()
    FIGURES.append(
        "NLU real questions, locked half ({} questions): ours as served accuracy {:.3f}, "
        "macro-F1 {:.3f}, fallback {:.3f}; stock accuracy {:.3f}, macro-F1 {:.3f}, "
        "fallback {:.3f}".format(
            len(questions),
            ours["accuracy"],
            ours["macro_f1"],
            ours["fallback_rate"],
            theirs["accuracy"],
            theirs["macro_f1"],
            theirs["fallback_rate"],
        )
    )
    assert ours["accuracy"] >= ACCURACY_FLOOR
    assert ours["accuracy"] > theirs["accuracy"]
    assert ours["macro_f1"] > theirs["macro_f1"]
