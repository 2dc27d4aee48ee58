"""NLU pipelines side by side: ours, the stock Rasa pipeline for Chinese, and variations.

    python -m bench.nlu_compare [--variants ours,stock,...] [--folds 3] [--table]
    python -m bench.nlu_compare --set test        # the locked half: ours and stock, report only

Every variant is trained NLU-only on the same `data/nlu` and judged on the development half of
the real questions (tests/nlu/real/dev.yml: accuracy with a fallback counted as a miss,
macro-F1, fallback rate), by k-fold cross-validation on the training data (`--folds`, 0 skips
it), on training time and on parse latency (p95 of the in-process parse a `/model/parse` call
runs, over the development questions). Each variant's row is saved under bench/out/nlu_compare/
keyed by the model's content hash, so a later run reuses it and `--table` prints every saved row
for the current data as the Markdown table of docs/nlu.md.

`--set test` parses the locked test half with ours and the stock pipeline; it is for reporting
a decision already made on the development half, never for making one.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

import yaml

from bot.model import cache_dir, model_path, train

PEER_CONFIG = "bench/peer_pipeline.yml"
OUT = Path("bench/out")
ROWS = OUT / "nlu_compare"

Pipeline = List[Dict[str, Any]]


def peer_config(epochs: int) -> str:
    """The stock pipeline with DIET trained for `epochs` epochs, as a config file path."""
    if epochs <= 0:
        return PEER_CONFIG
    text = Path(PEER_CONFIG).read_text(encoding="utf-8")
    text = re.sub(r"(- name: DIETClassifier\n\s+epochs:) \d+", rf"\1 {epochs}", text)
    path = OUT / f"peer_pipeline_diet{epochs}.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return str(path)


def _component(pipeline: Pipeline, name: str) -> Dict[str, Any]:
    return next(c for c in pipeline if c["name"] == name)


def _set_diet(**options: Any) -> Callable[[Pipeline], None]:
    def edit(pipeline: Pipeline) -> None:
        _component(pipeline, "DIETClassifier").update(options)

    return edit


def _char_wb(pipeline: Pipeline) -> None:
    chars = next(c for c in pipeline if c.get("analyzer") in ("char", "char_wb"))
    chars.update(analyzer="char_wb", min_ngram=1, max_ngram=4)


def _project_parts(pipeline: Pipeline) -> None:
    """The stock pipeline plus our normaliser, jieba dictionary and deterministic extractor."""
    pipeline.insert(0, {"name": "bot.nlu.normalizer.ChineseNormalizer"})
    _component(pipeline, "JiebaTokenizer")["dictionary_path"] = "data/jieba"
    at = pipeline.index(_component(pipeline, "EntitySynonymMapper")) + 1
    pipeline.insert(at, {"name": "bot.nlu.entities.DomainEntityExtractor"})
    pipeline.append({"name": "bot.nlu.guard.EmptyMessageGuard"})


@dataclass(frozen=True)
class Variant:
    key: str
    description: str
    base: str
    edits: tuple[Callable[[Pipeline], None], ...] = ()

    def config(self) -> str:
        """The variant's config file (config.yml itself for ours)."""
        if self.key == "ours":
            return "config.yml"
        if self.key == "stock":
            return peer_config(10)
        data = yaml.safe_load(Path(self.base).read_text(encoding="utf-8"))
        for edit in self.edits:
            edit(data["pipeline"])
        data["assistant_id"] = f"banshi-{self.key}"
        path = OUT / f"variant-{self.key}.yml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
        return str(path)


VARIANTS = {
    v.key: v
    for v in (
        Variant("ours", "config.yml as it stands", "config.yml"),
        Variant("stock", "stock: Jieba + Rasa defaults, DIET 10 epochs", PEER_CONFIG),
        Variant(
            "stock-plus",
            "stock + our normaliser, jieba dictionary, entity extractor",
            PEER_CONFIG,
            (_project_parts, _set_diet(epochs=10)),
        ),
        Variant(
            "stock-plus-30",
            "stock + our parts, DIET 30 epochs",
            PEER_CONFIG,
            (_project_parts, _set_diet(epochs=30)),
        ),
        Variant(
            "ours-0layers",
            "ours, no transformer layer, 50 epochs",
            "config.yml",
            (_set_diet(number_of_transformer_layers=0, epochs=50),),
        ),
        Variant(
            "ours-2layers",
            "ours, 2 transformer layers, 10 epochs",
            "config.yml",
            (_set_diet(number_of_transformer_layers=2, epochs=10),),
        ),
        Variant("ours-charwb", "ours, char_wb 1-4 n-grams", "config.yml", (_char_wb,)),
        Variant("ours-10ep", "ours, DIET 10 epochs", "config.yml", (_set_diet(epochs=10),)),
        Variant("ours-40ep", "ours, DIET 40 epochs", "config.yml", (_set_diet(epochs=40),)),
    )
}


def _training_seconds(model: Path, measured: Optional[float]) -> Optional[float]:
    """Seconds the model took to train, kept beside the cached model once measured."""
    record = cache_dir() / (model.name + ".train.json")
    if measured is not None:
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(json.dumps({"seconds": round(measured, 1)}), encoding="utf-8")
        return measured
    if record.exists():
        return float(json.loads(record.read_text(encoding="utf-8"))["seconds"])
    return None


def trained(variant: Variant) -> tuple[Path, Optional[float]]:
    """The variant's NLU model (trained unless cached) and its training time in seconds."""
    config = variant.config()
    target = model_path(config)
    fresh = not (target.exists() or (cache_dir() / target.name).exists())
    t0 = time.perf_counter()
    model = train(config, nlu_only=config != "config.yml")
    return model, _training_seconds(model, time.perf_counter() - t0 if fresh else None)


def measure(variant: Variant, folds: int) -> Dict[str, Any]:
    """Train (or reuse) one variant and compute its row."""
    from bench.common import percentiles
    from bench.nlu_real import evaluate, load_questions, quiet, strict_figures
    from bot.review.crossval import cross_validate

    model, seconds = trained(variant)
    quiet()
    examples = load_questions("dev")
    result = evaluate(variant.key, model, True, examples, timed=True)
    row: Dict[str, Any] = {
        "variant": variant.key,
        "description": variant.description,
        "model": model.name,
        "train_seconds": seconds,
        "dev": result.figures(),
        "parse_ms": percentiles(result.parse_ms),
    }
    if folds >= 2:
        config = Path(variant.config())
        cv = cross_validate(folds, config=config)
        quiet()
        row["cv"] = {"folds": folds, **strict_figures(cv.predictions)}
    return row


def _row_file(variant: Variant) -> Path:
    return ROWS / (model_path(variant.config()).name.removesuffix(".tar.gz") + ".json")


def saved_row(variant: Variant, folds: int) -> Optional[Dict[str, Any]]:
    path = _row_file(variant)
    if not path.exists():
        return None
    row: Dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if folds >= 2 and row.get("cv", {}).get("folds") != folds:
        return None
    return row


def table(rows: List[Dict[str, Any]]) -> str:
    lines = [
        "| pipeline | dev accuracy | dev macro-F1 | dev fallback | CV accuracy | CV macro-F1 "
        "| CV fallback | training | parse p95 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        dev, cv = row["dev"], row.get("cv")
        cv_cells = (
            f"{cv['accuracy']:.3f} | {cv['macro_f1']:.3f} | {cv['fallback_rate']:.3f}"
            if cv
            else "– | – | –"
        )
        seconds = row.get("train_seconds")
        train_cell = f"{seconds / 60:.1f} min" if seconds else "–"
        lines.append(
            f"| {row['description']} | {dev['accuracy']:.3f} | {dev['macro_f1']:.3f} "
            f"| {dev['fallback_rate']:.3f} | {cv_cells} | {train_cell} "
            f"| {row['parse_ms']['p95']:.0f} ms |"
        )
    return "\n".join(lines)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--variants", default="ours,stock", help=",".join(VARIANTS))
    parser.add_argument("--folds", type=int, default=0, help="k-fold CV on data/nlu; 0 skips")
    parser.add_argument("--table", action="store_true", help="print every saved row")
    parser.add_argument("--set", choices=("dev", "test"), default="dev", dest="which_set")
    args = parser.parse_args(argv)
    if args.which_set == "test":
        from bench.nlu_real import main as real_main

        return real_main(["--set", "test"])
    chosen = list(VARIANTS) if args.table else args.variants.split(",")
    unknown = [key for key in chosen if key not in VARIANTS]
    if unknown:
        parser.error(f"unknown variant(s) {', '.join(unknown)}; known: {', '.join(VARIANTS)}")
    rows = []
    for key in chosen:
        variant = VARIANTS[key]
        row = saved_row(variant, args.folds)
        if row is None and not args.table and len(chosen) > 1:
            # Each variant in a process of its own: JiebaTokenizer loads its dictionary into
            # jieba's one global tokenizer, so a variant measured after ours in the same process
            # would tokenize with our dictionary (the stock pipeline scored higher that way).
            command = [sys.executable, "-m", "bench.nlu_compare", "--variants", key]
            subprocess.run([*command, "--folds", str(args.folds)], check=True)
            row = saved_row(variant, args.folds)
        elif row is None and not args.table:
            row = measure(variant, args.folds)
            ROWS.mkdir(parents=True, exist_ok=True)
            _row_file(variant).write_text(json.dumps(row, ensure_ascii=False, indent=2), "utf-8")
        if row is not None:
            rows.append(row)
    print(table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
