"""Trains the Rasa model only when its inputs changed; trained models are cached by content hash.

python -m bot.model train   # ensure models/<hash>.tar.gz exists, print its path
python -m bot.model path    # print the path the current inputs would produce
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Iterable, List

from core.paths import PROJECT_ROOT

MODELS_DIR = PROJECT_ROOT / "models"
# What the trained model depends on: the data, the NLU components with the core modules they
# import, and the Rasa environment's libraries.
INPUTS = (
    "config.yml",
    "domain.yml",
    "data",
    "bot/nlu",
    "core/text.py",
    "core/patterns.py",
    "core/formats.py",
    "core/clock.py",
    "requirements-rasa.lock",
)


def rasa_bin(name: str = "python") -> Path:
    """A program of the Rasa environment: RASA_VENV, else the project's .venv-rasa."""
    venv = os.environ.get("RASA_VENV") or str(PROJECT_ROOT / ".venv-rasa")
    return Path(venv) / "bin" / name


def cache_dir() -> Path:
    base = os.environ.get("BANSHI_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "banshi-assistant"
    )
    return Path(base) / "models"


def _files(inputs: Iterable[str], root: Path) -> List[Path]:
    files: List[Path] = []
    for name in inputs:
        path = root / name
        if path.is_dir():
            files += [p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
        elif path.exists():
            files.append(path)
    return sorted(files)


def fingerprint(
    inputs: Iterable[str] = INPUTS, root: Path = PROJECT_ROOT, config: str = "config.yml"
) -> str:
    """Hash of everything that changes what training produces."""
    digest = hashlib.sha256()
    for path in _files([*inputs, config], root):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def model_path(config: str = "config.yml") -> Path:
    prefix = "" if config == "config.yml" else Path(config).stem + "-"
    return MODELS_DIR / f"{prefix}{fingerprint(config=config)}.tar.gz"


def train(config: str = "config.yml", nlu_only: bool = False) -> Path:
    """Return the model for the current inputs, training it only if no copy exists.

    One training per model at a time: a second caller (`make run` beside a test run) waits for
    the first and reuses its model. The model appears under models/ only once complete.
    """
    target = model_path(config)
    if target.exists():
        return target
    MODELS_DIR.mkdir(exist_ok=True)
    with open(MODELS_DIR / f".{target.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not target.exists():
            _train_into(target, config, nlu_only)
    return target


def _train_into(target: Path, config: str, nlu_only: bool) -> None:
    cached = cache_dir() / target.name
    if cached.exists():
        shutil.copy2(cached, target)
        print(f"==> model unchanged since last training, reused {cached}", flush=True)
        return
    with tempfile.TemporaryDirectory(dir=MODELS_DIR, prefix=".training-") as out:
        command = [
            str(rasa_bin()),
            "-m",
            "rasa",
            "train",
            *(["nlu"] if nlu_only else []),
            "--config",
            config,
            "--out",
            out,
            "--fixed-model-name",
            target.name.removesuffix(".tar.gz"),
        ]
        print("==> training:", " ".join(command[2:]), flush=True)
        env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
        subprocess.run(command, cwd=PROJECT_ROOT, env=env, check=True)
        cached.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(Path(out) / target.name, cached)
        os.replace(Path(out) / target.name, target)


def main(argv: List[str]) -> int:
    action = argv[0] if argv else "train"
    config = argv[1] if len(argv) > 1 else "config.yml"
    if action == "path":
        print(model_path(config))
    elif action == "train":
        print(train(config))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
