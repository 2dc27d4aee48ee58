"""Our own data checks, run after `rasa data validate` by `make data-check`.

Errors (exit 1): the same text under two intents, intents below their minimum example count,
generated vocabulary out of date, invalid knowledge files. Warnings: near-duplicates across
intents, the same example twice in one intent, vocabulary entity values jieba would not keep
as one word (their annotations then misalign with the tokens).
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Set

import yaml

from core.paths import PROJECT_ROOT
from core.text import normalize_text

from .nludata import NEAR_DUPLICATE, NluExample, bigrams, jaccard, load_examples
from .taxonomy import intents, minimum_examples

USERDICT = PROJECT_ROOT / "data" / "jieba" / "userdict.txt"
VOCABULARY_ENTITIES = ("city", "district", "service_item")


@dataclass
class CheckResult:
    errors: List[str] = field(default_factory=list)
    warnings: List[str] = field(default_factory=list)


def check_duplicates(examples: List[NluExample], result: CheckResult) -> None:
    by_key: Dict[str, List[NluExample]] = {}
    for example in examples:
        by_key.setdefault(example.key, []).append(example)
    for same in by_key.values():
        names = sorted({e.intent for e in same})
        if len(names) > 1:
            where = ", ".join(f"{e.intent}({e.file})" for e in same)
            result.errors.append(f"同一句子出现在多个意图下: “{same[0].text}” — {where}")
        elif len(same) > 1:
            result.warnings.append(
                f"重复样例: “{same[0].text}” 在 {same[0].file} 中出现 {len(same)} 次"
            )


def check_near_duplicates(examples: List[NluExample], result: CheckResult) -> None:
    """Pairs across intents with bigram Jaccard ≥ 0.8 (only lengths that could reach it)."""
    grams = sorted(((bigrams(e.key), e) for e in examples), key=lambda pair: len(pair[0]))
    for i, (a, first) in enumerate(grams):
        for b, second in grams[i + 1 :]:
            if len(a) < NEAR_DUPLICATE * len(b):
                break  # sorted by size: every later set is larger still
            if first.intent == second.intent or first.key == second.key:
                continue
            similarity = jaccard(a, b)
            if similarity >= NEAR_DUPLICATE:
                result.warnings.append(
                    f"意图间近似样例({similarity:.2f}): “{first.text}”({first.intent}) / "
                    f"“{second.text}”({second.intent})"
                )


def check_counts(examples: List[NluExample], result: CheckResult) -> None:
    per_intent = Counter(e.intent for e in examples)
    for intent in sorted(intents()):
        minimum = minimum_examples(intent)
        if per_intent[intent] < minimum:
            result.errors.append(
                f"意图 {intent} 只有 {per_intent[intent]} 条样例,至少需要 {minimum} 条"
            )
    for intent in sorted(set(per_intent) - intents()):
        result.errors.append(f"训练数据中的意图 {intent} 不在 docs/intents.md 中")


def _annotated_values(nlu_dir: Path) -> Set[str]:
    """Surface texts annotated as vocabulary entities in the intent examples."""
    pattern = re.compile(r"\[([^\]]+)\](?:\((\w+)\)|\{\"entity\": \"(\w+)\"[^}]*\})")
    found: Set[str] = set()
    for path in sorted(nlu_dir.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for item in data.get("nlu") or []:
            if isinstance(item, dict) and "intent" in item:
                for m in pattern.finditer(str(item.get("examples") or "")):
                    if (m.group(2) or m.group(3)) in VOCABULARY_ENTITIES:
                        found.add(m.group(1))
    return found


def check_userdict(nlu_dir: Path, userdict: Path, result: CheckResult) -> None:
    words = {
        line.split()[0]
        for line in userdict.read_text(encoding="utf-8").splitlines()
        if line.strip()
    }
    # The normaliser runs before the tokenizer, so Traditional or full-width forms are fine.
    missing = sorted(v for v in _annotated_values(nlu_dir) if normalize_text(v) not in words)
    if missing:
        shown = "、".join(missing[:20]) + (" 等" if len(missing) > 20 else "")
        result.warnings.append(
            f"{len(missing)} 个地名/事项实体值不在 jieba 词典中(分词可能切开实体): {shown};"
            "若是正式名称,请加入 knowledge/services.yml 或 places.yml 后运行 make vocab"
        )


def check_commands(result: CheckResult) -> None:
    """The generated vocabulary and the knowledge files, by their own checkers."""
    commands = {
        "词表、查找表或 jieba 词典已过期,请运行 make vocab": ["-m", "knowledge.vocab", "--check"],
        "知识库校验未通过": ["-m", "knowledge.check"],
    }
    for message, args in commands.items():
        run = subprocess.run(
            [sys.executable, *args], cwd=PROJECT_ROOT, capture_output=True, text=True
        )
        if run.returncode != 0:
            detail = (run.stderr or run.stdout).strip().splitlines()[-5:]
            result.errors.append(message + (": " + " | ".join(detail) if detail else ""))


def run_checks(nlu_dir: Path, userdict: Path = USERDICT, commands: bool = True) -> CheckResult:
    result = CheckResult()
    examples = load_examples(nlu_dir)
    check_duplicates(examples, result)
    check_near_duplicates(examples, result)
    check_counts(examples, result)
    check_userdict(nlu_dir, userdict, result)
    if commands:
        check_commands(result)
    return result


def main(nlu_dir: Path) -> int:
    result = run_checks(nlu_dir)
    for warning in result.warnings:
        print(f"警告: {warning}")
    for error in result.errors:
        print(f"错误: {error}", file=sys.stderr)
    print(f"数据检查: {len(result.errors)} 个错误, {len(result.warnings)} 个警告")
    return 1 if result.errors else 0
