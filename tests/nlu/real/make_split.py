"""Split the real-question set once into a development half and a locked test half.

    python -m tests.nlu.real.make_split          # write dev.yml and test.yml from all.yml
    python -m tests.nlu.real.make_split --check  # only verify that they are up to date

The split is stratified by intent and seeded, so running it again on the same all.yml gives
the same halves. The helpers below (normalised keys, near-duplicate test, training texts, the
intent names of docs/intents.md) are shared with tests/nlu/test_real_questions_data.py.
"""

from __future__ import annotations

import argparse
import difflib
import random
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Set, Tuple

import yaml

from bot.nlu.text import normalize_text

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
ALL = HERE / "all.yml"
DEV = HERE / "dev.yml"
TEST = HERE / "test.yml"
INTENTS_DOC = ROOT / "docs" / "intents.md"
TRAINING_FILES = (ROOT / "data" / "nlu", ROOT / "tests" / "nlu" / "test_nlu.yml")

SEED = 20261201
# Near-equal: same normalised key, one key inside the other with at most this many extra
# characters (the shorter at least MIN_CONTAINED long), or a difflib ratio of at least RATIO.
MAX_EXTRA_CHARS = 3
MIN_CONTAINED = 4
RATIO = 0.85

Question = Dict[str, Any]

_ANNOTATION = re.compile(r"\[([^\]]*)\](?:\{[^}]*\}|\([^)]*\))")
_INTENT_ROW = re.compile(r"^\|\s*([a-z][a-z_]*)\s*\|")

HEADER = """\
# Real questions, as people typed them on public Q&A pages, message boards and government FAQ
# pages, each labelled with one intent of docs/intents.md. Never trained on.
#
# {role}
#
# Format: `questions:` is a list; each item has
#   text:   the question as the asker typed it (greetings trimmed at most, never reworded)
#   intent: one intent name of docs/intents.md, by the question's meaning
#   source: the address of the page it was taken from
#   title:  the page's title as stored (empty when the stored copy shows none)
#   note:   optional, why a hard case got its label
#
# {origin} See tests/nlu/real/README.md.
"""

ORIGIN = {
    "all": "Edit this file, then run `python -m tests.nlu.real.make_split` to rewrite the halves.",
    "half": "Written by tests/nlu/real/make_split.py from all.yml; do not edit by hand.",
}


class _Dumper(yaml.SafeDumper):
    """Indents list items under their key, as the files are documented."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


ROLES = {
    ALL: "all.yml: every question; dev.yml and test.yml are split from it (seed {seed}).",
    DEV: "dev.yml: the development half. Look at it, choose on it, report on it.",
    TEST: (
        "test.yml: the locked test half. Only ever reported, never used to choose anything\n"
        "# (no training examples, thresholds or pipeline choices derived from it)."
    ),
}


def key(text: str) -> str:
    """The text as compared: Simplified, half-width, lower case, letters and digits only."""
    return "".join(ch for ch in normalize_text(text).lower() if ch.isalnum())


def _contained(a: str, b: str) -> bool:
    short, long_ = sorted((a, b), key=len)
    return (
        len(short) >= MIN_CONTAINED
        and short in long_
        and len(long_) - len(short) <= MAX_EXTRA_CHARS
    )


def _lengths_allow(a: str, b: str) -> bool:
    return bool(a and b) and 2 * min(len(a), len(b)) / (len(a) + len(b)) >= RATIO


def near_equal(a: str, b: str) -> bool:
    """Whether two keys (see `key`) are equal or nearly so."""
    return near_match(a, [b]) is not None


def near_match(k: str, others: Sequence[str]) -> Optional[int]:
    """Index of the first key in `others` near-equal to `k`, or None."""
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(k)
    for i, other in enumerate(others):
        if other == k or _contained(k, other):
            return i
        if not _lengths_allow(k, other):
            continue
        matcher.set_seq1(other)
        if matcher.quick_ratio() >= RATIO and matcher.ratio() >= RATIO:
            return i
    return None


def strip_annotations(example: str) -> str:
    """`[沈阳]{"entity": "city"}怎么办` → `沈阳怎么办`."""
    return _ANNOTATION.sub(r"\1", example)


def _nlu_files() -> List[Path]:
    files: List[Path] = []
    for path in TRAINING_FILES:
        files += sorted(path.glob("*.yml")) if path.is_dir() else [path]
    return files


def training_texts() -> List[Tuple[str, str]]:
    """(text, file name) of every example, synonym and lookup line in the NLU training data
    and the held-out set, annotations stripped."""
    texts: List[Tuple[str, str]] = []
    for path in _nlu_files():
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in data.get("nlu") or []:
            examples = block.get("examples") if isinstance(block, dict) else None
            if not isinstance(examples, str) or "regex" in block:
                continue
            for line in examples.splitlines():
                line = line.strip()
                if line.startswith("- "):
                    texts.append((strip_annotations(line[2:].strip()), path.name))
    return texts


def intent_names(doc: Path = INTENTS_DOC) -> Set[str]:
    """The intent names of the tables in docs/intents.md (everything before "## Entities")."""
    names: Set[str] = set()
    for line in doc.read_text(encoding="utf-8").split("## Entities")[0].splitlines():
        match = _INTENT_ROW.match(line)
        if match and match.group(1) != "intent":
            names.add(match.group(1))
    return names


def load(path: Path) -> List[Question]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return list(data.get("questions") or [])


def dump(path: Path, questions: Iterable[Question]) -> str:
    """The YAML text of a question file (header and one block per question)."""
    role = ROLES[path].format(seed=SEED)
    items = []
    for q in questions:
        item = {k: q.get(k, "") for k in ("text", "intent", "source", "title")}
        if q.get("note"):
            item["note"] = q["note"]
        items.append(item)
    body = yaml.dump(
        {"questions": items},
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=1000,
        indent=2,
    )
    origin = ORIGIN["all" if path == ALL else "half"]
    return HEADER.format(role=role, origin=origin) + body


def split(questions: List[Question], seed: int = SEED) -> Tuple[List[Question], List[Question]]:
    """Stratified halves: per intent, a seeded shuffle; the odd one out goes to the dev half for
    every other intent (alphabetical), so both halves end up the same size within one."""
    by_intent: Dict[str, List[Question]] = defaultdict(list)
    for q in questions:
        by_intent[q["intent"]].append(q)
    rng = random.Random(seed)
    dev: List[Question] = []
    test: List[Question] = []
    odd = 0
    for intent in sorted(by_intent):
        items = sorted(by_intent[intent], key=lambda q: q["text"])
        rng.shuffle(items)
        n_dev = len(items) // 2
        if len(items) % 2:
            n_dev += 1 - odd % 2
            odd += 1
        dev += items[:n_dev]
        test += items[n_dev:]
    order = {id(q): i for i, q in enumerate(questions)}
    return sorted(dev, key=lambda q: order[id(q)]), sorted(test, key=lambda q: order[id(q)])


def problems(questions: List[Question], check_training: bool = True) -> List[str]:
    """What is wrong with a question list: fields, intents, duplicates, training overlap."""
    found: List[str] = []
    names = intent_names()
    keys: List[str] = []
    texts: List[str] = []
    for i, q in enumerate(questions):
        text = str(q.get("text") or "")
        where = f"#{i} {text[:30]!r}"
        if not text.strip():
            found.append(f"{where}: empty text")
        if q.get("intent") not in names:
            found.append(f"{where}: intent {q.get('intent')!r} is not in docs/intents.md")
        if not re.match(r"^https?://\S+$", str(q.get("source") or "")):
            found.append(f"{where}: no source URL")
        k = key(text)
        twin = near_match(k, keys)
        if twin is not None:
            found.append(f"{where}: near-duplicate of {texts[twin][:30]!r}")
        keys.append(k)
        texts.append(text)
    if check_training:
        trained = training_texts()
        trained_keys = [key(t) for t, _ in trained]
        for k, text in zip(keys, texts, strict=True):
            hit = near_match(k, trained_keys)
            if hit is not None:
                t, f = trained[hit]
                found.append(f"{text[:30]!r}: near-equal to training line {t!r} ({f})")
    return found


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="only verify dev.yml and test.yml")
    args = parser.parse_args(argv)
    questions = load(ALL)
    issues = problems(questions)
    for issue in issues:
        print(issue, file=sys.stderr)
    if issues:
        return 1
    dev, test = split(questions)
    outputs = {DEV: dump(DEV, dev), TEST: dump(TEST, test)}
    if args.check:
        stale = [p.name for p, text in outputs.items() if p.read_text(encoding="utf-8") != text]
        if stale:
            print("out of date: " + ", ".join(stale), file=sys.stderr)
            return 1
        print(f"up to date: {len(dev)} dev, {len(test)} test")
        return 0
    for path, text in outputs.items():
        path.write_text(text, encoding="utf-8")
    print(f"{len(questions)} questions: {len(dev)} in {DEV.name}, {len(test)} in {TEST.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
