"""Starts the Rasa server (Rasa environment) with the model-changing endpoints switched off.

python -m bot.rasa_server run --enable-api --auth-token=… -m models/<fingerprint>.tar.gz …

The arguments are those of `rasa run`. Two things are added: the model must be one this
project trained (a `<fingerprint>.tar.gz` under the models directory, see bot.model), and
the HTTP API refuses to unload or train a model and loads (`PUT /model`) only another model
of the project's models directory, so even a caller holding the token cannot make the server
answer with a model from anywhere else.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path
from typing import Any, List, Optional

from core.paths import PROJECT_ROOT

MODEL_NAME = re.compile(r"^(?:[a-z0-9_]+-)?[0-9a-f]{16}\.tar\.gz$")
# (method, path) of the API calls that would drop or train a model.
REFUSED = frozenset({("DELETE", "/model"), ("POST", "/model/train")})
LOAD = ("PUT", "/model")


def command(python: str, model: Path, host: str, port: int, token: str, *rest: str) -> List[str]:
    """The command line that starts this launcher with the HTTP API on `host`:`port`."""
    return [
        python,
        "-m",
        "bot.rasa_server",
        "run",
        "--enable-api",
        # "=" form: a generated token may begin with "-", which argparse would take for an option.
        f"--auth-token={token}",
        "-i",
        host,
        "-p",
        str(port),
        "-m",
        str(model),
        *rest,
    ]


def models_dir() -> Path:
    return Path(os.environ.get("RASA_MODELS_DIR") or PROJECT_ROOT / "models").resolve()


def newest_model() -> Optional[Path]:
    """The newest trained model in the models directory (an image holds exactly one)."""
    models = [p for p in models_dir().glob("*.tar.gz") if MODEL_NAME.match(p.name)]
    return max(models, key=lambda p: p.stat().st_mtime, default=None)


def project_model(path: str) -> Optional[str]:
    """Why `path` is not a model the project trained, or None when it is one."""
    model = Path(path).resolve()
    if model.parent != models_dir():
        return f"{path}: a model must be a file in {models_dir()}"
    if not MODEL_NAME.match(model.name):
        return f"{path}: not a trained model's name (<fingerprint>.tar.gz)"
    if not model.is_file():
        return f"{path}: no such model"
    return None


def load_refusal(body: Any) -> Optional[str]:
    """Why a `PUT /model` body may not be loaded, or None: only {"model_file": <a model of the
    models directory>}, never a model server or remote storage."""
    if not isinstance(body, dict) or set(body) != {"model_file"}:
        return 'only {"model_file": <a model of the project\'s models directory>} is loaded'
    return project_model(str(body["model_file"]))


async def refuse_model_changes(request: Any) -> Any:
    """Sanic request middleware: 403 for the endpoints that would drop or train a model, and
    for loading any model but one of the project's models directory."""
    call = (request.method, request.path.rstrip("/"))
    problem: Optional[str] = None
    if call in REFUSED:
        problem = "This server serves the project's trained models only."
    elif call == LOAD:
        try:
            body = request.json
        except Exception:  # sanic raises its own InvalidUsage for a body that is not JSON
            body = None
        problem = load_refusal(body)
    if problem is None:
        return None
    from sanic import response

    return response.json(
        {
            "version": "",
            "status": "failure",
            "message": problem,
            "reason": "ModelChangeRefused",
            "code": 403,
        },
        status=403,
    )


def _install_guard() -> None:
    import rasa.core.run

    configure_app = rasa.core.run.configure_app

    def guarded(*args: Any, **kwargs: Any) -> Any:
        app = configure_app(*args, **kwargs)
        app.register_middleware(refuse_model_changes, "request")
        return app

    rasa.core.run.configure_app = guarded


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("command")
    parser.add_argument("-m", "--model", required=True)
    known, _ = parser.parse_known_args(argv)
    if known.command != "run":
        print("only `run` is served here", file=sys.stderr)
        return 2
    if Path(known.model).resolve() == models_dir():
        newest = newest_model()
        if newest is None:
            print(f"no trained model in {models_dir()}", file=sys.stderr)
            return 2
        # Rasa would pick a file of the directory itself; naming it keeps the check below true.
        argv = [str(newest) if arg == known.model else arg for arg in argv]
        known.model = str(newest)
    problem = project_model(known.model)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    _install_guard()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *argv]
    rasa_main()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
