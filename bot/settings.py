"""Configuration read once from the environment into one pydantic-settings object."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from typing import List

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from core.paths import PROJECT_ROOT


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

    environment: str = Field(
        default="development",
        description="development | production; the Rasa REST channel exists only in development",
    )

    rasa_host: str = Field(
        default="127.0.0.1",
        description="interface Rasa listens on: loopback, or the cluster network in Kubernetes",
    )
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
    tracker_expiry_seconds: int = Field(
        default=7 * 24 * 3600, description="Redis mode: how long an idle conversation is kept"
    )

    http_connect_timeout: float = Field(default=2.0, description="seconds to open a connection")
    http_read_timeout: float = Field(default=5.0, description="seconds to wait for a response")
    http_retries: int = 2

    # Gateway (bot/gateway): the connectors' HTTP entry point, see docs/connectors.md.
    gateway_port: int = 8000
    rasa_replicas: str = Field(
        default="",
        validation_alias=AliasChoices("RASA_URLS", "RASA_REPLICAS", "rasa_replicas"),
        description="comma-separated Rasa base URLs; empty means RASA_PORT on HOST",
    )
    gateway_rasa_timeout: float = Field(
        default=30.0, description="seconds to wait for Rasa to finish one conversation turn"
    )
    rasa_lock_lifetime: int = Field(
        default=20, description="seconds a Rasa conversation lock lasts; above any normal turn"
    )
    rasa_down_seconds: float = Field(
        default=10.0, description="seconds a failed Rasa replica is skipped before a new try"
    )
    rasa_resend_delay: float = Field(
        default=5.0,
        description="seconds before a turn cut off by a dying replica is sent to the next one",
    )
    action_urls: str = Field(
        default="", description="comma-separated action server base URLs for /healthz"
    )
    rate_limit_user: int = Field(
        default=20, description="messages one user may send per window; 0 disables"
    )
    rate_limit_ip: int = Field(
        default=120, description="web chat requests one IP address may send per window; 0 disables"
    )
    rate_limit_window: int = Field(default=60, description="seconds of one rate-limit window")
    web_message_max_chars: int = Field(
        default=2000, description="longest web chat message, in characters"
    )

    # WeChat official account (connectors/wechat); the webhook answers 503 until a token is set.
    wechat_token: str = ""
    wechat_app_id: str = ""
    wechat_app_secret: str = ""
    wechat_aes_key: str = Field(default="", description="EncodingAESKey, 43 characters")
    wechat_api_base: str = "https://api.weixin.qq.com"
    wechat_timestamp_window: int = Field(
        default=300, description="seconds a signed request stays valid (replay protection)"
    )
    wechat_reply_budget: float = Field(
        default=4.5, description="seconds to wait for Rasa before replying through the API"
    )
    wechat_dedupe_ttl: int = Field(default=600, description="seconds a MsgId is remembered")

    # 12345 hotline agent assist (connectors/hotline).
    hotline_secret: str = ""
    hotline_timestamp_window: int = 300
    hotline_call_ttl: int = Field(default=4 * 3600, description="seconds a call's state is kept")
    hotline_caller_key: str = Field(
        default="", description="HMAC key under which caller numbers are remembered (hashed)"
    )
    hotline_repeat_window: int = Field(
        default=30 * 86400, description="seconds a caller's earlier work orders are shown"
    )
    feedback_database_url: str = ""

    # Trainers' review inbox (bot/review) and its /trainer page in the gateway.
    review_confidence_threshold: float = Field(
        default=0.6, description="user messages below this intent confidence go to review"
    )
    review_nlu_dir: Path = PROJECT_ROOT / "data" / "nlu"
    review_knowledge_dir: Path = PROJECT_ROOT / "knowledge" / "content"
    # Follow-ups become development dialogue cases in a file of their own beside dev.yml,
    # played by the multi-turn runner once a developer has added what the answer must contain.
    review_dialogue_file: Path = Field(
        default=PROJECT_ROOT / "tests" / "dialogue" / "multiturn" / "review.yml",
        description="development dialogue cases written for follow-ups marked on /trainer",
    )

    review_training_config: str = Field(
        default="config.yml",
        description="the Rasa config a training started on /trainer uses (relative to the project)",
    )

    # Retention of personal data (bot/retention.py, docs/privacy.md).
    retention_days: int = Field(
        default=180,
        ge=1,
        description="days conversations, agents' feedback and review items are kept",
    )

    # Development and tests: a file that sets every process's clock (core/clock.py).
    banshi_clock_file: str = Field(
        default="", description="development only: file with the time the clock should read"
    )

    # Keyword arguments (tests, the cluster runner) use the field names.
    model_config = SettingsConfigDict(env_file=None, populate_by_name=True)

    @model_validator(mode="after")
    def _no_clock_file_in_production(self) -> Settings:
        if self.banshi_clock_file and self.environment == "production":
            raise ValueError("BANSHI_CLOCK_FILE moves the clock and is refused in production")
        return self

    @property
    def development(self) -> bool:
        return self.environment == "development"

    @property
    def rasa_url(self) -> str:
        return f"http://{self.rasa_host}:{self.rasa_port}"

    @property
    def action_url(self) -> str:
        return f"http://{self.host}:{self.action_port}/webhook"

    def resolved_rasa_token(self) -> str:
        return self.rasa_token or _runtime_secret("rasa_token")

    def resolved_service_api_key(self) -> str:
        return self.service_api_key or _runtime_secret("service_api_key")

    @property
    def gateway_url(self) -> str:
        return f"http://{self.host}:{self.gateway_port}"

    def rasa_urls(self) -> List[str]:
        """The Rasa replicas the gateway routes conversations to."""
        urls = [u.strip().rstrip("/") for u in self.rasa_replicas.split(",") if u.strip()]
        return urls or [self.rasa_url]

    def action_health_urls(self) -> List[str]:
        """Health URLs of the action servers (one per Rasa replica in a cluster)."""
        urls = [u.strip().rstrip("/") for u in self.action_urls.split(",") if u.strip()]
        bases = urls or [self.action_url.removesuffix("/webhook")]
        return [f"{base}/health" for base in bases]

    def resolved_hotline_secret(self) -> str:
        return self.hotline_secret or _runtime_secret("hotline_secret")

    def resolved_hotline_caller_key(self) -> str:
        return self.hotline_caller_key or _runtime_secret("hotline_caller_key")

    def resolved_feedback_database_url(self) -> str:
        if self.feedback_database_url:
            return self.feedback_database_url
        self.var_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{self.var_dir / 'feedback.db'}"

    @property
    def review_database_path(self) -> Path:
        return self.var_dir / "review.db"

    @property
    def tracker_database_path(self) -> Path:
        """Where Rasa's SQL tracker store lives (bot.run writes it into endpoints.yml)."""
        return self.var_dir / "rasa_tracker.db"

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        self.var_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{self.var_dir / 'service_api.db'}"

    # Limits of the gateway's inputs and of its shared store (docs/connectors.md, Limits).
    redis_connect_timeout: float = Field(
        default=1.0, description="seconds to open a Redis connection before answering 503"
    )
    redis_socket_timeout: float = Field(
        default=1.0, description="seconds one Redis command may take before answering 503"
    )
    gateway_max_body_bytes: int = Field(
        default=1024 * 1024, description="largest request body any gateway route reads (413)"
    )
    agent_feed_max_subscribers: int = Field(
        default=50, description="open agent-desk event streams per gateway process (503 beyond)"
    )

    # Staff logins, the web chat's session and client addresses (docs/security.md).
    cookie_secure: bool = Field(
        default=True, description="Secure flag on cookies; off only for plain-http development"
    )
    staff_session_ttl: int = Field(default=8 * 3600, description="seconds a staff login lasts")
    sso_header: str = Field(
        default="", description="header the hotline's proxy names the logged-in person in"
    )
    sso_proxies: str = Field(
        default="", description="comma-separated addresses or CIDRs allowed to send SSO_HEADER"
    )
    trusted_proxies: str = Field(
        default="", description="comma-separated addresses or CIDRs whose X-Forwarded-For counts"
    )
    session_secret: str = ""

    @property
    def secure_cookies(self) -> bool:
        """Production always sets Secure: the switch exists for plain-http development only."""
        return self.cookie_secure or not self.development

    def resolved_session_secret(self) -> str:
        return self.session_secret or _runtime_secret("session_secret")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read from the environment on first call."""
    return Settings()
