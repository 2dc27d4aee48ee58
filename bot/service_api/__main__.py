"""`python -m bot.service_api serve|seed|openapi`."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Optional, Sequence
from urllib.parse import urlsplit

from bot.settings import PROJECT_ROOT, get_settings
from core.masking import install_log_masking

OPENAPI_PATH = PROJECT_ROOT / "docs" / "service_api.openapi.json"
DEFAULT_PORT = 8001


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run one sub-command; returns the process exit code."""
    parser = argparse.ArgumentParser(prog="python -m bot.service_api", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the API with uvicorn")
    serve.add_argument("--host", help="default: HOST setting (127.0.0.1)")
    serve.add_argument("--port", type=int, help="default: the port of SERVICE_API_URL (8001)")
    serve.add_argument("--seed", action="store_true", help="load the demo data first")
    commands.add_parser("seed", help="load the fictional demo halls and cases (idempotent)")
    openapi = commands.add_parser("openapi", help="write the OpenAPI contract")
    openapi.add_argument("--output", type=Path, default=OPENAPI_PATH)
    args = parser.parse_args(argv)

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    install_log_masking()
    if args.command == "serve":
        if args.seed:
            _seed()
        return _serve(args.host, args.port)
    if args.command == "seed":
        return _seed()
    return _write_openapi(args.output)


def _serve(host: Optional[str], port: Optional[int]) -> int:
    import uvicorn

    from .app import create_app

    settings = get_settings()
    port = port or urlsplit(settings.service_api_url).port or DEFAULT_PORT
    # access_log=False: uvicorn would log query strings, which may hold phone and ID numbers.
    uvicorn.run(create_app(settings), host=host or settings.host, port=port, access_log=False)
    return 0


def _seed() -> int:
    from .db import Database
    from .seed import seed_demo_data

    db = Database(get_settings().resolved_database_url())
    try:
        db.create_all()
        counts = seed_demo_data(db)
    finally:
        db.dispose()
    print("demo data:", ", ".join(f"{name} {count}" for name, count in counts.items()))
    return 0


def _write_openapi(output: Path) -> int:
    from .app import openapi_document

    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(openapi_document(), encoding="utf-8")
    print(f"wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
