"""`apply`: labelled inbox items become NLU examples (and knowledge sample questions).

Nothing is written twice: a text already in any data/nlu file is refused, and so is a text of
the held-out evaluation sets, since training on them would make the evaluation meaningless.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional, Sequence, Set

import yaml

from bot.settings import PROJECT_ROOT, Settings

from .inbox import STATUSES, Inbox, Item
from .knowledge_questions import add_question
from .nludata import (
    AnnotationError,
    NluExample,
    annotate,
    append_example,
    find_clashes,
    load_examples,
    text_key,
)

HELD_OUT_NLU = PROJECT_ROOT / "tests" / "nlu" / "test_nlu.yml"
HELD_OUT_QUESTIONS = PROJECT_ROOT / "tests" / "knowledge" / "eval_questions.yml"
# The real questions people typed (both halves): they measure generalisation, so none of them
# may become a training example.
REAL_QUESTIONS = PROJECT_ROOT / "tests" / "nlu" / "real" / "all.yml"


@dataclass
class Workspace:
    """The files `apply` writes to; tests point it at copies."""

    nlu_dir: Path
    knowledge_dir: Path
    held_out: Sequence[Path] = (HELD_OUT_NLU, HELD_OUT_QUESTIONS, REAL_QUESTIONS)

    @classmethod
    def from_settings(cls, settings: Settings) -> Workspace:
        return cls(settings.review_nlu_dir, settings.review_knowledge_dir)

    def held_out_keys(self) -> Set[str]:
        keys: Set[str] = set()
        for path in self.held_out:
            if not path.exists():
                continue
            if path.name in (HELD_OUT_QUESTIONS.name, REAL_QUESTIONS.name):
                data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
                field = "q" if path.name == HELD_OUT_QUESTIONS.name else "text"
                keys |= {text_key(str(q.get(field, ""))) for q in data.get("questions") or []}
            else:
                keys |= {e.key for e in load_examples(path.parent) if e.file == path.name}
        return keys


@dataclass
class Outcome:
    item_id: int
    text: str
    status: str
    message: str
    warnings: List[str] = field(default_factory=list)


@dataclass
class ApplyReport:
    outcomes: List[Outcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)

    def lines(self) -> List[str]:
        rows = [
            f"[{o.item_id}] {STATUSES[o.status]}: {o.text} — {o.message}" for o in self.outcomes
        ]
        for o in self.outcomes:
            rows += [f"[{o.item_id}] 警告: {w}" for w in o.warnings]
        rows.append(
            f"已应用 {self.count('applied')} 条,未采用 {self.count('refused')} 条,"
            f"待知识组处理 {self.count('knowledge_pending')} 条"
        )
        return rows


def _nlu_change(
    item: Item, examples: List[NluExample], held_out: Set[str], workspace: Workspace
) -> Outcome:
    intent = item.label_intent
    outcome = Outcome(item.id, item.text, "applied", "")
    try:
        line = annotate(item.text, item.label_entities)
    except AnnotationError as error:
        return Outcome(item.id, item.text, "refused", str(error))
    if text_key(item.text) in held_out:
        return Outcome(item.id, item.text, "refused", "与评测集中的句子相同,加入训练会使评测失真")
    clashes = find_clashes(item.text, intent, examples)
    for same in clashes.duplicates:
        if same.intent == intent:
            return Outcome(item.id, item.text, "refused", f"训练数据已有相同样例({same.file})")
        return Outcome(
            item.id,
            item.text,
            "refused",
            f"冲突:意图 {same.intent} 已有相同样例({same.file}),请先确认哪个意图正确",
        )
    for other, similarity in clashes.near[:3]:
        outcome.warnings.append(
            f"可能冲突:与意图 {other.intent} 的样例“{other.text}”相似度 {similarity:.2f}"
        )
    try:
        path = append_example(workspace.nlu_dir, intent, line)
    except AnnotationError as error:
        return Outcome(item.id, item.text, "refused", str(error))
    examples.append(NluExample.of(intent, line, path.name))
    outcome.message = f"已加入 {path.name}"
    return outcome


def apply_labels(
    inbox: Inbox, workspace: Workspace, actor: str, item_ids: Optional[Sequence[int]] = None
) -> ApplyReport:
    """Write every labelled item (or the given ones) into the training data."""
    report = ApplyReport()
    items = [i for i in inbox.items(status="labelled") if not item_ids or i.id in item_ids]
    if not items:
        return report
    examples = load_examples(workspace.nlu_dir)
    held_out = workspace.held_out_keys()
    for item in items:
        outcome = Outcome(item.id, item.text, "applied", "")
        if item.label_intent:
            outcome = _nlu_change(item, examples, held_out, workspace)
        if item.label_kb_entry and outcome.status == "applied":
            problem = (
                "与检索评测集中的问题相同"
                if text_key(item.text) in held_out
                else add_question(workspace.knowledge_dir, item.label_kb_entry, item.text)
            )
            done = f"已加入知识条目 {item.label_kb_entry} 的示例问题"
            outcome.message = "; ".join(m for m in (outcome.message, problem or done) if m)
            if problem:
                outcome.status = "knowledge_pending"
        inbox.update(
            item.id,
            "apply",
            actor,
            status=outcome.status,
            note="; ".join([outcome.message, *outcome.warnings]),
        )
        report.outcomes.append(outcome)
    return report
