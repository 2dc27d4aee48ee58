"""Knowledge gaps: questions the assistant declined, or trainers marked as having no answer in
the knowledge base, grouped by similarity for whoever writes knowledge/content.

Similarity is the Jaccard overlap of the words the knowledge search itself uses (jieba with
the project's dictionary and stop words, knowledge/search.py) plus the character bigrams that
carry a subject (bigrams with a question or grammar character, 怎/么/哪/吗…, are dropped).
GROUP_THRESHOLD was set on paraphrase pairs: the same question reworded scores 0.33–1.0
("社保卡丢了咋补" / "社保卡丢了怎么补办" 0.57, "电动车上牌在哪里" / "电动自行车上牌去哪"
0.33), different questions on one subject 0.21 ("公积金贷款额度" / "公积金提取条件") and other
subjects 0 ("居住证怎么办" / "驾驶证怎么办"). An item joins the first group whose leading
question it resembles that much; groups do not chain through their members.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any, Dict, FrozenSet, List

from .inbox import Inbox, Item, Occurrence

GROUP_THRESHOLD = 0.25
# Items that may still be knowledge gaps: marked so, or declined and not yet decided.
GAP_STATUSES = ("knowledge_gap", "open")


@dataclass
class GapGroup:
    """Similar questions without an answer, with where they were asked."""

    question: str
    items: List[Item] = field(default_factory=list)
    occurrences: Dict[int, List[Occurrence]] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(item.count for item in self.items)

    @property
    def first_seen(self) -> datetime:
        return min(item.first_seen for item in self.items)

    @property
    def last_seen(self) -> datetime:
        return max(item.last_seen for item in self.items)

    def as_dict(self) -> Dict[str, Any]:
        return {
            "question": self.question,
            "count": self.count,
            "first_seen": self.first_seen.isoformat(),
            "last_seen": self.last_seen.isoformat(),
            "items": [
                {
                    "id": item.id,
                    "text": item.text,
                    "count": item.count,
                    "status": item.status,
                    "conversations": [o.as_dict() for o in self.occurrences.get(item.id, [])],
                }
                for item in self.items
            ],
        }


@lru_cache(maxsize=1)
def _tokenizer() -> Any:
    from knowledge.search import load_tokenizer

    return load_tokenizer()


def features(text: str) -> FrozenSet[str]:
    """What two questions are compared by: their words and subject-bearing bigrams."""
    from knowledge.search import _FILLER, tokenize_text

    tokens = tokenize_text(_tokenizer(), text)
    return frozenset(t for t in tokens if not (t.startswith("#") and set(t[1:]) & _FILLER))


def similarity(a: FrozenSet[str], b: FrozenSet[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def gap_groups(inbox: Inbox, threshold: float = GROUP_THRESHOLD) -> List[GapGroup]:
    """The knowledge gaps, most asked first."""
    candidates = [i for status in GAP_STATUSES for i in inbox.items(status=status)]
    occurrences = inbox.occurrences([i.id for i in candidates])
    gaps = [
        i
        for i in candidates
        if i.status == "knowledge_gap" or any(o.declined for o in occurrences[i.id])
    ]
    gaps.sort(key=lambda i: (-i.count, i.id))
    groups: List[GapGroup] = []
    leads: List[FrozenSet[str]] = []
    for item in gaps:
        mine = features(item.text)
        joined = next(
            (
                g
                for g, lead in zip(groups, leads, strict=True)
                if similarity(mine, lead) >= threshold
            ),
            None,
        )
        group = joined or GapGroup(item.text)
        if joined is None:
            groups.append(group)
            leads.append(mine)
        group.items.append(item)
        group.occurrences[item.id] = occurrences[item.id]
    groups.sort(key=lambda g: (-g.count, g.question))
    return groups


def _day(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def gaps_markdown(groups: List[GapGroup]) -> str:
    """The list for the knowledge editors (masked text only, like the inbox)."""
    lines = ["# 知识缺口", "", f"共 {len(groups)} 组。问题已脱敏,对话编号为哈希。", ""]
    for number, group in enumerate(groups, 1):
        lines += [
            f"## {number}. {group.question}",
            "",
            f"- 提问 {group.count} 次;首次 {_day(group.first_seen)},最近 {_day(group.last_seen)}",
        ]
        for item in group.items:
            lines.append(f"- [{item.id}] {item.text} ×{item.count}")
            for occurrence in group.occurrences.get(item.id, [])[:3]:
                lines.append(f"  - 对话 {occurrence.conversation or '(坐席反馈)'}:")
                for turn in occurrence.context:
                    who = "用户" if turn.get("role") == "user" else "助手"
                    mark = " ←" if turn.get("current") else ""
                    text = str(turn.get("text") or "").replace("\n", " ")
                    lines.append(f"    - {who}:{text}{mark}")
        lines.append("")
    return "\n".join(lines)
