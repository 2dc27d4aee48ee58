"""Hotline agent-assist latency per caller utterance (target p95 < 300 ms), and WeChat
passive-reply latency, end to end through the gateway's HTTP endpoints.

python -m bench.agent_assist_latency [--calls 40] [--rasa-port P --action-port Q]

Without ports it starts its own Rasa server and action server on the trained model.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import random
import tempfile
import time
import uuid
from pathlib import Path
from typing import Dict, List

import httpx

from bench.common import free_port, percentiles, served_gateway
from bot.model import train
from bot.review.nludata import load_examples, plain_text
from bot.run import action_server, rasa_server, start, stop_all
from bot.settings import Settings
from core.paths import PROJECT_ROOT

SECRET = "bench-secret"
WECHAT_TOKEN = "bench-token"
FOLLOW_UPS = ["在沈阳", "我们是辽宁宏达机械有限公司", "信用代码91210102MA0P5K8C75", "好的,谢谢"]


def signed(body: Dict[str, object]) -> Dict[str, object]:
    raw = json.dumps(body, ensure_ascii=False).encode()
    ts = str(int(time.time()))
    digest = hmac.new(SECRET.encode(), ts.encode() + b"." + raw, hashlib.sha256).hexdigest()
    headers = {
        "Content-Type": "application/json",
        "X-Hotline-Timestamp": ts,
        "X-Hotline-Signature": f"sha256={digest}",
    }
    return {"content": raw, "headers": headers}


def agent_assist(client: httpx.Client, texts: List[str], calls: int) -> List[float]:
    """Calls of one topical question and its follow-ups; latency of every caller utterance."""
    samples: List[float] = []
    rng = random.Random(7)
    for _ in range(calls):
        call_id = uuid.uuid4().hex[:12]
        client.post("/webhooks/hotline/call-started", **signed({"call_id": call_id}))
        for text in [rng.choice(texts), *rng.sample(FOLLOW_UPS, 2)]:
            body = {"call_id": call_id, "speaker": "caller", "text": text}
            t0 = time.perf_counter()
            client.post("/webhooks/hotline/utterance", **signed(body)).raise_for_status()
            samples.append((time.perf_counter() - t0) * 1000)
        client.post("/webhooks/hotline/call-ended", **signed({"call_id": call_id}))
    return samples


def wechat_passive(client: httpx.Client, texts: List[str], count: int) -> List[float]:
    """Plain-mode text messages answered passively: request in, reply XML out."""
    samples: List[float] = []
    for text in texts[:count]:
        ts, nonce = str(int(time.time())), uuid.uuid4().hex[:8]
        signature = hashlib.sha1("".join(sorted([WECHAT_TOKEN, ts, nonce])).encode()).hexdigest()
        xml = (
            f"<xml><ToUserName>gh</ToUserName><FromUserName>o{uuid.uuid4().hex}</FromUserName>"
            f"<CreateTime>{ts}</CreateTime><MsgType>text</MsgType>"
            f"<Content><![CDATA[{text}]]></Content><MsgId>{uuid.uuid4().int % 10**18}</MsgId></xml>"
        )
        t0 = time.perf_counter()
        response = client.post(
            "/webhooks/wechat",
            params={"signature": signature, "timestamp": ts, "nonce": nonce},
            content=xml.encode(),
            headers={"Content-Type": "text/xml"},
        )
        response.raise_for_status()
        samples.append((time.perf_counter() - t0) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=40)
    parser.add_argument("--wechat-messages", type=int, default=60)
    parser.add_argument("--rasa-port", type=int)
    parser.add_argument("--action-port", type=int)
    args = parser.parse_args()
    var_dir = Path(tempfile.mkdtemp())
    processes = []
    if args.rasa_port and args.action_port:
        settings = Settings(var_dir=var_dir, rasa_port=args.rasa_port, action_port=args.action_port)
    else:
        settings = Settings(var_dir=var_dir, rasa_port=free_port(), action_port=free_port())
        model = train()
        processes = start(settings, [action_server(settings), rasa_server(settings, model)])
    settings = settings.copy(
        update={"gateway_port": free_port(), "hotline_secret": SECRET, "wechat_token": WECHAT_TOKEN}
    )
    held_out = load_examples(PROJECT_ROOT / "tests" / "nlu")
    texts = [plain_text(e.text) for e in held_out if e.intent not in ("greet", "goodbye", "thank")]
    try:
        with served_gateway(settings) as url, httpx.Client(base_url=url, timeout=30) as client:
            agent_assist(client, texts, 2)  # warm-up
            assist = agent_assist(client, texts, args.calls)
            passive = wechat_passive(client, texts, args.wechat_messages)
    finally:
        stop_all(processes)
    print(f"agent assist, per caller utterance, {args.calls} calls (ms): {percentiles(assist)}")
    print(f"WeChat passive reply, end to end (ms): {percentiles(passive)}")


if __name__ == "__main__":
    main()
