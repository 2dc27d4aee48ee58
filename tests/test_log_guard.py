"""The session-wide check of tests/log_guard.py catches a secret in any log line or log file."""

from __future__ import annotations

import logging
from pathlib import Path

from tests.conftest import SCANNER
from tests.log_guard import scan_files, watch_secrets

SECRET = "guard-self-test-secret-value"


def test_a_logged_secret_is_caught_wherever_it_is_logged(tmp_path: Path) -> None:
    watch_secrets(SECRET)
    logging.getLogger("connectors.wechat.api").debug("GET /cgi-bin/token?secret=%s", SECRET)
    logging.getLogger("bot.gateway").info("nothing secret here")
    caught = SCANNER.take()  # taken, so this test's own line does not fail it
    assert [leak.where for leak in caught] == ["connectors.wechat.api"]
    assert SECRET not in caught[0].describe() and "<secret>" in caught[0].describe()

    (tmp_path / "rasa.log").write_text(f"ok\nfailed: https://x/?access_token={SECRET}\n")
    (tmp_path / "notes.txt").write_text(SECRET)  # not a log file
    assert [leak.where for leak in scan_files(tmp_path)] == [str(tmp_path / "rasa.log")]
    (tmp_path / "rasa.log").unlink()
