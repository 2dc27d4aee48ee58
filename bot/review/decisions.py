"""Decisions on an item that are not an NLU label: a follow-up of the previous topic, or a
question the knowledge base has no answer for.

A follow-up ("在哪办" after a question about 居住证) is right or wrong only in its conversation,
so it becomes a development dialogue case (the multi-turn format of tests/dialogue/multiturn),
never an NLU example. A knowledge gap goes to the knowledge editors' list (knowledge_gaps.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List

import yaml

from core.paths import PROJECT_ROOT

from .inbox import Inbox, Item
from .labels import LabelError

HEADER = """\
# Follow-ups marked on the trainer page (bot/review/decisions.py): development dialogues, in
# the format of test.yml. Each was misunderstood in its conversation; add to its last turn an
# `expect` with what the answer must contain, then tune on it like dev.yml.

dialogues:
"""
# The earlier user messages a case replays before the follow-up itself.
EARLIER_TURNS = 2
# What a first question and a follow-up must not be answered with (runner failure kinds).
FIRST_REJECT = ["menu", "fallback", "not_found", "out_of_scope", "greeting"]
FOLLOW_REJECT = [*FIRST_REJECT, "goodbye", "ask_topic"]


def _changeable(item: Item) -> None:
    if item.status == "applied":
        raise LabelError(f"第 {item.id} 条已经应用到训练数据,不能再修改")


def dialogue_case(item: Item, context: List[Dict[str, Any]]) -> Dict[str, Any]:
    """The dialogue case of a follow-up: the user's earlier messages, then the item."""
    current = next((i for i, t in enumerate(context) if t.get("current")), len(context))
    earlier = [t["text"] for t in context[:current] if t.get("role") == "user" and t.get("text")]
    earlier = [t for t in earlier if not t.startswith("/")][-EARLIER_TURNS:]
    if not earlier:
        raise LabelError(f"第 {item.id} 条之前没有用户的消息,不能作为追问;请标注意图或忽略")
    answer = " / ".join(t["text"] for t in context[current + 1 :] if t.get("role") == "bot")
    return {
        "id": f"review_{item.id}",
        "note": f"复核第 {item.id} 条,追问被误解。当时的回答:{answer or '(无)'}"[:300],
        "turns": [{"user": text, "reject": FIRST_REJECT} for text in earlier[:1]]
        + [{"user": text, "reject": FOLLOW_REJECT} for text in earlier[1:]]
        + [{"user": item.text, "reject": FOLLOW_REJECT}],
    }


def append_case(path: Path, case: Dict[str, Any]) -> bool:
    """Append `case` to the dialogue file as text (its comments stay); False if already there."""
    path.parent.mkdir(parents=True, exist_ok=True)
    existing = path.read_text(encoding="utf-8") if path.exists() else HEADER
    data = yaml.safe_load(existing) or {}
    if any(d.get("id") == case["id"] for d in data.get("dialogues") or []):
        return False
    block = yaml.safe_dump([case], allow_unicode=True, sort_keys=False, width=1000)
    indented = "".join(f"  {line}" if line.strip() else line for line in block.splitlines(True))
    body = existing.replace("dialogues: []\n", "dialogues:\n")
    path.write_text(body.rstrip("\n") + "\n" + indented, encoding="utf-8")
    return True


def mark_followup(inbox: Inbox, item_id: int, actor: str, path: Path) -> Item:
    """The item is a follow-up of the previous topic: a dialogue case in `path` (settings:
    review_dialogue_file), not an NLU example."""
    item = inbox.get(item_id)
    _changeable(item)
    occurrences = inbox.occurrences([item_id])[item_id]
    if not occurrences:
        raise LabelError(f"第 {item_id} 条没有保存对话上下文,不能作为追问;请重新导出")
    case = dialogue_case(item, occurrences[0].context)
    written = append_case(path, case)
    try:
        where = str(path.relative_to(PROJECT_ROOT))
    except ValueError:
        where = path.name
    note = f"已写入对话用例 {case['id']}({where})" if written else f"对话用例 {case['id']} 已存在"
    return inbox.update(
        item_id, "followup", actor, status="followup", note=note, label_intent="", label_kb_entry=""
    )


def mark_knowledge_gap(inbox: Inbox, item_id: int, actor: str, note: str = "") -> Item:
    """The knowledge base has no answer for it: it goes to the knowledge editors' list."""
    _changeable(inbox.get(item_id))
    return inbox.update(
        item_id,
        "knowledge_gap",
        actor,
        status="knowledge_gap",
        note=note,
        label_intent="",
        label_kb_entry="",
    )
