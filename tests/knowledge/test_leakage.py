"""No evaluation question is taught to the knowledge base.

An entry's sample questions are indexed and count as the entry's own wording, so a question of a
set we measure on that also sits in an entry would be answered from memory. The sets: STARD's
development split (reported through the assistant), the reported and development legal sets,
the knowledge evaluation set and the reported multi-turn dialogues. Texts are compared after
NFKC folding, without whitespace and punctuation, so "吗?" and "吗？" are the same question.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from pathlib import Path
from typing import Dict, Iterable, List, Set

import pytest
import yaml

from knowledge.store import default_entries

TESTS = Path(__file__).resolve().parents[1]
# Where bench.legal_answers reads STARD from; it is not shipped with the project.
STARD_DEV = Path(os.environ.get("STARD_DIR", "/work/shared/stard")) / "dev.jsonl"


def folded(text: str) -> str:
    """The question without width, case, whitespace or punctuation differences."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text).lower())


def sample_questions() -> Dict[str, str]:
    """Every entry's sample questions, folded, with the entry that holds each."""
    return {folded(q): entry.id for entry in default_entries() for q in entry.questions}


def leaked(questions: Iterable[str]) -> List[str]:
    samples = sample_questions()
    return sorted(f"{q} (in {samples[folded(q)]})" for q in questions if folded(q) in samples)


def yaml_questions(path: Path, *keys: str) -> List[str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    items = [item for key in keys for item in data.get(key) or []]
    # Answerable questions carry their expected answer; unanswerable ones are plain strings.
    return [item if isinstance(item, str) else item["q"] for item in items]


def test_reported_and_development_legal_sets_are_not_sample_questions() -> None:
    legal = TESTS / "knowledge"
    questions = yaml_questions(legal / "legal_questions.yml", "questions", "unanswerable")
    questions += yaml_questions(legal / "legal_dev.yml", "questions", "unanswerable")
    assert len(questions) > 100
    assert leaked(questions) == []


def test_knowledge_evaluation_questions_are_not_sample_questions() -> None:
    questions = yaml_questions(TESTS / "knowledge" / "eval_questions.yml", "questions")
    assert len(questions) >= 150
    assert leaked(questions) == []


def test_reported_dialogue_turns_are_not_sample_questions() -> None:
    data = yaml.safe_load((TESTS / "dialogue" / "multiturn" / "test.yml").read_text("utf-8"))
    turns: Set[str] = {
        turn["user"]
        for dialogue in data["dialogues"]
        for turn in dialogue["turns"]
        if turn.get("user") and "{" not in turn["user"]
    }
    assert len(turns) > 50
    assert leaked(turns) == []


def test_stard_development_questions_are_not_sample_questions() -> None:
    if not STARD_DEV.exists():
        pytest.skip("STARD is not beside this checkout (/work/shared/stard)")
    lines = STARD_DEV.read_text(encoding="utf-8").splitlines()
    questions = [json.loads(line)["question"] for line in lines if line.strip()]
    assert len(questions) > 300
    assert leaked(questions) == []


def test_a_sample_question_asked_with_other_punctuation_is_caught() -> None:
    entry = default_entries()[0]
    sample = entry.questions[0]
    assert leaked([f"{sample}？", f" {sample} ", "这句话不在任何条目里"]) == sorted(
        [f"{sample}？ (in {entry.id})", f" {sample}  (in {entry.id})"]
    )
