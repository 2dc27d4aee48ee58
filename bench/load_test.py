"""Load test: simulated citizens holding multi-turn Chinese conversations through the web chat.

python -m bench.load_test [--users 200] [--concurrency 24] [--max-seconds 170]
                          [--gateway URL --redis-url URL]

Without --gateway it starts the cluster (bot/cluster.py: its own redis-server, two Rasa
replicas, two action servers, the service API, the gateway) on free loopback ports, and stops it
afterwards. It prints messages/s, latency percentiles and the error rate, then reads every
conversation's tracker from Redis (RedisTrackerStore's layout: JSON under
"<key_prefix>:tracker:<sender_id>") and checks that each turn was recorded and answered, in order.
"""

from __future__ import annotations

import argparse
import asyncio
import difflib
import json
import random
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple, Union
from urllib.parse import urlsplit

import httpx
import redis.asyncio as aioredis

from bench.common import chat_session, free_port, percentiles
from bot.cluster import Cluster, start_cluster
from bot.model import MODELS_DIR, model_path
from bot.settings import Settings
from connectors.routing import HashRing

TRACKER_PREFIX = "banshi:tracker:"
GREETINGS = ["你好", "您好", "在吗", "你好,想咨询点事"]
QUESTIONS = [
    "外地户口在沈阳怎么办居住证",
    "驾照过期了怎么换",
    "社保卡丢了怎么补",
    "营业执照变更经营范围要什么材料",
    "孩子出生的证能一起办吗",
    "政务服务中心周六上班吗",
    "企业打12345按几号键",
    "小企业能申请免费法治体检吗",
    "没钱请律师能申请法律援助吗",
    "公司进了经营异常名录怎么移出",
    "第一次违规能不罚吗",
    "有哪些免申即享的政策",
]
FOLLOW_UPS = ["需要带什么材料", "在哪里办", "要多长时间能办好", "收费吗", "网上能办吗"]
THANKS = ["谢谢", "好的谢谢", "明白了,谢谢"]


def conversation(rng: random.Random) -> List[str]:
    """3–5 turns: greet, a guidance question, one or two follow-ups or none, thanks."""
    turns = [rng.choice(GREETINGS), rng.choice(QUESTIONS)]
    turns += rng.sample(FOLLOW_UPS, rng.randint(0, 2))
    return [*turns, rng.choice(THANKS)]


@dataclass
class Turn:
    text: str
    status: int
    latency_ms: float
    answered: bool
    started: float
    reply: str = ""


@dataclass
class User:
    ip: str
    script: List[str]
    turns: List[Turn] = field(default_factory=list)
    # Issued by the gateway when the run starts (bench.common.chat_session).
    sender_id: str = ""
    cookie: str = ""


async def say(http: httpx.AsyncClient, user: User, text: str) -> List[Dict[str, Any]]:
    """One message of `user`, recorded as a turn; the messages of the reply."""
    started = time.monotonic()
    messages: List[Dict[str, Any]] = []
    try:
        response = await http.post(
            "/api/chat",
            json={"message": text},
            # The cluster's gateway trusts X-Forwarded-For from loopback (TRUSTED_PROXIES):
            # each user has its own address, as behind a real proxy, so the per-IP limit
            # applies per user.
            headers={"X-Forwarded-For": user.ip, "Cookie": user.cookie},
        )
        status = response.status_code
        if status == 200:
            messages = response.json()["messages"]
    except (httpx.HTTPError, ValueError):
        status = 0
    reply = " / ".join(str(m["text"]) for m in messages if m.get("text"))
    latency = (time.monotonic() - started) * 1000
    user.turns.append(Turn(text, status, latency, bool(reply), started, reply))
    return messages


async def talk(http: httpx.AsyncClient, user: User, deadline: float) -> None:
    """Send the user's turns one after another, each after the previous reply."""
    for text in user.script:
        if time.monotonic() > deadline:
            return
        await say(http, user, text)


async def open_sessions(gateway_url: str, users: List[User]) -> None:
    """A web chat session for every user that has none yet (before a run starts its clock)."""
    for user in users:
        if not user.cookie:
            user.sender_id, user.cookie = await asyncio.to_thread(chat_session, gateway_url)


async def run_load(
    gateway_url: str,
    users: List[User],
    concurrency: int,
    max_seconds: float,
    stop: Optional[asyncio.Event] = None,
) -> float:
    """Run every user (at most `concurrency` at once); return the wall time in seconds.

    Once `stop` is set, users not yet started stay silent; those talking finish."""
    gate = asyncio.Semaphore(concurrency)
    deadline = time.monotonic() + max_seconds
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    await open_sessions(gateway_url, users)
    async with httpx.AsyncClient(base_url=gateway_url, timeout=60, limits=limits) as http:

        async def one(user: User) -> None:
            async with gate:
                if stop is None or not stop.is_set():
                    await talk(http, user, deadline)

        started = time.monotonic()
        await asyncio.gather(*(one(u) for u in users))
        return time.monotonic() - started


def make_users(count: int, seed: int = 7) -> List[User]:
    rng = random.Random(seed)
    return [
        User(f"10.{i // 250}.{i % 250}.{rng.randint(1, 250)}", conversation(rng))
        for i in range(count)
    ]


def recorded_turns(raw: Optional[Union[str, bytes]]) -> List[Tuple[str, bool]]:
    """(text, answered) of each user message a tracker recorded, in order.

    A two-stage fallback rewinds the turn and replays the same user event (same message_id):
    one message, one turn. The same message id again without a rewind is a message processed
    twice, and counts twice."""
    turns: List[Tuple[str, bool]] = []
    current: object = None
    rewound = False
    for event in json.loads(raw).get("events", []) if raw else []:
        kind = event.get("event")
        if kind == "rewind":
            rewound = True
        elif kind == "user":
            message_id = event.get("message_id") or object()
            if not (rewound and message_id == current):
                turns.append((str(event.get("text")), False))
            current, rewound = message_id, False
        elif kind == "bot" and turns:
            turns[-1] = (turns[-1][0], True)
    return turns


def lost_and_duplicated(sent: List[str], recorded: List[str]) -> Tuple[int, int]:
    """Messages sent but not recorded, and recorded more often than sent."""
    lost = duplicated = 0
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(a=sent, b=recorded).get_opcodes():
        if op in ("delete", "replace"):
            lost += a2 - a1
        if op in ("insert", "replace"):
            duplicated += b2 - b1
    return lost, duplicated


def check_tracker(raw: Optional[Union[str, bytes]], user: User) -> str:
    """'' when the tracker holds the user's answered turns in order, else what is wrong."""
    if raw is None:
        return "no tracker"
    turns = recorded_turns(raw)
    said = [text for text, _ in turns]
    sent = [t.text for t in user.turns if t.status == 200]
    if said != sent:
        return f"turns differ: sent {sent}, tracker {said}"
    unanswered = [text for text, answered in turns if not answered]
    if unanswered:
        return f"unanswered turn: {unanswered[0]}"
    return ""


async def audit_trackers(redis_url: str, users: List[User]) -> Tuple[int, int]:
    """Turns lost and turns duplicated over every user's conversation, read from Redis."""
    client = aioredis.Redis.from_url(redis_url, decode_responses=True)
    lost = duplicated = 0
    try:
        for user in users:
            if user.turns:
                raw = await client.get(TRACKER_PREFIX + "web:" + user.sender_id)
                recorded = [text for text, _ in recorded_turns(raw)]
                counts = lost_and_duplicated([t.text for t in user.turns], recorded)
                lost, duplicated = lost + counts[0], duplicated + counts[1]
        return lost, duplicated
    finally:
        await client.close()


async def verify_trackers(redis_url: str, users: List[User]) -> List[Tuple[str, str]]:
    """(sender, problem) for every conversation whose tracker is not as the user saw it."""
    client = aioredis.Redis.from_url(redis_url, decode_responses=True)
    try:
        problems = []
        for user in users:
            if not user.turns:
                continue
            raw = await client.get(TRACKER_PREFIX + "web:" + user.sender_id)
            problem = check_tracker(raw, user)
            if problem:
                problems.append((user.sender_id, problem))
        return problems
    finally:
        await client.close()


def report(users: List[User], wall: float, rasa_urls: List[str]) -> Dict[str, float]:
    turns = [t for u in users for t in u.turns]
    ok = [t for t in turns if t.answered]
    statuses: Dict[int, int] = {}
    for turn in turns:
        statuses[turn.status] = statuses.get(turn.status, 0) + 1
    stats = percentiles([t.latency_ms for t in ok]) if len(ok) > 1 else {}
    print(f"conversations: {sum(1 for u in users if u.turns)}/{len(users)} started")
    print(f"messages:      {len(turns)} in {wall:.1f} s = {len(turns) / wall:.1f} messages/s")
    print(
        f"latency (ms):  p50 {stats.get('p50')}  p95 {stats.get('p95')}  p99 {stats.get('p99')}"
        f"  mean {stats.get('mean')}"
    )
    errors = len(turns) - len(ok)
    print(
        f"errors:        {errors} ({100 * errors / max(1, len(turns)):.2f} %)  statuses {statuses}"
    )
    if len(rasa_urls) > 1:
        ring = HashRing(rasa_urls)
        share: Dict[str, int] = {}
        for user in users:
            owner = ring.owner("web:" + user.sender_id)
            share[owner] = share.get(owner, 0) + 1
        print("conversations per replica: " + ", ".join(f"{k} {v}" for k, v in share.items()))
    return {"messages": len(turns), "errors": errors, "rate": len(turns) / wall, **stats}


def pick_model() -> Path:
    """The current model, else the newest one already trained: a bench never trains."""
    current = model_path()
    if current.exists():
        return current
    trained = sorted(MODELS_DIR.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not trained:
        raise SystemExit("no trained model: run `make train` first")
    print(f"==> data changed since the last training; using {trained[-1].name}")
    return trained[-1]


def bench_cluster(var_dir: Path, **overrides: Any) -> Cluster:
    """The cluster on free loopback ports with its own redis-server."""
    settings = Settings(
        var_dir=var_dir,
        redis_url="",
        gateway_port=free_port(),
        service_api_url=f"http://127.0.0.1:{free_port()}",
        **overrides,
    )
    return start_cluster(settings, model=pick_model(), ports=[free_port() for _ in range(4)])


async def measure(
    gateway_url: str, redis_url: str, rasa_urls: List[str], args: argparse.Namespace
) -> int:
    users = make_users(args.users)
    print(
        f"==> {len(users)} users, {sum(len(u.script) for u in users)} messages,"
        f" {args.concurrency} at a time, at most {args.max_seconds:.0f} s"
    )
    wall = await run_load(gateway_url, users, args.concurrency, args.max_seconds)
    result = report(users, wall, rasa_urls)
    problems = await verify_trackers(redis_url, users)
    checked = sum(1 for u in users if u.turns)
    print(
        f"ordering check: {checked - len(problems)}/{checked} conversations complete and in order"
    )
    for sender, problem in problems[:10]:
        print(f"  {sender}: {problem}")
    return 0 if not problems and not result["errors"] else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=24)
    parser.add_argument("--max-seconds", type=float, default=170)
    parser.add_argument("--gateway", default="", help="a running gateway (else start a cluster)")
    parser.add_argument("--redis-url", default="", help="its Redis, to read the trackers")
    args = parser.parse_args()
    for url in (args.gateway, args.redis_url):
        host = urlsplit(url).hostname
        if url and host not in ("127.0.0.1", "localhost", "::1"):
            raise SystemExit(f"loopback only: {url}")
    if args.gateway:
        if not args.redis_url:
            raise SystemExit("--gateway needs --redis-url to check the trackers")
        return asyncio.run(measure(args.gateway, args.redis_url, [], args))
    with tempfile.TemporaryDirectory(prefix="banshi-load-") as tmp:
        started = time.monotonic()
        cluster = bench_cluster(Path(tmp))
        print(f"==> cluster up in {time.monotonic() - started:.0f} s: {cluster.rasa_urls}")
        try:
            return asyncio.run(
                measure(cluster.settings.gateway_url, cluster.redis_url, cluster.rasa_urls, args)
            )
        finally:
            cluster.stop()


if __name__ == "__main__":
    raise SystemExit(main())
