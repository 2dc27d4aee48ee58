"""The multi-replica layout on one machine: Redis, the service API, two action servers, two Rasa
replicas and the gateway routing between them. Stops everything on Ctrl-C.

python -m bot.cluster        (make run-cluster)

It is the production shape in miniature (docs/deployment.md), for trying failover and for the
load and fault benches. Without REDIS_URL it starts its own redis-server on a free port, with
the persistence deploy/redis.md prescribes (AOF, fsync every second) in its own folder, and
never touches another Redis; with REDIS_URL it uses that one.
"""

from __future__ import annotations

import dataclasses
import shutil
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

import redis

from bot.model import train
from bot.run import (
    Service,
    action_server,
    gateway,
    rasa_server,
    service_api,
    start,
    stop_all,
    wait_for_stop,
)
from bot.settings import Settings, get_settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class OwnRedis:
    """The cluster's redis-server, loopback only, persisted as deploy/redis.md prescribes.

    Its append-only file lives in `data_dir`, so a restart (stop, start) keeps every
    conversation; `discard` removes it once the cluster is done."""

    port: int
    data_dir: Path
    process: Optional[subprocess.Popen] = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 15) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--dir", str(self.data_dir), "--save", ""),
                *("--appendonly", "yes", "--appendfsync", "everysec"),
                *("--maxmemory-policy", "noeviction", "--daemonize", "no"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=1)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if client.ping():
                    return
            except redis.RedisError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            stop_all([self.process])
            self.process = None

    def discard(self) -> None:
        """Stop it and delete its data."""
        self.stop()
        shutil.rmtree(self.data_dir, ignore_errors=True)


@dataclass
class Replica:
    """Rasa replica i and the action server it calls (its own endpoints file)."""

    settings: Settings
    rasa: Service
    action: Service
    processes: List[subprocess.Popen] = field(default_factory=list)


@dataclass
class Cluster:
    settings: Settings
    redis_url: str
    own_redis: Optional[OwnRedis]
    api: List[subprocess.Popen]
    replicas: List[Replica]
    gateway: Service
    gateway_processes: List[subprocess.Popen] = field(default_factory=list)

    @property
    def rasa_urls(self) -> List[str]:
        return [r.settings.rasa_url for r in self.replicas]

    def processes(self) -> List[subprocess.Popen]:
        replica_processes = [p for r in self.replicas for p in r.processes]
        # Gateway first, so no request reaches a replica that is already gone.
        return self.gateway_processes + replica_processes + self.api

    def stop(self) -> None:
        stop_all(self.processes())
        if self.own_redis is not None:
            self.own_redis.discard()


def replica_settings(base: Settings, index: int, rasa_port: int, action_port: int) -> Settings:
    """Settings of replica `index`: its ports, and a var dir for its endpoints file and log."""
    var_dir = base.var_dir / "cluster" / f"replica{index}"
    var_dir.mkdir(parents=True, exist_ok=True)
    return base.model_copy(
        update={"rasa_port": rasa_port, "action_port": action_port, "var_dir": var_dir}
    )


def build_replica(
    base: Settings, index: int, model: Path, rasa_port: int, action_port: int
) -> Replica:
    settings = replica_settings(base, index, rasa_port, action_port)
    # Distinct names, so start() gives each its own log file under var/.
    rasa = dataclasses.replace(rasa_server(settings, model), name=f"Rasa server {index}")
    action = dataclasses.replace(action_server(settings), name=f"action server {index}")
    return Replica(settings, rasa, action)


def gateway_service(base: Settings, replicas: List[Replica]) -> Service:
    service = gateway(base)
    env: Dict[str, str] = {
        **service.env,
        "REDIS_URL": base.redis_url,
        "RASA_URLS": ",".join(r.settings.rasa_url for r in replicas),
        "ACTION_URLS": ",".join(r.settings.action_url.removesuffix("/webhook") for r in replicas),
        "RASA_DOWN_SECONDS": str(base.rasa_down_seconds),
        "RASA_RESEND_DELAY": str(base.rasa_resend_delay),
        "RATE_LIMIT_USER": str(base.rate_limit_user),
        "RATE_LIMIT_IP": str(base.rate_limit_ip),
        "RATE_LIMIT_WINDOW": str(base.rate_limit_window),
        "WEB_MESSAGE_MAX_CHARS": str(base.web_message_max_chars),
        # Loopback plays the load balancer here (bench.load_test sends X-Forwarded-For).
        "TRUSTED_PROXIES": base.trusted_proxies or "127.0.0.1",
    }
    return dataclasses.replace(service, env=env)


def start_replica(base: Settings, replica: Replica) -> None:
    """Start the action server, then the Rasa replica that calls it; keep their processes."""
    replica.processes = start(base, [replica.action, replica.rasa])


def start_cluster(
    settings: Optional[Settings] = None,
    model: Optional[Path] = None,
    replicas: int = 2,
    ports: Optional[List[int]] = None,
) -> Cluster:
    """Start every process and return once all are healthy, else stop them and raise.

    `ports` lists Rasa ports then action-server ports; by default RASA_PORT and ACTION_PORT
    and the ports after them."""
    settings = settings or get_settings()
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    own: Optional[OwnRedis] = None
    redis_url = settings.redis_url
    if not redis_url:
        own = OwnRedis(free_port(), settings.var_dir / "cluster" / "redis")
        own.start()
        redis_url = own.url
    base = settings.model_copy(
        update={
            "redis_url": redis_url,
            # Resolved once, so every replica shares the same token and key.
            "rasa_token": settings.resolved_rasa_token(),
            "service_api_key": settings.resolved_service_api_key(),
            "database_url": settings.resolved_database_url(),
        }
    )
    model = model or train()
    ports = ports or [settings.rasa_port + i for i in range(replicas)] + [
        settings.action_port + i for i in range(replicas)
    ]
    members = [
        build_replica(base, i + 1, model, ports[i], ports[replicas + i]) for i in range(replicas)
    ]
    cluster = Cluster(base, redis_url, own, [], members, gateway_service(base, members))
    try:
        cluster.api = start(base, [service_api(base)])
        # The replicas load their models side by side: on two cores that is still quicker
        # than one after the other, most of a start being file reads and imports.
        with ThreadPoolExecutor(max_workers=replicas) as pool:
            for future in [pool.submit(start_replica, base, r) for r in members]:
                future.result()
        cluster.gateway_processes = start(base, [cluster.gateway])
    except BaseException:
        cluster.stop()
        raise
    return cluster


def main() -> int:
    settings = get_settings()
    cluster = start_cluster(settings)
    base = cluster.settings
    lines = [
        "\n办事助手 cluster is running:",
        f"  web chat:               {base.gateway_url}/",
        f"  agent desk (12345):     {base.gateway_url}/agent",
        f"  health:                 {base.gateway_url}/healthz",
        f"  Redis:                  {cluster.redis_url}"
        + (" (own redis-server, its AOF deleted on exit)" if cluster.own_redis else ""),
    ]
    for replica in cluster.replicas:
        lines.append(
            f"  Rasa replica:           {replica.settings.rasa_url} → action server "
            f"{replica.settings.action_url}"
        )
    lines.append(f"  service API:            {base.service_api_url}/docs")
    lines.append(f"  logs:                   {base.var_dir}/*.out, {base.var_dir}/cluster/")
    print("\n".join(lines) + "\nPress Ctrl-C to stop.", flush=True)
    try:
        wait_for_stop(cluster.processes())
    finally:
        print("\n==> stopping …", flush=True)
        cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
