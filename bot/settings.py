"""Configuration read once from the environment (pydantic v1: Rasa 3.6 pins pydantic<1.10.10)."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path

from pydantic import BaseSettings, Field

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _runtime_secret(name: str) -> str:
    """Return a secret stored under var/, generating it on first use so nothing is hard-coded."""
    path = PROJECT_ROOT / "var" / name
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(32)
    path.write_text(value)
    path.chmod(0o600)
    return value


class Settings(BaseSettings):
    """Every setting the processes read; names map to upper-case environment variables."""

    host: str = "127.0.0.1"
    var_dir: Path = PROJECT_ROOT / "var"

    rasa_port: int = 5005
    rasa_token: str = ""
    action_port: int = 5055

    service_api_url: str = "http://127.0.0.1:8001"
    service_api_key: str = ""
    database_url: str = ""
    service_api_booking_days: int = Field(
        default=30, description="how many days ahead a slot may be booked"
    )

    redis_url: str = ""

    http_connect_timeout: float = Field(default=2.0, description="seconds to open a connection")
    http_read_timeout: float = Field(default=5.0, description="seconds to wait for a response")
    http_retries: int = 2

    class Config:
        env_file = None

    @property
    def rasa_url(self) -> str:
        return f"http://{self.host}:{self.rasa_port}"

    @property
    def action_url(self) -> str:
        return f"http://{self.host}:{self.action_port}/webhook"

    def resolved_rasa_token(self) -> str:
        return self.rasa_token or _runtime_secret("rasa_token")

    def resolved_service_api_key(self) -> str:
        return self.service_api_key or _runtime_secret("service_api_key")

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        self.var_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{self.var_dir / 'service_api.db'}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read from the environment on first call."""
    return Settings()
