"""`report`: where the inbox stands, what changed, and what the knowledge team has to do."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, List

from .inbox import REASONS, STATUSES, Inbox, Item
from .nludata import load_examples
from .taxonomy import intents, minimum_examples


def _grouped(items: List[Item]) -> Dict[str, List[Item]]:
    groups: Dict[str, List[Item]] = {}
    for item in items:
        groups.setdefault(item.predicted_intent or "(无)", []).append(item)
    return groups


def build_report(inbox: Inbox, nlu_dir: Path) -> str:
    """The review report as Markdown (masked text only, like everything in the inbox)."""
    items = inbox.items()
    counts = inbox.counts()
    now = datetime.now(timezone.utc).astimezone().strftime("%Y-%m-%d %H:%M")
    lines = [f"# 训练数据复核报告 ({now})", "", "## 收件箱", ""]
    lines += [f"- {label}: {counts.get(status, 0)}" for status, label in STATUSES.items()]
    reasons = Counter(r for item in items for r in item.reasons)
    lines += ["", "来源: " + ", ".join(f"{REASONS.get(r, r)} {n}" for r, n in reasons.items())]

    lines += ["", "## 待标注(按模型预测的意图分组)", ""]
    for intent, group in sorted(_grouped([i for i in items if i.status == "open"]).items()):
        lines.append(f"### {intent} ({sum(i.count for i in group)} 次)")
        lines += [f"- [{i.id}] {i.text} ×{i.count} (置信度 {i.confidence:.2f})" for i in group]
        lines.append("")

    pending = [i for i in items if i.status == "knowledge_pending"]
    lines += ["## 请知识组处理", ""]
    if not pending:
        lines.append("无")
    for item in pending:
        lines.append(f"- [{item.id}] 条目 {item.label_kb_entry}: “{item.text}” — {item.note}")

    done = [i for i in items if i.status in ("applied", "refused")]
    lines += ["", "## 已处理", ""]
    for item in done:
        target = item.label_intent or item.label_kb_entry
        lines.append(f"- [{item.id}] {STATUSES[item.status]} → {target}: {item.text} — {item.note}")
    lines += ["", *example_counts(nlu_dir)]
    return "\n".join(lines) + "\n"


def example_counts(nlu_dir: Path) -> List[str]:
    """Examples per intent against each intent's minimum, for the end of the report."""
    per_intent = Counter(e.intent for e in load_examples(nlu_dir))
    rows = ["## 每个意图的样例数", "", "| 意图 | 样例 | 最少 |", "|---|---|---|"]
    for intent in sorted(intents()):
        mark = " ⚠" if per_intent[intent] < minimum_examples(intent) else ""
        rows.append(f"| {intent} | {per_intent[intent]}{mark} | {minimum_examples(intent)} |")
    return rows
