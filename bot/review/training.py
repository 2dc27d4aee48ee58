"""Retraining from the trainer page: one training at a time in the background, with progress,
then the new model measured against the one the Rasa servers serve.

Training is `python -m bot.model train` in the Rasa environment, so the model lands in
models/ under its content hash and is reused when the data did not change (bot/model.py).
Both models are measured by the benches that report the figures: NLU on the locked real half
of tests/nlu/real (bench/nlu_real.py), and through an assistant of the model's own on loopback
ports (bench/model_figures.py) the knowledge evaluation with the model's intents, the reported
legal set's replies and the reported multi-turn dialogues. A model's figures are kept per model
file name, so the active model is measured once.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import subprocess
import sys
import tempfile
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence

from bot.model import rasa_bin
from core.paths import PROJECT_ROOT

logger = logging.getLogger(__name__)

# The reported figures a model is compared on, with their Chinese names.
FIGURES: Dict[str, str] = {
    "nlu_accuracy": "NLU 准确率(锁定的真实问题集)",
    "nlu_macro_f1": "NLU 宏平均 F1(锁定的真实问题集)",
    "knowledge_hit1": "知识库首条命中率(评测问题集,按模型识别的意图)",
    "legal_right": "法律问题答复引用正确条文的比例(报告集)",
    "multiturn_turns": "多轮对话逐轮通过率(报告集)",
}
# A figure "drops beyond its noise" when it falls by more than this many standard errors of a
# proportion over the questions measured (sqrt(p(1-p)/n)): two, as for a 95 % interval.
NOISE_STANDARD_ERRORS = 2.0
_EPOCHS = re.compile(r"Epochs:\s+(\d+)%")
_MODEL_LINE = re.compile(r"(\S+\.tar\.gz)\s*$")

Command = Callable[[], List[str]]
Measure = Callable[[Path], Dict[str, float]]


class TrainingBusy(RuntimeError):
    """A training is already running."""


@dataclass
class Drop:
    figure: str
    label: str
    before: float
    after: float
    noise: float

    def message(self) -> str:
        return (
            f"{self.label}从 {self.before:.3f} 降到 {self.after:.3f},"
            f"降幅 {self.before - self.after:.3f} 超出噪声 {self.noise:.3f}"
        )


def noise(value: float, questions: float) -> float:
    """Two standard errors of a proportion `value` measured on `questions` items."""
    p = min(max(value, 0.0), 1.0)
    return NOISE_STANDARD_ERRORS * math.sqrt(p * (1 - p) / max(questions, 1.0))


def drops(before: Dict[str, float], after: Dict[str, float]) -> List[Drop]:
    """The reported figures the new model lowers beyond their noise."""
    found = []
    for name, label in FIGURES.items():
        if name not in before or name not in after:
            continue
        allowed = noise(before[name], before.get(f"{name}_n", before.get("questions", 0)))
        if before[name] - after[name] > allowed:
            found.append(Drop(name, label, before[name], after[name], allowed))
    return found


@dataclass
class TrainingRun:
    """One training started from the page, as the page shows it."""

    id: str
    actor: str
    started_at: datetime
    active: str  # the model served when it started
    state: str = "training"  # training | measuring | done | failed
    progress: float = 0.0
    stage: str = "准备训练"
    model: str = ""
    before: Dict[str, float] = field(default_factory=dict)
    after: Dict[str, float] = field(default_factory=dict)
    drops: List[Drop] = field(default_factory=list)
    error: str = ""
    finished_at: Optional[datetime] = None

    def as_dict(self) -> Dict[str, Any]:
        return {
            **{k: v for k, v in self.__dict__.items() if k != "drops"},
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "figures": FIGURES,
            "drops": [{**d.__dict__, "message": d.message()} for d in self.drops],
        }


def train_command(config: str = "config.yml", data: Optional[Path] = None) -> List[str]:
    """`python -m bot.model train`, on `data` when it is not the project's data/ directory."""
    command = [str(rasa_bin("python")), "-m", "bot.model", "train", config]
    if data is not None and data.resolve() != (PROJECT_ROOT / "data").resolve():
        command += ["--data", str(data)]
    return command


def measure_nlu(model: Path) -> Dict[str, float]:
    """NLU accuracy and macro-F1 of `model` on the locked real half (bench/nlu_real.py)."""
    with tempfile.TemporaryDirectory(prefix="banshi-figures-") as work:
        out = Path(work) / "figures.json"
        command = [str(rasa_bin("python")), "-m", "bench.nlu_real", "--set", "test"]
        command += ["--which", "ours", "--model", str(model), "--json", str(out)]
        _bench(command)
        figures = json.loads(out.read_text(encoding="utf-8"))["results"][0]["figures"]
    return {
        "nlu_accuracy": float(figures["accuracy"]),
        "nlu_macro_f1": float(figures["macro_f1"]),
        "questions": float(figures["questions"]),
    }


def measure_in_assistant(model: Path) -> Dict[str, float]:
    """Knowledge, legal and multi-turn figures of `model` (bench/model_figures.py)."""
    with tempfile.TemporaryDirectory(prefix="banshi-figures-") as work:
        out = Path(work) / "figures.json"
        command = [sys.executable, "-m", "bench.model_figures", "--model", str(model)]
        command += ["--json", str(out)]
        _bench(command)
        return {k: float(v) for k, v in json.loads(out.read_text(encoding="utf-8")).items()}


def measure_model(model: Path) -> Dict[str, float]:
    """Every reported figure of `model`."""
    return {**measure_nlu(model), **measure_in_assistant(model)}


def _bench(command: List[str]) -> None:
    """Run a bench; a failure says what the bench printed last, for the page."""
    done = subprocess.run(command, cwd=PROJECT_ROOT, env=_env(), capture_output=True, text=True)
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise RuntimeError(f"评测失败({command[2]}):" + " / ".join(tail))


def _env() -> Dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}


class Trainer:
    """The page's training runs, one at a time; the latest stays readable after it ends."""

    def __init__(
        self,
        models_dir: Path,
        figures_dir: Path,
        command: Command = train_command,
        measure: Measure = measure_model,
        on_finish: Optional[Callable[[TrainingRun], None]] = None,
    ) -> None:
        self.models_dir = models_dir
        self.figures_dir = figures_dir
        self.command = command
        self.measure = measure
        self.on_finish = on_finish
        self._lock = threading.Lock()
        self._thread: Optional[threading.Thread] = None
        self.latest: Optional[TrainingRun] = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, actor: str, active: str) -> TrainingRun:
        """Start a training in the background; TrainingBusy while one runs."""
        with self._lock:
            if self.running:
                raise TrainingBusy()
            run = TrainingRun(uuid.uuid4().hex[:12], actor, datetime.now(timezone.utc), active)
            self.latest = run
            self._thread = threading.Thread(target=self._run, args=(run,), daemon=True)
            self._thread.start()
        return run

    def wait(self, timeout: Optional[float] = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self, run: TrainingRun) -> None:
        try:
            run.model = self._train(run)
            run.state, run.stage, run.progress = "measuring", "在报告集上评测新旧模型", 0.85
            if run.active:
                run.before = self._figures(run.active)
            run.after = self._figures(run.model)
            run.drops = drops(run.before, run.after) if run.before else []
            run.state, run.stage, run.progress = "done", "完成", 1.0
        except Exception as error:  # a failed training must be shown, never kill the gateway
            logger.exception("review.training_failed run=%s", run.id)
            run.state, run.stage = "failed", "失败"
            run.error = str(error)[-500:] or type(error).__name__
        run.finished_at = datetime.now(timezone.utc)
        if self.on_finish is not None:
            self.on_finish(run)

    def _train(self, run: TrainingRun) -> str:
        run.stage = "训练模型"
        process = subprocess.Popen(
            self.command(),
            cwd=PROJECT_ROOT,
            env=_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        assert process.stdout is not None
        tail: List[str] = []
        buffered = b""
        while chunk := os.read(process.stdout.fileno(), 4096):
            buffered += chunk
            *lines, buffered = re.split(rb"[\r\n]", buffered)
            for line in (raw.decode("utf-8", "replace").strip() for raw in lines):
                if line:
                    self._progress(run, line)
                    tail = [*tail[-20:], line]
            if buffered:  # tqdm rewrites its line with "\r": the newest state is unterminated
                self._progress(run, buffered.decode("utf-8", "replace"))
        if buffered.strip():
            tail.append(buffered.decode("utf-8", "replace").strip())
        if process.wait() != 0:
            raise RuntimeError("训练失败:" + " / ".join(tail[-3:]))
        model = next((m.group(1) for line in reversed(tail) if (m := _MODEL_LINE.search(line))), "")
        path = Path(model)
        if not model or path.resolve().parent != self.models_dir.resolve():
            raise RuntimeError(f"训练没有在模型目录中产生模型:{model or '(无)'}")
        return path.name

    @staticmethod
    def _progress(run: TrainingRun, line: str) -> None:
        epochs = _EPOCHS.search(line)
        if epochs:
            run.progress = 0.05 + 0.75 * int(epochs.group(1)) / 100
            run.stage = f"训练模型(轮次 {epochs.group(1)}%)"
        elif "model unchanged" in line:
            run.progress, run.stage = 0.8, "数据未变,沿用已训练的模型"

    def _figures(self, name: str) -> Dict[str, float]:
        """A model's figures, measured once per model file."""
        cached = self.figures_dir / f"{name}.json"
        if cached.exists():
            return dict(json.loads(cached.read_text(encoding="utf-8")))
        figures = self.measure(self.models_dir / name)
        self.figures_dir.mkdir(parents=True, exist_ok=True)
        cached.write_text(json.dumps(figures), encoding="utf-8")
        return figures


def confirmation_needed(
    run: Optional[TrainingRun], model: str, confirmed: Sequence[str]
) -> List[Drop]:
    """The drops of `model` (as the latest training measured it) not yet confirmed by name."""
    if run is None or run.model != model:
        return []
    return [d for d in run.drops if d.figure not in confirmed]
