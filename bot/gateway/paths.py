"""Where the gateway's pages live (plain HTML/JS, no build step).

static/ is public (the web chat, the login page, the shared stylesheet); pages/ holds the
staff pages and their scripts, served only to a logged-in person with the right role.
"""

from pathlib import Path

STATIC_DIR = Path(__file__).resolve().parent / "static"
PAGES_DIR = Path(__file__).resolve().parent / "pages"
