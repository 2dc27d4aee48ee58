"""Precision and recall per entity type of the work-order fact extractor on annotated caller lines.

python -m bench.workorder_entities [--set heldout3|heldout2|heldout|dev] [--errors] [--latency]

Each held-out set (tests/connectors/hotline/data/entities_heldout*.jsonl) was written after the
extractor it measures was built on the development set, and measured once: `heldout` the first
version, `heldout2` the second, `heldout3` the third. Each revision saw the earlier sets'
errors, so only its own set is held-out for it. Each line lists the
expected facts by kind; a line may carry `context`, earlier caller lines of the same call
(short forms of an enterprise named there count). Facts are compared per line as sets of values:
cities by short name, districts by full name, phone and ID numbers masked, other kinds as said.

How the sets are annotated: an enterprise as said (with its region if said, 沈阳市宏达机械有限公司;
a short form only when the full name came earlier in `context`); a person as said (王先生, 小刘,
张立新; 姓王 gives 王); a city said outside a name (沈阳 of 沈阳市宏达… is not one); a district by
its official name (宽甸县 → 宽甸满族自治县); an amount with its currency word but without 整; a
duration with 快 / 近 / 不到 but without 整整, and not the period of a rate (一个月三千五); a date
of an event (去年十月, 两个星期前) apart from a deadline (下周一之前, 后天, 今天必须…).
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path
from typing import Dict, Iterable, List, Set, Tuple

from bench.common import percentiles
from connectors.hotline.dispatch import dispatch
from connectors.hotline.facts import KINDS, call_facts, extract
from connectors.hotline.summary import summarize
from core.masking import mask_id_number, mask_phone
from core.paths import PROJECT_ROOT

DATA = PROJECT_ROOT / "tests" / "connectors" / "hotline" / "data"
SETS = {
    "dev": DATA / "entities_dev.jsonl",
    "heldout": DATA / "entities_heldout.jsonl",
    "heldout2": DATA / "entities_heldout2.jsonl",
    "heldout3": DATA / "entities_heldout3.jsonl",
}
# Kinds compared on the normalised value; the others on the words as said.
BY_VALUE = frozenset({"city", "district", "phone", "id_number", "case_number"})


def load(path: Path) -> List[Dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def expected(item: Dict[str, object]) -> Set[Tuple[str, str]]:
    found = set()
    entities: Dict[str, List[str]] = item["entities"]  # type: ignore[assignment]
    for kind, values in entities.items():
        for value in values:
            if kind == "city":
                value = value[:-1] if value.endswith("市") and len(value) > 2 else value
            elif kind == "phone":
                value = mask_phone(value.replace(" ", "").replace("-", ""))
            elif kind == "id_number":
                value = mask_id_number(value)
            elif kind == "case_number":
                value = value.replace("（", "(").replace("）", ")")
            found.add((kind, value))
    return found


def predicted(item: Dict[str, object]) -> Set[Tuple[str, str]]:
    known = call_facts(item.get("context") or []).values("enterprise")  # type: ignore[arg-type]
    return {
        (f.kind, f.value if f.kind in BY_VALUE else f.text)
        for f in extract(str(item["line"]), known)
    }


def score(items: Iterable[Dict[str, object]]) -> Dict[str, Dict[str, float]]:
    """Per kind: true positives, false positives, false negatives, precision, recall."""
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for item in items:
        want, got = expected(item), predicted(item)
        for kind, _ in want & got:
            tp[kind] += 1
        for kind, _ in got - want:
            fp[kind] += 1
        for kind, _ in want - got:
            fn[kind] += 1
    table: Dict[str, Dict[str, float]] = {}
    for kind in (*KINDS, "all"):
        t = sum(tp.values()) if kind == "all" else tp[kind]
        p = sum(fp.values()) if kind == "all" else fp[kind]
        n = sum(fn.values()) if kind == "all" else fn[kind]
        table[kind] = {
            "tp": t,
            "fp": p,
            "fn": n,
            "precision": t / (t + p) if t + p else 1.0,
            "recall": t / (t + n) if t + n else 1.0,
        }
    return table


def latency(items: List[Dict[str, object]], call_lines: int = 8) -> List[float]:
    """Milliseconds per caller line to rebuild a call's facts, route and summary from all its
    lines so far, over calls made of consecutive lines of the set."""
    lines = [str(item["line"]) for item in items]
    call_facts(lines[:call_lines])  # load the word lists once, as a running process has
    timings = []
    for start in range(0, len(lines) - call_lines + 1, call_lines):
        call = lines[start : start + call_lines]
        for size in range(1, call_lines + 1):
            began = time.perf_counter()
            facts = call_facts(call[:size])
            said = "".join(call[:size])
            dispatch("business_complaint", said, facts.city)
            summarize(facts, "business_complaint", said)
            timings.append((time.perf_counter() - began) * 1000)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=sorted(SETS), default="heldout3")
    parser.add_argument("--errors", action="store_true", help="print each line's differences")
    parser.add_argument("--latency", action="store_true", help="time facts, route and summary")
    args = parser.parse_args()
    items = load(SETS[args.set])
    if args.latency:
        timings = latency(items)
        print(f"facts + route + summary per caller line, ms: {percentiles(timings)}")
    if args.errors:
        for item in items:
            want, got = expected(item), predicted(item)
            if want != got:
                print(item["line"], "| missed:", sorted(want - got), "| extra:", sorted(got - want))
    table = score(items)
    print(f"{args.set}: {len(items)} caller lines")
    print(f"{'kind':<12} {'n':>4} {'precision':>9} {'recall':>7}")
    for kind, row in table.items():
        n = int(row["tp"] + row["fn"])
        print(f"{kind:<12} {n:>4} {row['precision']:>9.2f} {row['recall']:>7.2f}")


if __name__ == "__main__":
    main()
