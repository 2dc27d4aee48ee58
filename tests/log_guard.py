"""A session-wide check that no log line carries a configured secret.

Every record logged in the test process (the gateway runs in it) passes through one handler on
the root logger, at DEBUG, and is compared with the secrets the fixtures configure: the WeChat
token, app secret and EncodingAESKey, the access tokens the stand-in platform issues, the hotline
HMAC secret, the Rasa token and the service API key. At the end of the session the log files of
the processes the tests started (under pytest's temporary directory) are read the same way.
A test during which a secret was logged fails in its teardown; a secret found later fails the
session.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, List, Set

if TYPE_CHECKING:
    from bot.settings import Settings

# Shorter values ("s", "t") are placeholders that would match ordinary words.
MIN_SECRET_LENGTH = 8
LOG_SUFFIXES = (".log", ".out")

_secrets: Set[str] = set()


def watch_secrets(*values: str) -> None:
    """Add values no log line may contain."""
    _secrets.update(v for v in values if v and len(v) >= MIN_SECRET_LENGTH)


def watch_settings(settings: Settings) -> None:
    """Add every secret a Settings object configures."""
    watch_secrets(
        settings.wechat_token,
        settings.wechat_app_secret,
        settings.wechat_aes_key,
        settings.hotline_secret,
        settings.resolved_hotline_caller_key(),
        settings.rasa_token,
        settings.service_api_key,
        settings.session_secret,
    )


@dataclass(frozen=True)
class Leak:
    where: str
    line: str

    def describe(self) -> str:
        return f"{self.where}: {redact(self.line)[:300]}"


def redact(text: str) -> str:
    for secret in _secrets:
        text = text.replace(secret, "<secret>")
    return text


def leaked(text: str) -> bool:
    return any(secret in text for secret in _secrets)


class SecretScanner(logging.Handler):
    """Records every log line that contains a watched secret."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.leaks: List[Leak] = []
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record)
        except Exception:  # a malformed record is logging's problem, not a leak
            return
        if leaked(line):
            self.leaks.append(Leak(record.name, line))

    def take(self) -> List[Leak]:
        found, self.leaks = self.leaks, []
        return found


def scan_files(root: Path) -> List[Leak]:
    """Leaks in the log files of the processes started under `root`."""
    found: List[Leak] = []
    for path in _log_files(root):
        with open(path, encoding="utf-8", errors="replace") as lines:
            found.extend(Leak(str(path), line) for line in lines if leaked(line))
    return found


def _log_files(root: Path) -> Iterable[Path]:
    if not root.exists():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in LOG_SUFFIXES)
