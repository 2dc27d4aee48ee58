"""Starts the whole assistant on one machine, waits until every part answers, stops all on Ctrl-C.

python -m bot.run
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional
from urllib.parse import urlsplit

import httpx
import yaml

from bot.model import rasa_bin, train
from bot.rasa_server import command as rasa_command
from bot.settings import PROJECT_ROOT, Settings, get_settings
from connectors.http_logs import hide_query_strings
from core.clock import CLOCK_FILE_ENV

BIN = Path(sys.executable).parent


@dataclass
class Service:
    name: str
    command: List[str]
    health_url: str
    env: Dict[str, str]


def redis_endpoint(redis_url: str, key_prefix: str) -> Dict[str, object]:
    """Rasa's Redis store settings (host, port, db, password) from one redis:// URL."""
    parts = urlsplit(redis_url)
    config: Dict[str, object] = {
        "type": "redis",
        "url": parts.hostname or "127.0.0.1",
        "port": parts.port or 6379,
        "db": int(parts.path.strip("/") or 0),
        "key_prefix": key_prefix,
        "use_ssl": parts.scheme == "rediss",
    }
    if parts.password:
        config["password"] = parts.password
    return config


def write_endpoints(settings: Settings) -> Path:
    """Rasa's endpoints for these settings: the action server, the tracker and lock stores.

    Without REDIS_URL: SQLite tracker store under var/ and Rasa's in-process lock store (one
    machine). With it: trackers and conversation locks in Redis, shared by every replica.
    """
    config: Dict[str, object] = {"action_endpoint": {"url": settings.action_url}}
    if settings.redis_url:
        tracker = redis_endpoint(settings.redis_url, "banshi")
        # Trackers of conversations idle this long are dropped from Redis (seconds).
        tracker["record_exp"] = settings.tracker_expiry_seconds
        config["tracker_store"] = tracker
        config["lock_store"] = redis_endpoint(settings.redis_url, "banshi")
    else:
        db = str(settings.var_dir / "rasa_tracker.db")
        config["tracker_store"] = {"type": "SQL", "dialect": "sqlite", "db": db}
    path = settings.var_dir / "endpoints.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def write_credentials(settings: Settings) -> Path:
    """Rasa's input channels: the gateway's always; the REST channel only in development
    (`make shell`, tests, trying the assistant with curl)."""
    channels: Dict[str, object] = yaml.safe_load(
        (PROJECT_ROOT / "credentials.yml").read_text(encoding="utf-8")
    )
    if settings.development:
        channels["rest"] = None
    path = settings.var_dir / "credentials.yml"
    path.write_text(yaml.safe_dump(channels, allow_unicode=True), encoding="utf-8")
    return path


def action_server(settings: Settings) -> Service:
    port = str(settings.action_port)
    return Service(
        "action server",
        [str(BIN / "python"), "-m", "rasa_sdk", "--actions", "actions", "-p", port],
        f"http://{settings.host}:{port}/health",
        {
            "PYTHONPATH": str(PROJECT_ROOT),
            "SANIC_HOST": settings.host,
            "SERVICE_API_URL": settings.service_api_url,
            "SERVICE_API_KEY": settings.resolved_service_api_key(),
        },
    )


def rasa_server(settings: Settings, model: Path) -> Service:
    token = settings.resolved_rasa_token()
    # bot.rasa_server is `rasa run` that serves only this project's models (Rasa environment).
    command = rasa_command(
        str(rasa_bin("python")),
        model,
        settings.rasa_host,
        settings.rasa_port,
        token,
        "--endpoints",
        str(write_endpoints(settings)),
        "--credentials",
        str(write_credentials(settings)),
        "--log-file",
        str(settings.var_dir / "rasa.log"),
    )
    health = f"{settings.rasa_url}/status?token={token}"
    env = {
        "PYTHONPATH": str(PROJECT_ROOT),
        # How long a conversation lock outlives a replica that died holding it: another
        # replica taking over that conversation waits this long (Rasa's default is 60 s).
        "TICKET_LOCK_LIFETIME": str(settings.rasa_lock_lifetime),
    }
    return Service("Rasa server", command, health, env)


def service_api(settings: Settings) -> Service:
    """The reference service API (appointments, cases, legal check-ups) with its demo data."""
    return Service(
        "service API",
        [str(BIN / "python"), "-m", "bot.service_api", "serve", "--seed"],
        f"{settings.service_api_url}/healthz",
        {
            "PYTHONPATH": str(PROJECT_ROOT),
            "DATABASE_URL": settings.resolved_database_url(),
            "SERVICE_API_URL": settings.service_api_url,
            "SERVICE_API_KEY": settings.resolved_service_api_key(),
        },
    )


def gateway(settings: Settings) -> Service:
    """The gateway (WeChat, hotline, web pages). Its /healthz is 503 until Rasa answers, so it
    starts last."""
    env: Dict[str, str] = {}
    if settings.development and "COOKIE_SECURE" not in os.environ:
        # Served on plain http at 127.0.0.1 here; production always sets Secure.
        env["COOKIE_SECURE"] = "false"
    return Service(
        "gateway",
        [str(BIN / "python"), "-m", "bot.gateway"],
        f"{settings.gateway_url}/healthz",
        {
            "PYTHONPATH": str(PROJECT_ROOT),
            "HOST": settings.host,
            "GATEWAY_PORT": str(settings.gateway_port),
            "RASA_HOST": settings.rasa_host,
            "RASA_PORT": str(settings.rasa_port),
            "ACTION_PORT": str(settings.action_port),
            "RASA_TOKEN": settings.resolved_rasa_token(),
            "SERVICE_API_URL": settings.service_api_url,
            "VAR_DIR": str(settings.var_dir),
            **env,
        },
    )


def ensure_admin(settings: Settings) -> str:
    """On a first run, the admin account the gateway's accounts CLI creates, and where its
    password is; empty when an admin exists. The password itself is never printed."""
    service = gateway(settings)
    result = subprocess.run(
        [str(BIN / "python"), "-m", "bot.gateway.accounts", "ensure-admin"],
        cwd=PROJECT_ROOT,
        env={**os.environ, **service.env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def services(settings: Settings, model: Path) -> List[Service]:
    """The processes of the embedded deployment, in start order."""
    return [
        service_api(settings),
        action_server(settings),
        rasa_server(settings, model),
        gateway(settings),
    ]


def wait_healthy(service: Service, process: subprocess.Popen, timeout: float = 300) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            if httpx.get(service.health_url, timeout=2).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(1)
    return False


def stop_all(processes: List[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 15
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()


def clock_env(settings: Settings) -> Dict[str, str]:
    """A development clock file, handed to every process so they all live on the same date."""
    if not settings.banshi_clock_file:
        return {}
    return {CLOCK_FILE_ENV: settings.banshi_clock_file}


def start(
    settings: Optional[Settings] = None, chosen: Optional[List[Service]] = None
) -> List[subprocess.Popen]:
    """Start the services (all by default) and return once all are healthy, else raise."""
    settings = settings or get_settings()
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    hide_query_strings()  # Rasa's health URL carries its token
    processes: List[subprocess.Popen] = []
    try:
        for service in chosen if chosen is not None else services(settings, train()):
            log_path = settings.var_dir / f"{service.name.replace(' ', '_')}.out"
            with open(log_path, "ab") as log:
                # The child keeps its own copy of the descriptor; ours can close at once.
                process = subprocess.Popen(
                    service.command,
                    cwd=PROJECT_ROOT,
                    env={**os.environ, **clock_env(settings), **service.env},
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            processes.append(process)
            print(f"==> starting {service.name} …", flush=True)
            if not wait_healthy(service, process):
                raise RuntimeError(f"{service.name} did not start; see var/ for its log")
    except BaseException:
        stop_all(processes)
        raise
    return processes


def wait_for_stop(processes: List[subprocess.Popen]) -> None:
    """Block until Ctrl-C or SIGTERM, or until one of the processes exits."""
    stopping = False

    def _stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    while not stopping and all(p.poll() is None for p in processes):
        time.sleep(0.5)


def main() -> int:
    settings = get_settings()
    processes = start(settings)
    admin = ensure_admin(settings)
    token_hint = "RASA_TOKEN" if settings.rasa_token else "var/rasa_token"
    print(
        "\n办事助手 is running:\n"
        "  chat in the terminal:   make shell\n"
        + (
            f"  REST channel:           POST {settings.rasa_url}/webhooks/rest/webhook\n"
            if settings.development
            else ""
        )
        + f"  Rasa HTTP API:          {settings.rasa_url} (token in {token_hint})\n"
        f"  action server:          {settings.action_url.removesuffix('/webhook')}/health\n"
        f"  service API:            {settings.service_api_url}/docs (key in var/service_api_key)\n"
        f"  web chat:               {settings.gateway_url}/\n"
        f"  agent desk (12345):     {settings.gateway_url}/agent (staff login)\n"
        f"  trainer page:           {settings.gateway_url}/trainer (staff login)\n"
        "  staff accounts:         python -m bot.gateway.accounts add --role agent NAME\n"
        f"  WeChat webhook:         {settings.gateway_url}/webhooks/wechat"
        f"{'' if settings.wechat_token else ' (set WECHAT_TOKEN to enable)'}\n"
        f"  hotline webhooks:       {settings.gateway_url}/webhooks/hotline/ (docs/connectors.md)\n"
        + (f"{admin}\n" if admin else "")
        + "Press Ctrl-C to stop.",
        flush=True,
    )
    try:
        wait_for_stop(processes)
    finally:
        print("\n==> stopping …", flush=True)
        stop_all(processes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
