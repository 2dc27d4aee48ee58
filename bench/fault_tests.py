"""Fault tests against the cluster: each scenario breaks one part and measures what users saw.

python -m bench.fault_tests [service-api action-server redis rasa-replica rolling-restart]

Starts the cluster (bot/cluster.py) with its own redis-server on free loopback ports, then:
1. stop the service API: bookings and look-ups answer with a 12345 message;
2. stop one action server: that replica's users get a clear Chinese reply, not silence;
3. restart Redis in the middle of a booking form: /healthz turns 503 and recovers, the form
   goes on where it was and books exactly once;
4. kill one Rasa replica mid-load: conversations continue on the other, the turn in flight
   included;
5. restart every Rasa replica, one after another, under load, as a deployment would.
For every scenario it prints the errors users saw, turns lost (sent, never recorded), duplicate
turns (recorded twice) and the recovery time, then all of them as one table. Not part of
`make test`: it takes several minutes and prints numbers rather than passing.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import re
import signal
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional

import httpx

from actions.forms import UNAVAILABLE
from bench.common import chat_session
from bench.load_test import (
    User,
    audit_trackers,
    bench_cluster,
    make_users,
    open_sessions,
    report,
    run_load,
    say,
)
from bot.cluster import Cluster
from bot.run import service_api, start, stop_all
from connectors.rasa import NO_REPLY_TEXT
from connectors.routing import HashRing

NAME, PHONE, ID_NUMBER = "王小明", "13700000001", "11010519491231002X"


@dataclass
class Outcome:
    """What users saw during one fault."""

    scenario: str
    behaved: bool
    messages: int  # turns users sent during the scenario
    errors: int  # turns not answered (HTTP error, or no text)
    lost: int  # turns sent that no tracker recorded
    duplicates: int  # turns recorded more often than sent
    recovery: float  # seconds from the repair (or the kill) to the first normal answer
    slowest: float  # seconds, the longest turn of the scenario
    detail: str


async def measured(
    cluster: Cluster,
    name: str,
    users: List[User],
    behaved: bool,
    recovery: float,
    detail: str,
    strict: bool = False,
) -> Outcome:
    """The outcome of a scenario, its users' trackers audited; printed as it is known.

    `strict`: it behaved only if no turn failed, was lost or was processed twice."""
    lost, duplicates = await audit_trackers(cluster.redis_url, users)
    turns = [t for u in users for t in u.turns]
    errors = sum(1 for t in turns if not t.answered)
    behaved = behaved and not (strict and (errors or lost or duplicates))
    slowest = max((t.latency_ms / 1000 for t in turns), default=math.nan)
    outcome = Outcome(
        name, behaved, len(turns), errors, lost, duplicates, recovery, slowest, detail
    )
    print(f"[{'PASS' if behaved else 'FAIL'}] {name}: {detail}", flush=True)
    print(
        f"       {len(turns)} turns, {errors} errors, {lost} lost, {duplicates} duplicated,"
        f" recovery {recovery:.1f} s, slowest turn {slowest:.1f} s",
        flush=True,
    )
    return outcome


def users_on(cluster: Cluster, replica: int, count: int) -> List[User]:
    """New web chat users whose conversations the ring gives to `replica`."""
    ring = HashRing(cluster.rasa_urls)
    target = cluster.rasa_urls[replica]
    found: List[User] = []
    while len(found) < count:
        sender, cookie = chat_session(cluster.settings.gateway_url)
        if ring.owner("web:" + sender) == target:
            found.append(User(f"10.9.{len(found)}.1", [], sender_id=sender, cookie=cookie))
    return found


async def until_answered(
    http: httpx.AsyncClient, user: User, text: str, normal: Any, timeout: float = 60
) -> float:
    """Seconds until `user` gets an answer `normal(reply)` accepts to `text` (nan if never)."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        await say(http, user, text)
        if user.turns[-1].answered and normal(user.turns[-1].reply):
            return time.monotonic() - started
        await asyncio.sleep(0.5)
    return math.nan


async def service_api_down(cluster: Cluster, http: httpx.AsyncClient) -> Outcome:
    process = cluster.api[0]
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=15)
    user, later = users_on(cluster, 0, 2)
    await say(http, user, "工单2026110300017办到哪了")
    down = user.turns[-1]
    repaired = time.monotonic()
    cluster.api = await asyncio.to_thread(start, cluster.settings, [service_api(cluster.settings)])
    recovery = time.monotonic() - repaired
    recovery += await until_answered(
        http, later, "工单2026110300017办到哪了", lambda r: UNAVAILABLE not in r
    )
    return await measured(
        cluster,
        "service API stopped",
        [user, later],
        down.status == 200 and "12345" in down.reply,
        recovery,
        f"case look-up answered HTTP {down.status}: {down.reply[:60]}",
    )


async def action_server_down(cluster: Cluster, http: httpx.AsyncClient) -> Outcome:
    replica = cluster.replicas[1]
    action_process = replica.processes[0]
    action_process.send_signal(signal.SIGTERM)
    action_process.wait(timeout=15)
    health = (await http.get("/healthz")).json()["dependencies"]["action_server"]
    affected, others = users_on(cluster, 1, 3), users_on(cluster, 0, 2)
    for user in affected + others:
        await say(http, user, "驾照过期了怎么换")
    repaired = time.monotonic()
    started = await asyncio.to_thread(start, cluster.settings, [replica.action])
    replica.processes[0] = started[0]
    recovery = time.monotonic() - repaired
    recovery += await until_answered(
        http, affected[0], "驾照过期了怎么换", lambda r: NO_REPLY_TEXT not in r
    )
    clear = all(NO_REPLY_TEXT in u.turns[0].reply for u in affected)
    fine = all(u.turns[0].answered and NO_REPLY_TEXT not in u.turns[0].reply for u in others)
    return await measured(
        cluster,
        "action server 2 stopped",
        affected + others,
        clear and fine,
        recovery,
        f"/healthz action_server {health['detail']}; its users got "
        f"«{affected[0].turns[0].reply[:40]}»; replica 1's users answered: {fine}",
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


def buttons(messages: List[Dict[str, Any]]) -> List[str]:
    return [b["payload"] for m in messages for b in m.get("buttons") or []]


async def start_booking(http: httpx.AsyncClient, user: User) -> bool:
    """Fill a booking form up to the ID number; True once the assistant asks for it."""
    messages = await say(http, user, "帮我约下周三上午去沈阳办驾驶证")
    for _ in range(3):
        if "姓名" in user.turns[-1].reply:
            break
        # Choose the hall, or a free slot when the day asked for is closed or full.
        choice = next((b for b in buttons(messages) if b.startswith("/inform")), "")
        if not choice:
            return False
        messages = await say(http, user, choice)
    await say(http, user, NAME)
    await say(http, user, PHONE)
    return "身份证" in user.turns[-1].reply


async def bookings_of(cluster: Cluster) -> List[Dict[str, Any]]:
    """The appointments the service API holds for the booking user (phone and ID number)."""
    async with httpx.AsyncClient(base_url=cluster.settings.service_api_url, timeout=10) as api:
        response = await api.get(
            "/v1/appointments",
            params={"phone": PHONE, "id_number": ID_NUMBER},
            headers={"X-API-Key": cluster.settings.service_api_key},
        )
    response.raise_for_status()
    return list(response.json()["appointments"])


async def redis_restart(cluster: Cluster, http: httpx.AsyncClient) -> Outcome:
    own = cluster.own_redis
    if own is None:
        return Outcome("Redis restarted", False, 0, 0, 0, 0, math.nan, math.nan, "uses REDIS_URL")
    booker, during, after = users_on(cluster, 0, 3)
    mid_form = await start_booking(http, booker)
    own.stop()
    red = await wait_health(http, healthy=False, timeout=20)
    await say(http, during, "你好")
    restarted = time.monotonic()
    own.start()
    green = await wait_health(http, healthy=True, timeout=60)
    recovery = time.monotonic() - restarted
    recovery += await until_answered(http, after, "你好", lambda r: NO_REPLY_TEXT not in r)
    summary = await say(http, booker, ID_NUMBER)
    resumed = "请核对预约信息" in booker.turns[-1].reply
    await say(http, booker, next((b for b in buttons(summary) if b == "/affirm"), "确认预约"))
    booked = re.search(r"预约号:(AP[0-9A-Z]{8})", booker.turns[-1].reply)
    stored = await bookings_of(cluster)
    once = booked is not None and [a["appointment_id"] for a in stored] == [booked.group(1)]
    return await measured(
        cluster,
        "Redis restarted",
        [booker, during, after],
        mid_form and resumed and once and red is not None and green is not None,
        recovery,
        f"/healthz 503 after {red if red is None else round(red, 1)} s; chat while down: "
        f"«{during.turns[0].reply[:30]}»; booking form asked for the ID number before the "
        f"restart: {mid_form}, read the booking back after it: {resumed}; "
        f"appointments in the database: {len(stored)}"
        + (f" ({booked.group(1)}, the one the user was told)" if once and booked else ""),
    )


async def rasa_replica_killed(cluster: Cluster, users: int, concurrency: int) -> Outcome:
    """Kill replica 2 (SIGKILL) a few seconds into a load run; measure errors and recovery."""
    population = make_users(users, seed=11)
    victim = cluster.replicas[1]
    victim_url = victim.settings.rasa_url
    killed_at: Dict[str, float] = {}

    async def kill_soon() -> None:
        await asyncio.sleep(8)
        victim.processes[1].send_signal(signal.SIGKILL)
        killed_at["t"] = time.monotonic()

    await open_sessions(cluster.settings.gateway_url, population)
    killer = asyncio.create_task(kill_soon())
    wall = await run_load(cluster.settings.gateway_url, population, concurrency, 150)
    await killer
    report(population, wall, cluster.rasa_urls)
    ring = HashRing(cluster.rasa_urls)
    moved = [u for u in population if ring.owner("web:" + u.sender_id) == victim_url]
    kill = killed_at["t"]
    after = [t for u in moved for t in u.turns if t.started + t.latency_ms / 1000 >= kill]
    in_flight = [t for t in after if t.started < kill]
    answered = [t for t in after if t.answered]
    victim.processes[1] = (await asyncio.to_thread(start, cluster.settings, [victim.rasa]))[0]
    return await measured(
        cluster,
        "Rasa replica 2 killed mid-load",
        population,
        bool(answered),
        first_answer_after(population, victim_url, cluster.rasa_urls, kill),
        f"{len(moved)} of {len(population)} conversations lived on it; "
        f"{sum(t.answered for t in in_flight)}/{len(in_flight)} turns in flight at the kill and "
        f"{len(answered)}/{len(after)} ending after it answered by replica 1 (a turn resent "
        "after the kill waits for the lock the dead replica held, RASA_LOCK_LIFETIME)",
        strict=True,
    )


def first_answer_after(users: List[User], owner: str, rasa_urls: List[str], since: float) -> float:
    """Seconds from `since` to the first answer for a conversation `owner` held (nan if none)."""
    ring = HashRing(rasa_urls)
    ends = [
        t.started + t.latency_ms / 1000 - since
        for u in users
        if ring.owner("web:" + u.sender_id) == owner
        for t in u.turns
        if t.answered and t.started + t.latency_ms / 1000 >= since
    ]
    return min(ends, default=math.nan)


async def rolling_restart(cluster: Cluster, users: int, concurrency: int) -> Outcome:
    """Restart every Rasa replica in turn (SIGTERM, start, healthy) while users keep talking."""
    population = make_users(users, seed=13)
    done = asyncio.Event()
    stops: List[float] = []
    downtimes: List[float] = []

    async def roll() -> None:
        await asyncio.sleep(5)
        for replica in cluster.replicas:
            stops.append(time.monotonic())
            await asyncio.to_thread(stop_all, [replica.processes[1]])
            started = await asyncio.to_thread(start, cluster.settings, [replica.rasa])
            replica.processes[1] = started[0]
            downtimes.append(time.monotonic() - stops[-1])
            # Past the gateway's down mark, so the replica has its conversations back before
            # the next one goes.
            await asyncio.sleep(cluster.settings.rasa_down_seconds + 2)
        done.set()

    await open_sessions(cluster.settings.gateway_url, population)
    roller = asyncio.create_task(roll())
    wall = await run_load(cluster.settings.gateway_url, population, concurrency, 1200, done)
    await roller
    talked = [u for u in population if u.turns]
    report(talked, wall, cluster.rasa_urls)
    complete = sum(len(u.turns) == len(u.script) for u in talked)
    recovery = max(
        first_answer_after(talked, r.settings.rasa_url, cluster.rasa_urls, stopped)
        for r, stopped in zip(cluster.replicas, stops, strict=True)
    )
    return await measured(
        cluster,
        "rolling restart of the Rasa replicas",
        talked,
        done.is_set() and complete == len(talked),
        recovery,
        f"{len(cluster.replicas)} replicas restarted one after another, each away "
        + " s, ".join(f"{d:.0f}" for d in downtimes)
        + f" s; {complete}/{len(talked)} conversations complete; recovery: the first answer "
        "for a restarting replica's conversation after it was stopped",
        strict=True,
    )


SCENARIOS = ("service-api", "action-server", "redis", "rasa-replica", "rolling-restart")


async def scenarios(cluster: Cluster, chosen: List[str], users: int) -> List[Outcome]:
    results = []
    async with httpx.AsyncClient(base_url=cluster.settings.gateway_url, timeout=60) as http:
        if "service-api" in chosen:
            results.append(await service_api_down(cluster, http))
        if "action-server" in chosen:
            results.append(await action_server_down(cluster, http))
        if "redis" in chosen:
            results.append(await redis_restart(cluster, http))
    if "rasa-replica" in chosen:
        results.append(await rasa_replica_killed(cluster, users, concurrency=12))
    if "rolling-restart" in chosen:
        # Enough users to keep talking until the last replica is back.
        results.append(await rolling_restart(cluster, users * 15, concurrency=12))
    return results


def table(outcomes: List[Outcome]) -> str:
    rows = [
        "| fault | turns | errors | turns lost | duplicate turns | recovery | slowest turn "
        "| behaved |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for o in outcomes:
        rows.append(
            f"| {o.scenario} | {o.messages} | {o.errors} | {o.lost} | {o.duplicates} "
            f"| {o.recovery:.1f} s | {o.slowest:.1f} s | {'yes' if o.behaved else 'NO'} |"
        )
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario", nargs="*", help=f"any of {', '.join(SCENARIOS)} (default all)")
    parser.add_argument("--users", type=int, default=60, help="users of the replica kill")
    args = parser.parse_args()
    unknown = set(args.scenario) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenario: {', '.join(sorted(unknown))}")
    chosen = args.scenario or list(SCENARIOS)
    with tempfile.TemporaryDirectory(prefix="banshi-fault-") as tmp:
        started = time.monotonic()
        cluster = bench_cluster(Path(tmp))
        print(f"==> cluster up in {time.monotonic() - started:.0f} s: {cluster.rasa_urls}")
        try:
            outcomes = asyncio.run(scenarios(cluster, chosen, args.users))
        finally:
            cluster.stop()
    print("\n" + table(outcomes))
    behaved = sum(o.behaved for o in outcomes)
    print(f"==> {behaved}/{len(outcomes)} fault scenarios behaved as intended")
    return 0 if behaved == len(outcomes) else 1


if __name__ == "__main__":
    raise SystemExit(main())
