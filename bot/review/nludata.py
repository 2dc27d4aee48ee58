"""Reading and extending data/nlu/<intent>.yml, and telling when two examples are the same.

Examples are appended as text into the intent's `examples: |` block rather than by re-dumping
the YAML, so comments, ordering and entity annotations of the file stay exactly as written.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Set, Tuple

import yaml

from core.text import normalize_text

# [surface](entity) or [surface]{"entity": ..., "value": ...}
_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")
_TRAILING = re.compile(r"[\s?？!！。.,，~～…]+$")
NEAR_DUPLICATE = 0.8


@dataclass(frozen=True)
class NluExample:
    intent: str
    text: str
    file: str
    key: str = ""

    @classmethod
    def of(cls, intent: str, text: str, file: str) -> NluExample:
        plain = plain_text(text)
        return cls(intent, plain, file, text_key(plain))


@dataclass
class Clashes:
    """What an example collides with in the training data."""

    duplicates: List[NluExample]
    near: List[Tuple[NluExample, float]]


def plain_text(example: str) -> str:
    """An annotated example line as the user would have typed it."""
    return _ANNOTATION.sub(r"\1", example)


@lru_cache(maxsize=65536)
def text_key(text: str) -> str:
    """What two texts must share to count as the same example."""
    return _TRAILING.sub("", normalize_text(plain_text(text))).casefold()


def bigrams(key: str) -> Set[str]:
    compact = key.replace(" ", "")
    return {compact[i : i + 2] for i in range(len(compact) - 1)} or {compact}


def jaccard(a: Set[str], b: Set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def _block_examples(block: str) -> List[str]:
    return [line[2:].strip() for line in block.splitlines() if line.startswith("- ")]


def load_examples(nlu_dir: Path) -> List[NluExample]:
    """Every intent example of every file in `nlu_dir` (lookup tables and synonyms skipped)."""
    found: List[NluExample] = []
    for path in sorted(nlu_dir.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for item in data.get("nlu") or []:
            if isinstance(item, dict) and "intent" in item:
                for text in _block_examples(str(item.get("examples") or "")):
                    found.append(NluExample.of(str(item["intent"]), text, path.name))
    return found


def find_clashes(text: str, intent: str, examples: Sequence[NluExample]) -> Clashes:
    """Same text anywhere, and near-duplicates (bigram Jaccard ≥ 0.8) under another intent."""
    key = text_key(text)
    grams = bigrams(key)
    clashes = Clashes([], [])
    for example in examples:
        other = example.key
        if other == key:
            clashes.duplicates.append(example)
        elif example.intent != intent:
            similarity = jaccard(grams, bigrams(other))
            if similarity >= NEAR_DUPLICATE:
                clashes.near.append((example, similarity))
    clashes.near.sort(key=lambda pair: -pair[1])
    return clashes


class AnnotationError(ValueError):
    """The example cannot be written as asked; the message is for the trainer."""


def annotate(text: str, entities: Sequence[Dict[str, str]]) -> str:
    """The example line: `text` with each entity's first occurrence marked up."""
    if any(ch in text for ch in "[]{}\n"):
        raise AnnotationError("文本含有方括号、花括号或换行,无法写成训练样例,请手工整理后添加")
    spans: List[Tuple[int, int, str]] = []
    for entity in entities:
        surface = entity.get("text", "")
        start = text.find(surface) if surface else -1
        if start < 0:
            raise AnnotationError(f"实体文本“{surface}”不在句子中")
        end = start + len(surface)
        if any(start < e and s < end for s, e, _ in spans):
            raise AnnotationError(f"实体文本“{surface}”与另一个实体重叠")
        value = entity.get("value") or surface
        if value == surface:
            markup = f"[{surface}]({entity['entity']})"
        else:
            payload = json.dumps({"entity": entity["entity"], "value": value}, ensure_ascii=False)
            markup = f"[{surface}]{payload}"
        spans.append((start, end, markup))
    line = text
    for start, end, markup in sorted(spans, reverse=True):
        line = line[:start] + markup + line[end:]
    return line


def _intent_examples(path: Path, intent: str) -> Optional[List[str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for item in data.get("nlu") or []:
        if isinstance(item, dict) and item.get("intent") == intent:
            return _block_examples(str(item.get("examples") or ""))
    return None


def append_example(nlu_dir: Path, intent: str, line: str) -> Path:
    """Add one example line to `<intent>.yml`, keeping the file as written; returns the file."""
    path = nlu_dir / f"{intent}.yml"
    if not path.exists():
        path.write_text(
            f'version: "3.1"\nnlu:\n- intent: {intent}\n  examples: |\n    - {line}\n',
            encoding="utf-8",
        )
        return path
    before = _intent_examples(path, intent)
    if before is None:
        raise AnnotationError(f"{path.name} 中没有意图 {intent} 的样例块,请手工添加")
    original = path.read_text(encoding="utf-8")
    lines = original.splitlines(keepends=True)
    header = next(i for i, row in enumerate(lines) if row.strip() == f"- intent: {intent}")
    last = None
    for i in range(header + 1, len(lines)):
        if lines[i].startswith("- "):
            break
        if lines[i].startswith("    - "):
            last = i
    if last is None:
        raise AnnotationError(f"{path.name} 的格式无法自动追加,请手工添加")
    if not lines[last].endswith("\n"):
        lines[last] += "\n"
    lines.insert(last + 1, f"    - {line}\n")
    path.write_text("".join(lines), encoding="utf-8")
    # Verify by re-reading: exactly this example added, nothing else changed in the block.
    if _intent_examples(path, intent) != [*before, line]:
        path.write_text(original, encoding="utf-8")
        raise AnnotationError(f"{path.name} 追加后校验失败,已恢复原文件,请手工添加")
    return path
