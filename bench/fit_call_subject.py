"""Fit the hotline desk's call-subject model and compare it with the hand-set evidence.

python -m bench.fit_call_subject [--parses FILE] [--rasa-port P] [--write]

Every scripted call of tests/connectors/desk_calls (dev, dev2, heldout2 … heldout7, train7a,
train7b, train8a, train8b; `SETS`) is replayed through the desk's own subject and dispatch
code (subject.py, dispatch.py) from NLU parses of its caller lines. The parses are kept in a
file (`--parses`, under /tmp by default) so each line is parsed once; lines missing from it are
parsed by a Rasa server started on `--rasa-port` with the trained model.

Training lines: every caller line the model reads (subject.read_by_model) in the last part of a
call (after its last change of subject), labelled with the call's category; lines before a
change of subject belong to a category the scripts do not name, so they are left out.

The comparison is by cross-validation over calls, so no call is scored by a model fitted on
it: (a) leave one set out, (b) five folds of calls. For each set it prints the category,
unit and department (unit and city) accuracy of the hand-set evidence and of the fitted
model. The regularisation is chosen by the five-fold figure; --write fits on all calls and
writes connectors/hotline/subject_model.json.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple, get_args

import httpx
import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from bench.desk_calls import AGENT_PREFIX, load_calls
from connectors.hotline import subject
from connectors.hotline.assist import extract_entities, intent_ranking
from connectors.hotline.dispatch import default_table
from connectors.hotline.facts import call_facts
from connectors.hotline.lexicon import in_liaoning
from connectors.hotline.subject_model import (
    FEATURES,
    MODEL_FILE,
    SubjectModel,
    char_ngrams,
    one_hot,
)
from core.masking import mask_text
from core.text import normalize_text
from knowledge.labels import INTENT_LABELS

SETS = (
    "dev",
    "dev2",
    "heldout2",
    "heldout3",
    "heldout4",
    "heldout5",
    "heldout6",
    "heldout7",
    "train7a",
    "train7b",
    "train8a",
    "train8b",
)
PARSES = Path(tempfile.gettempdir()) / "desk_call_parses.json"
# Inverse regularisation strengths tried; an n-gram must occur in this many training lines.
C_GRID = (0.5, 2.0, 8.0)
MIN_DF = 2
# Shares of the fitted probabilities in a line's evidence tried (the hand-set has the rest).
SHARES = (0.5, 0.75, 1.0)
# Weights of a part's opening line tried with the model (the hand-set weight is 2).
OPENINGS = (1.0, 1.25, 1.5, 2.0)
FOLDS = 5
SEED = 7


@dataclass
class CallLine:
    text: str  # as said
    masked: str  # as the transcript keeps it (the dispatch reads these)
    reading: subject.LineReading  # the hand-set reading
    units: Dict[str, float]


@dataclass
class Call:
    set: str
    id: str
    category: str
    unit: str
    department: str
    city: Optional[str]
    lines: List[CallLine] = field(default_factory=list)
    city_found: Optional[str] = None  # the city the desk reads from the call's words

    def training_lines(self) -> List[CallLine]:
        start = subject.part_start([line.reading for line in self.lines])
        return [line for line in self.lines[start:] if subject.read_by_model(line.reading)]


def parses_for(texts: Sequence[str], path: Path, rasa_port: Optional[int]) -> Dict[str, Any]:
    """NLU parses of the texts, from the file, parsing the missing ones with Rasa."""
    cache: Dict[str, Any] = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    missing = [t for t in dict.fromkeys(texts) if t not in cache]
    if missing:
        if rasa_port is None:
            raise SystemExit(f"{len(missing)} lines not in {path}: give --rasa-port to parse them")
        from bot.model import train
        from bot.run import rasa_server, start, stop_all
        from bot.settings import Settings

        settings = Settings(var_dir=Path(tempfile.mkdtemp()), rasa_port=rasa_port)
        processes = start(settings, [rasa_server(settings, train())])
        try:
            token = settings.resolved_rasa_token()
            with httpx.Client(base_url=settings.rasa_url, timeout=60) as client:
                for text in missing:
                    response = client.post(
                        "/model/parse", params={"token": token}, json={"text": text}
                    )
                    response.raise_for_status()
                    parse = response.json()
                    cache[text] = {
                        k: parse.get(k) for k in ("intent", "intent_ranking", "entities")
                    }
        finally:
            stop_all(processes)
        path.write_text(json.dumps(cache, ensure_ascii=False), encoding="utf-8")
    return cache


def load_all(path: Path, rasa_port: Optional[int]) -> List[Call]:
    """Every call of every set, its caller lines read as the desk reads them."""
    raw = [(name, call) for name in SETS for call in load_calls(name)]
    texts = [t for _, c in raw for t in c["lines"] if not t.startswith(AGENT_PREFIX)]
    parses = parses_for(texts, path, rasa_port)
    table = default_table()
    calls = []
    for name, spec in raw:
        city = spec.get("city") or None
        call = Call(
            name,
            spec["id"],
            spec["category"],
            spec["unit"],
            table.department(spec["unit"], city),
            city,
        )
        readings: List[subject.LineReading] = []
        masked: List[str] = []
        entities: Dict[str, str] = {}
        for text in (t for t in spec["lines"] if not t.startswith(AGENT_PREFIX)):
            parse = parses[text]
            reading = subject.read_evidence(text, intent_ranking(parse))
            units = table.evidence(normalize_text(text))
            call.lines.append(CallLine(text, mask_text(text, keep_references=True), reading, units))
            readings.append(reading)
            masked.append(call.lines[-1].masked)
            entities.update(extract_entities(parse))
        facts = call_facts(masked)
        entities.update(facts.entities())
        city = entities.get("city", "").removesuffix("市")
        call.city_found = city if in_liaoning(city) else None
        calls.append(call)
    return calls


def outcome(call: Call, model: Optional[SubjectModel]) -> Tuple[bool, bool, bool]:
    """Category, unit and department (with the city) right at the end of the call."""
    readings = [subject.with_fitted(line.reading, line.text, model) for line in call.lines]
    category = subject.subject(readings, opening=subject.opening_weight(model))
    route = default_table().dispatch(
        category, " ".join(line.masked for line in call.lines), call.city_found
    )
    return (
        category == call.category,
        route.best.unit == call.unit,
        route.department == call.department,
    )


def dense_names() -> Dict[str, List[str]]:
    return {
        "intents": [i for i in INTENT_LABELS if i not in subject.CONTROL_INTENTS],
        "categories": list(subject.categories()),
        "units": list(default_table().units),
        "kinds": list(get_args(subject.LineKind)),
    }


def fit(calls: Sequence[Call], c: float) -> SubjectModel:
    """The line model fitted on the calls' training lines."""
    examples = [(call.category, line) for call in calls for line in call.training_lines()]
    names = dense_names()
    vectorizer = TfidfVectorizer(analyzer=char_ngrams, min_df=MIN_DF)
    vectorizer.fit([line.text for _, line in examples])
    dense = np.array(
        [
            np.concatenate(
                [
                    one_hot(names["intents"], dict(line.reading.ranking)),
                    one_hot(names["categories"], dict(line.reading.lexical)),
                    one_hot(names["units"], line.units),
                    one_hot(names["kinds"], {line.reading.kind: 1.0}),
                ]
            )
            for _, line in examples
        ]
    )
    x = hstack(
        [
            vectorizer.transform([line.text for _, line in examples]),
            csr_matrix(dense),
        ]
    ).tocsr()
    labels = [category for category, _ in examples]
    classifier = LogisticRegression(C=c, max_iter=3000)
    classifier.fit(x, labels)
    vocabulary = {gram: int(i) for gram, i in vectorizer.vocabulary_.items()}
    return SubjectModel(
        {
            "features": list(FEATURES),
            "classes": [str(k) for k in classifier.classes_],
            "vocabulary": vocabulary,
            "idf": vectorizer.idf_.tolist(),
            **names,
            "weights": classifier.coef_.tolist(),
            "intercept": classifier.intercept_.tolist(),
            "c": c,
        }
    )


def folds_by_set(calls: Sequence[Call]) -> List[List[int]]:
    return [[i for i, call in enumerate(calls) if call.set == name] for name in SETS]


def folds_of_calls(calls: Sequence[Call]) -> List[List[int]]:
    order = np.random.default_rng(SEED).permutation(len(calls))
    return [sorted(int(i) for i in order[k::FOLDS]) for k in range(FOLDS)]


Outcomes = List[Tuple[bool, bool, bool]]


Mixing = Tuple[float, float]  # the fitted probabilities' share, the opening's weight


def cross_validated(
    calls: Sequence[Call], folds: List[List[int]], c: float, mixings: Sequence[Mixing]
) -> Dict[Mixing, Outcomes]:
    """Each call's outcome under a model fitted on the other folds, for each share of the
    fitted probabilities in a line's evidence and weight of the opening."""
    results: Dict[Mixing, List[Any]] = {mixing: [None] * len(calls) for mixing in mixings}
    for held in folds:
        kept = set(held)
        model = fit([call for i, call in enumerate(calls) if i not in kept], c)
        for mixing in mixings:
            model.share, model.opening = mixing
            for i in held:
                results[mixing][i] = outcome(calls[i], model)
    return results


def table(calls: Sequence[Call], columns: Dict[str, List[Tuple[bool, bool, bool]]]) -> str:
    """Per set and over all calls: category / unit / department accuracy of each column."""
    header = "| set | calls | " + " | ".join(
        f"{name} (category / unit / department)" for name in columns
    )
    rows = [header, "|---|---|" + "---|" * len(columns)]
    for name in [*SETS, "all"]:
        picked = [i for i, call in enumerate(calls) if name in ("all", call.set)]
        cells = []
        for results in columns.values():
            shares = [sum(results[i][k] for i in picked) / len(picked) for k in range(3)]
            cells.append(" / ".join(f"{s:.3f}" for s in shares))
        rows.append(f"| {name} | {len(picked)} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def mean_category(results: Sequence[Tuple[bool, bool, bool]]) -> float:
    return sum(r[0] for r in results) / len(results)


def check_runtime(model: SubjectModel, calls: Sequence[Call]) -> None:
    """The stored weights, read back, score as the fitted classifier did."""
    read = SubjectModel(json.loads(json.dumps(model.to_data())))
    for call in calls[:20]:
        for line in call.training_lines():
            a = subject.with_fitted(line.reading, line.text, model).fitted
            b = subject.with_fitted(line.reading, line.text, read).fitted
            if [k for k, _ in a] != [k for k, _ in b]:
                raise SystemExit("stored model scores differently from the fitted one")


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--parses", type=Path, default=PARSES)
    parser.add_argument("--rasa-port", type=int)
    parser.add_argument("--write", action="store_true", help="write subject_model.json")
    args = parser.parse_args(argv)
    calls = load_all(args.parses, args.rasa_port)
    lines = sum(len(call.training_lines()) for call in calls)
    print(f"calls: {len(calls)}, training lines: {lines}")
    desk = [outcome(call, None) for call in calls]
    five: Dict[Tuple[float, Mixing], Outcomes] = {}
    mixings = [(share, opening) for share in SHARES for opening in OPENINGS]
    for c in C_GRID:
        for mixing, results in cross_validated(calls, folds_of_calls(calls), c, mixings).items():
            five[(c, mixing)] = results
            print(
                f"C={c} share={mixing[0]} opening={mixing[1]}: "
                f"five-fold category {mean_category(results):.3f}"
            )
    best, mixing = max(five, key=lambda key: mean_category(five[key]))
    by_set = cross_validated(calls, folds_by_set(calls), best, [mixing])[mixing]
    print(f"\nchosen C={best}, share {mixing[0]}, opening {mixing[1]}\n")
    print(
        table(
            calls,
            {
                "hand-set": desk,
                "fitted, leave one set out": by_set,
                "fitted, five folds": five[(best, mixing)],
            },
        )
    )
    if args.write:
        model = fit(calls, best)
        model.share, model.opening = mixing
        check_runtime(model, calls)
        model.write(MODEL_FILE)
        print(f"\nwrote {MODEL_FILE} ({MODEL_FILE.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
