"""`make shell`: the action server in the background and `rasa shell` in the foreground."""

from __future__ import annotations

import subprocess
import sys

from bot.model import rasa_bin, train
from bot.run import action_server, start, stop_all, write_endpoints
from bot.settings import PROJECT_ROOT, get_settings


def main() -> int:
    settings = get_settings()
    model = train()
    processes = start(settings, [action_server(settings)])
    try:
        command = [
            str(rasa_bin("rasa")),
            "shell",
            "-m",
            str(model),
            "--endpoints",
            str(write_endpoints(settings)),
        ]
        return subprocess.call(command, cwd=PROJECT_ROOT)
    finally:
        stop_all(processes)


if __name__ == "__main__":
    sys.exit(main())
