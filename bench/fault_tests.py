"""Fault tests against the cluster: each scenario breaks one part and prints what users saw.

python -m bench.fault_tests [service-api action-server redis rasa-replica]

Starts the cluster (bot/cluster.py) with its own redis-server on free loopback ports, then:
1. stop the service API: bookings and look-ups answer with a 12345 message;
2. stop one action server: that replica's users get a clear Chinese reply, not silence;
3. restart Redis: /healthz turns 503 and recovers, chat works again afterwards;
4. kill one Rasa replica mid-load: conversations continue on the other; errors and the time
   until every user is answered again.
Not part of `make test`: it takes a few minutes and prints numbers rather than passing.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import httpx

from bench.common import chat_session
from bench.load_test import bench_cluster, make_users, report, run_load
from bot.cluster import Cluster
from bot.run import service_api, start
from connectors.rasa import NO_REPLY_TEXT
from connectors.routing import HashRing


async def chat(http: httpx.AsyncClient, cookie: str, text: str) -> Tuple[int, str]:
    """One web chat message in the conversation of `cookie`; (status, reply texts or error)."""
    try:
        response = await http.post("/api/chat", json={"message": text}, headers={"Cookie": cookie})
    except httpx.HTTPError as error:
        return 0, type(error).__name__
    body = response.json()
    if response.status_code != 200:
        return response.status_code, str(body.get("message", ""))
    return 200, " / ".join(m["text"] for m in body["messages"] if m.get("text"))


def senders_on(cluster: Cluster, replica: int, count: int) -> List[str]:
    """Session cookies of new web chats whose conversations the ring gives to `replica`."""
    ring = HashRing(cluster.rasa_urls)
    target = cluster.rasa_urls[replica]
    found: List[str] = []
    while len(found) < count:
        sender, cookie = chat_session(cluster.settings.gateway_url)
        if ring.owner("web:" + sender) == target:
            found.append(cookie)
    return found


def outcome(name: str, passed: bool, detail: str) -> bool:
    print(f"[{'PASS' if passed else 'FAIL'}] {name}: {detail}", flush=True)
    return passed


async def service_api_down(cluster: Cluster, http: httpx.AsyncClient) -> bool:
    process = cluster.api[0]
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=15)
    sender = senders_on(cluster, 0, 1)[0]
    status, reply = await chat(http, sender, "工单2026110300017办到哪了")
    cluster.api = start(cluster.settings, [service_api(cluster.settings)])
    return outcome(
        "service API stopped",
        status == 200 and "12345" in reply,
        f"case look-up answered HTTP {status}: {reply[:90]}",
    )


async def action_server_down(cluster: Cluster, http: httpx.AsyncClient) -> bool:
    replica = cluster.replicas[1]
    action_process = replica.processes[0]
    action_process.send_signal(signal.SIGTERM)
    action_process.wait(timeout=15)
    health = (await http.get("/healthz")).json()["dependencies"]["action_server"]
    affected = senders_on(cluster, 1, 3)
    replies = [await chat(http, s, "驾照过期了怎么换") for s in affected]
    others = [await chat(http, s, "驾照过期了怎么换") for s in senders_on(cluster, 0, 2)]
    replica.processes[0] = start(cluster.settings, [replica.action])[0]
    clear = all(status == 200 and NO_REPLY_TEXT in text for status, text in replies)
    fine = all(status == 200 and NO_REPLY_TEXT not in text for status, text in others)
    return outcome(
        "action server 2 stopped",
        clear and fine,
        f"/healthz action_server {health['detail']}; its users got HTTP "
        f"{[s for s, _ in replies]} «{replies[0][1][:60]}»; replica 1's users answered: {fine}",
    )


async def wait_health(http: httpx.AsyncClient, healthy: bool, timeout: float) -> Optional[float]:
    """Seconds until /healthz is (un)healthy, or None on timeout."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            ok = (await http.get("/healthz", timeout=5)).status_code == 200
        except httpx.HTTPError:
            ok = False
        if ok == healthy:
            return time.monotonic() - started
        await asyncio.sleep(0.2)
    return None


async def redis_restart(cluster: Cluster, http: httpx.AsyncClient) -> bool:
    own = cluster.own_redis
    if own is None:
        return outcome("Redis restart", False, "skipped: the cluster uses REDIS_URL, not its own")
    own.stop()
    red = await wait_health(http, healthy=False, timeout=20)
    status_down, reply_down = await chat(http, senders_on(cluster, 0, 1)[0], "你好")
    restarted = time.monotonic()
    own.start()
    green = await wait_health(http, healthy=True, timeout=60)
    recovered = time.monotonic() - restarted
    status_up, _ = await chat(http, senders_on(cluster, 0, 1)[0], "你好")
    return outcome(
        "Redis restarted",
        red is not None and green is not None and status_up == 200,
        f"/healthz 503 after {red if red is None else round(red, 1)} s; chat while down: HTTP "
        f"{status_down} «{reply_down[:40]}»; green {recovered:.1f} s after restart; "
        f"chat after: HTTP {status_up} (conversation state lost: no persistence configured)",
    )


async def rasa_replica_killed(cluster: Cluster, users: int, concurrency: int) -> bool:
    """Kill replica 2 (SIGKILL) a few seconds into a load run; measure errors and recovery."""
    population = make_users(users, seed=11)
    victim = cluster.replicas[1]
    victim_url = victim.settings.rasa_url
    killed_at: Dict[str, float] = {}

    async def kill_soon() -> None:
        await asyncio.sleep(8)
        victim.processes[1].send_signal(signal.SIGKILL)
        killed_at["t"] = time.monotonic()

    killer = asyncio.create_task(kill_soon())
    wall = await run_load(cluster.settings.gateway_url, population, concurrency, 150)
    await killer
    result = report(population, wall, cluster.rasa_urls)
    ring = HashRing(cluster.rasa_urls)
    moved = [u for u in population if ring.owner("web:" + u.sender_id) == victim_url]
    kill = killed_at["t"]
    after = [t for u in moved for t in u.turns if t.started + t.latency_ms / 1000 >= kill]
    failures = [t for t in after if not t.answered]
    answered = [t.started + t.latency_ms / 1000 - kill for t in after if t.answered]
    first_answer = min(answered, default=float("nan"))
    last_failure = max((t.started - kill for t in failures), default=float("nan"))
    # Conversations the dead replica was working on keep its Redis lock until the lock's
    # lifetime (TICKET_LOCK_LIFETIME) runs out: their next turn waits that long.
    slowest = max((t.latency_ms / 1000 for t in after if t.answered), default=float("nan"))
    restart_replica(cluster, victim.processes)
    return outcome(
        "Rasa replica 2 killed mid-load",
        bool(answered) and result["errors"] <= len(failures),
        f"{len(moved)} of {len(population)} conversations lived on it; of their turns ending "
        f"after the kill {len(answered)}/{len(after)} were answered by replica 1; "
        f"{int(result['errors'])} errors in total"
        + (f" (last one started {last_failure:.1f} s after the kill)" if failures else "")
        + f"; first answer from replica 1 for a moved conversation {first_answer:.1f} s "
        f"after the kill; slowest answered turn {slowest:.1f} s (a conversation whose lock the "
        f"dead replica held)",
    )


def restart_replica(cluster: Cluster, processes: List[subprocess.Popen]) -> None:
    """Bring the killed replica back so the cluster is whole again on exit."""
    replica = cluster.replicas[1]
    replica.processes = [processes[0], *start(cluster.settings, [replica.rasa])]


SCENARIOS = ("service-api", "action-server", "redis", "rasa-replica")


async def scenarios(
    cluster: Cluster, chosen: List[str], users: int, concurrency: int
) -> List[bool]:
    results = []
    async with httpx.AsyncClient(base_url=cluster.settings.gateway_url, timeout=60) as http:
        if "service-api" in chosen:
            results.append(await service_api_down(cluster, http))
        if "action-server" in chosen:
            results.append(await action_server_down(cluster, http))
        if "redis" in chosen:
            results.append(await redis_restart(cluster, http))
    if "rasa-replica" in chosen:
        results.append(await rasa_replica_killed(cluster, users, concurrency))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario", nargs="*", help=f"any of {', '.join(SCENARIOS)} (default all)")
    args = parser.parse_args()
    unknown = set(args.scenario) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenario: {', '.join(sorted(unknown))}")
    args.scenario = args.scenario or list(SCENARIOS)
    with tempfile.TemporaryDirectory(prefix="banshi-fault-") as tmp:
        started = time.monotonic()
        cluster = bench_cluster(Path(tmp))
        print(f"==> cluster up in {time.monotonic() - started:.0f} s: {cluster.rasa_urls}")
        try:
            results = asyncio.run(scenarios(cluster, args.scenario, users=60, concurrency=12))
        finally:
            cluster.stop()
    print(f"==> {sum(results)}/{len(results)} fault scenarios behaved as intended")
    return 0 if all(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
