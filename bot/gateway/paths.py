"""Where the gateway's pages live (plain HTML/JS, no build step)."""

from pathlib import Path

STATIC_DIR = Path(__file__).resolve().parent / "static"
