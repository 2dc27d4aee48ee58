"""Trains the Rasa model only when its inputs changed; trained models are cached by content hash.

python -m bot.model train   # ensure models/<hash>.tar.gz exists, print its path
python -m bot.model path    # print the path the current inputs would produce
python -m bot.model train CONFIG --data DIR   # another config, training data from DIR
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
from typing import Iterable, List, Optional

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


def _named(path: Path, root: Path, data: Optional[Path]) -> str:
    """How a file counts in the hash: relative to the project, or to its data directory."""
    if data is not None and path.is_relative_to(data):
        return str(Path("data") / path.relative_to(data))
    return str(path.relative_to(root)) if path.is_relative_to(root) else path.name


def fingerprint(
    inputs: Iterable[str] = INPUTS,
    root: Path = PROJECT_ROOT,
    config: str = "config.yml",
    data: Optional[Path] = None,
) -> str:
    """Hash of everything that changes what training produces; `data` replaces data/ (a copy
    the trainer page's tests write into)."""
    digest = hashlib.sha256()
    names = [n for n in inputs if data is None or n != "data"]
    files = _files([*names, config], root) + (_files(["."], data) if data is not None else [])
    # Path order as always for the project's own data, so existing fingerprints stay valid.
    ordered = sorted(files) if data is None else sorted(files, key=lambda p: _named(p, root, data))
    for path in ordered:
        digest.update(_named(path, root, data).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def model_path(config: str = "config.yml", data: Optional[Path] = None) -> Path:
    prefix = "" if config == "config.yml" else Path(config).stem + "-"
    return MODELS_DIR / f"{prefix}{fingerprint(config=config, data=data)}.tar.gz"


def train(config: str = "config.yml", nlu_only: bool = False, data: Optional[Path] = None) -> Path:
    """Return the model for the current inputs, training it only if no copy exists.

    One training per model at a time: a second caller (`make run` beside a test run) waits for
    the first and reuses its model. The model appears under models/ only once complete.
    """
    target = model_path(config, data)
    if target.exists():
        return target
    MODELS_DIR.mkdir(exist_ok=True)
    with open(MODELS_DIR / f".{target.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not target.exists():
            _train_into(target, config, nlu_only, data)
    return target


def _train_into(target: Path, config: str, nlu_only: bool, data: Optional[Path] = None) -> None:
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
            *(["--data", str(data)] if data is not None else []),
        ]
        print("==> training:", " ".join(command[2:]), flush=True)
        env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
        subprocess.run(command, cwd=PROJECT_ROOT, env=env, check=True)
        cached.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(Path(out) / target.name, cached)
        os.replace(Path(out) / target.name, target)


def main(argv: List[str]) -> int:
    data: Optional[Path] = None
    if "--data" in argv:
        at = argv.index("--data")
        data, argv = Path(argv[at + 1]).resolve(), argv[:at] + argv[at + 2 :]
    action = argv[0] if argv else "train"
    config = argv[1] if len(argv) > 1 else "config.yml"
    if action == "path":
        print(model_path(config, data))
    elif action == "train":
        print(train(config, data=data))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
