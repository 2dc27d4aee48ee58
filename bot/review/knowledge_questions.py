"""Adding a reviewed question to a knowledge entry's sample questions, only when that is safe.

Safe means: the entry has a block-style `questions:` list, one line can be inserted after its
last item, and re-reading the file shows exactly that one question added and nothing else
changed, and the whole knowledge base still validates. Otherwise the file is left untouched
and the question is handed to the knowledge team through the review report.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml

from .nludata import text_key

_ITEM = re.compile(r"^(\s*)- ")


def _entries(path: Path) -> List[Dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [e for e in data.get("entries") or [] if isinstance(e, dict)]


def _scalar(question: str) -> str:
    """The question as a YAML scalar: plain when YAML reads it back unchanged, else quoted."""
    if yaml.safe_load(f"- {question}") == [question]:
        return question
    return '"' + question.replace("\\", "\\\\").replace('"', '\\"') + '"'


def add_question(content_dir: Path, entry_id: str, question: str) -> Optional[str]:
    """Add `question` to the entry; returns None when done, else why it was not done."""
    from knowledge.store import KnowledgeError, load_entries

    key = text_key(question)
    target: Optional[Path] = None
    for path in sorted(content_dir.glob("*.yml")):
        for entry in _entries(path):
            if any(text_key(str(q)) == key for q in entry.get("questions") or []):
                return f"条目 {entry.get('id')} 已有相同的示例问题"
            if entry.get("id") == entry_id:
                target = path
    if target is None:
        return f"没有找到知识条目 {entry_id}"

    original = target.read_text(encoding="utf-8")
    lines = original.splitlines(keepends=True)
    start = next((i for i, r in enumerate(lines) if r.strip() == f"- id: {entry_id}"), None)
    if start is None:
        return "条目的写法不是“- id: …”开头,无法安全地自动添加"
    entry_indent = len(lines[start]) - len(lines[start].lstrip())
    end = next(
        (
            i
            for i in range(start + 1, len(lines))
            if lines[i].strip() and len(lines[i]) - len(lines[i].lstrip()) <= entry_indent
        ),
        len(lines),
    )
    header = next((i for i in range(start, end) if lines[i].strip() == "questions:"), None)
    if header is None:
        return "条目没有块格式的 questions 列表,无法安全地自动添加"
    last = None
    for i in range(header + 1, end):
        if _ITEM.match(lines[i]):
            last = i
        elif lines[i].strip():
            break
    if last is None:
        return "条目的 questions 列表为空或格式特殊,无法安全地自动添加"
    indent = _ITEM.match(lines[last]).group(1)  # type: ignore[union-attr]
    if not lines[last].endswith("\n"):
        lines[last] += "\n"
    lines.insert(last + 1, f"{indent}- {_scalar(question)}\n")
    before = _entries(target)
    target.write_text("".join(lines), encoding="utf-8")

    expected = [dict(e) for e in before]
    for entry in expected:
        if entry.get("id") == entry_id:
            entry["questions"] = [*entry["questions"], question]
    problem: Optional[str] = None
    if _entries(target) != expected:
        problem = "添加后校验发现文件其他内容有变化"
    else:
        try:
            load_entries(content_dir)
        except KnowledgeError as error:
            problem = "添加后知识库校验未通过:" + "; ".join(error.problems[:3])
    if problem:
        target.write_text(original, encoding="utf-8")
        return problem + ",已恢复原文件"
    return None
