"""The reported figures of one model that need the whole assistant running it.

    python -m bench.model_figures --model models/X.tar.gz [--json PATH]

Starts an assistant of its own (reference service API on a fresh SQLite file, action server and
Rasa with the model, all on free loopback ports), so the dialogues' bookings never reach a
running assistant's service API, and prints:
- knowledge hit@1 / hit@3: the knowledge evaluation (tests/knowledge/eval_questions.yml) searched
  with the intent this model gives each question, as a user's message is;
- legal: the share of the reported legal set's replies that cite a right article, and how many
  unanswerable questions get no verdict (bench/legal_answers.py decides both);
- the multi-turn reported set's turn pass rate (tests/dialogue/multiturn/test.yml).
The trainer page compares a new model with the served one on these (bot/review/training.py).
Each figure comes with the number of items it was measured on, for its noise.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import uuid
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import yaml

from bench.common import free_port
from bench.legal_answers import DECLINES, VERDICT, load_legal_set, measure
from knowledge.lawtext import default_corpus
from knowledge.search import default_index
from tests.assistant import Assistant, start_assistant, texts
from tests.dialogue.multiturn.runner import load, play, rest_sender

ROOT = Path(__file__).resolve().parents[1]
KNOWLEDGE_EVAL = ROOT / "tests" / "knowledge" / "eval_questions.yml"


def knowledge_figures(assistant: Assistant) -> Dict[str, float]:
    """Entry hit@1 / hit@3 with the model's intent for each evaluation question."""
    index = default_index()
    questions = yaml.safe_load(KNOWLEDGE_EVAL.read_text(encoding="utf-8"))["questions"]
    hit1 = hit3 = 0
    for item in questions:
        intent = (assistant.parse(item["q"]).get("intent") or {}).get("name")
        ranked = [hit.entry.id for hit in index.search(item["q"], intent=intent).hits]
        hit1 += ranked[:1] == [item["expected"]]
        hit3 += item["expected"] in ranked[:3]
    n = len(questions)
    return {"knowledge_hit1": hit1 / n, "knowledge_hit3": hit3 / n, "knowledge_hit1_n": n}


def legal_figures(assistant: Assistant) -> Dict[str, float]:
    """Reported legal set through the assistant: right article cited; unanswerable declined."""

    def reply(question: str) -> str:
        return texts(assistant.send(question, uuid.uuid4().hex))

    answerable, unanswerable = load_legal_set()
    outcome, _ = measure(answerable, reply, default_corpus())
    declined = sum(
        not VERDICT.match(text) or any(phrase in text for phrase in DECLINES)
        for text in map(reply, unanswerable)
    )
    return {
        "legal_right": outcome.right / max(outcome.n, 1),
        "legal_right_n": outcome.n,
        "legal_unanswerable_declined": declined / max(len(unanswerable), 1),
        "legal_unanswerable_declined_n": len(unanswerable),
    }


def multiturn_figures(assistant: Assistant) -> Dict[str, float]:
    """Turn pass rate of the reported multi-turn dialogues."""
    result = play(load("test"), rest_sender(assistant.rasa_url), tag="mt-figures")
    return {
        "multiturn_turns": result.turn_rate,
        "multiturn_turns_n": result.turns_total,
        "multiturn_dialogues": result.dialogue_rate,
        "multiturn_dialogues_n": result.dialogues_total,
    }


def figures(model: Path) -> Dict[str, float]:
    """All of them, from an assistant of its own serving `model`."""
    with tempfile.TemporaryDirectory(prefix="banshi-model-figures-") as work:
        assistant = start_assistant(model, Path(work), free_port(), free_port(), free_port())
        try:
            return {
                **knowledge_figures(assistant),
                **legal_figures(assistant),
                **multiturn_figures(assistant),
            }
        finally:
            assistant.stop()


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, required=True, help="a trained model (.tar.gz)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    values = figures(args.model)
    lines: List[str] = [f"{name}: {value:.3f}" for name, value in values.items()]
    print("\n".join(lines))
    if args.json:
        args.json.write_text(json.dumps(values), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
