"""Held-out NLU evaluation of the trained model: intent accuracy, macro-F1 and entity F1."""

from __future__ import annotations

import pytest

from bot.nlu.evaluate import evaluate, format_report, load_examples
from tests.assistant import Assistant
from tests.conftest import FIGURES

pytestmark = pytest.mark.rasa

INTENT_ACCURACY_FLOOR = 0.90
ENTITY_F1_FLOOR = 0.85


def test_held_out_set_has_ten_examples_per_intent_and_none_trained() -> None:
    from collections import Counter

    from rasa.shared.nlu.training_data.loading import load_data

    from actions.labels import ALL_INTENTS

    held_out = load_examples()
    counts = Counter(example.intent for example in held_out)
    assert all(counts[intent] >= 10 for intent in ALL_INTENTS), counts
    trained = {m.get("text") for m in load_data("data/nlu").intent_examples}
    assert not trained & {example.text for example in held_out}


def test_nlu_meets_its_floors(assistant: Assistant) -> None:
    report = evaluate(assistant.parse)
    print("\n" + format_report(report))
    figures = ", ".join(f"{k} {v}" for k, v in report.summary().items())
    FIGURES.append(f"NLU held-out: {figures}")
    assert report.intent_accuracy >= INTENT_ACCURACY_FLOOR
    assert report.entity_f1 >= ENTITY_F1_FLOOR
