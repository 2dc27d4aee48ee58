"""`make knowledge-check`: validate every knowledge file, check its citations against the law
texts in knowledge/laws, and print entry counts per intent."""

from __future__ import annotations

import sys
from collections import Counter

from knowledge.citations import check_entries
from knowledge.store import KnowledgeError, load_entries, unsourced_vocabulary


def main() -> int:
    try:
        entries = load_entries()
        problems = unsourced_vocabulary()
    except KnowledgeError as error:
        problems = error.problems
    if problems:
        print("knowledge check failed:", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    failures, warnings = check_entries(entries)
    for warning in warnings:
        print(f"  warning: {warning}")
    if failures:
        print("citation check failed:", file=sys.stderr)
        for failure in failures:
            print(f"  - {failure}", file=sys.stderr)
        return 1
    per_intent = Counter(intent for entry in entries for intent in entry.intents)
    print(f"knowledge check: {len(entries)} entries ok, citations checked against knowledge/laws")
    for intent, count in sorted(per_intent.items()):
        print(f"  {intent:<24}{count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
