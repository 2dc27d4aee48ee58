"""Whole scripted 12345 calls through the hotline webhooks: is the work order right at the end?

python -m bench.desk_calls [--set NAME] [--errors] [--rasa-port P]

For each call of tests/connectors/desk_calls/<set>.yml, every line is posted to the gateway's
signed webhooks as the platform would, and the work order of the call's end is compared with
the call's expectation. Prints:
- category accuracy (the work order's category key against the expected one);
- department accuracy: the unit of connectors/hotline/routing.yml, and the full dispatchable
  name with the city ("沈阳市市场监督管理局");
- the share of the expected category's required fields filled from the call's words alone;
- agent-assist latency per caller line, through the gateway (Rasa parse included).

Without --rasa-port it starts its own Rasa server on the trained model. A held-out set
(heldoutN) is measured once, before anything is built on it; the sets measured before, and the
train* sets written for fitting, are development sets (--errors lists what they got wrong).
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, List, Optional

import httpx
import yaml

from bench.agent_assist_latency import SECRET, signed
from bench.common import free_port, percentiles, served_gateway
from bot.model import train
from bot.run import rasa_server, start, stop_all
from bot.settings import Settings
from connectors.hotline.dispatch import default_table
from connectors.hotline.workorder import required_fields
from core.paths import PROJECT_ROOT
from knowledge.followup import known_cities

CALLS_DIR = PROJECT_ROOT / "tests" / "connectors" / "desk_calls"
AGENT_PREFIX = "坐席:"


@dataclass
class Outcome:
    call: Dict[str, Any]
    order: Dict[str, Any]
    entities: Dict[str, str]
    latencies: List[float] = field(default_factory=list)

    @property
    def expected_department(self) -> str:
        return default_table().department(self.call["unit"], self.call.get("city") or None)

    @property
    def category_right(self) -> bool:
        return bool(self.order.get("intent") == self.call["category"])

    @property
    def unit_right(self) -> bool:
        """The expected unit, in whatever city the order names (the tax bureau's name has the
        city inside it, 国家税务总局沈阳市税务局, so no suffix comparison)."""
        department = str(self.order.get("department", ""))
        table = default_table()
        named = {table.department(self.call["unit"], None)}
        named |= {table.department(self.call["unit"], city) for city in known_cities()}
        return department in named

    @property
    def department_right(self) -> bool:
        return bool(self.order.get("department") == self.expected_department)

    def required(self) -> List[str]:
        return list(required_fields(self.call["category"]))

    def filled(self) -> List[str]:
        return [name for name in self.required() if self.entities.get(name)]


def load_calls(name: str) -> List[Dict[str, Any]]:
    data = yaml.safe_load((CALLS_DIR / f"{name}.yml").read_text(encoding="utf-8"))
    return list(data["calls"])


def post(client: httpx.Client, event: str, body: Dict[str, object]) -> httpx.Response:
    request = signed(body)
    response = client.post(
        f"/webhooks/hotline/{event}",
        content=request["content"],  # type: ignore[arg-type]
        headers=request["headers"],  # type: ignore[arg-type]
    )
    response.raise_for_status()
    return response


def run_call(client: httpx.Client, call: Dict[str, Any]) -> Outcome:
    call_id = f"bench-{call['id']}-{uuid.uuid4().hex[:6]}"
    # The platform sends its own times with its events.
    now = datetime.now(timezone.utc).isoformat()
    post(client, "call-started", {"call_id": call_id, "started_at": now})
    latencies: List[float] = []
    for line in call["lines"]:
        agent = line.startswith(AGENT_PREFIX)
        body = {
            "call_id": call_id,
            "speaker": "agent" if agent else "caller",
            "text": line.removeprefix(AGENT_PREFIX),
        }
        t0 = time.perf_counter()
        post(client, "utterance", body)
        if not agent:
            latencies.append((time.perf_counter() - t0) * 1000)
    order = post(client, "call-ended", {"call_id": call_id}).json()["work_order"] or {}
    entities = {_entity_key(label): value for label, value in order.get("fields", {}).items()}
    return Outcome(call, order, entities, latencies)


def _entity_key(label: str) -> str:
    from connectors.hotline.workorder import FIELD_LABELS

    return next((key for key, value in FIELD_LABELS.items() if value == label), label)


def report(outcomes: List[Outcome], errors: bool) -> None:
    n = len(outcomes)
    category = sum(o.category_right for o in outcomes) / n
    unit = sum(o.unit_right for o in outcomes) / n
    department = sum(o.department_right for o in outcomes) / n
    required = sum(len(o.required()) for o in outcomes)
    filled = sum(len(o.filled()) for o in outcomes)
    latencies = [ms for o in outcomes for ms in o.latencies]
    print(f"calls: {n}, caller lines: {len(latencies)}")
    print(f"category accuracy: {category:.3f}")
    print(f"department accuracy (unit): {unit:.3f}")
    print(f"department accuracy (unit and city): {department:.3f}")
    print(f"required fields filled without typing: {filled}/{required} = {filled / required:.3f}")
    print(f"agent assist per caller line (ms): {percentiles(latencies)}")
    if not errors:
        return
    for o in outcomes:
        if o.category_right and o.department_right:
            continue
        print(
            f"- {o.call['id']}: category {o.order.get('intent')} (expected {o.call['category']}),"
            f" department {o.order.get('department')} (expected {o.expected_department})"
        )
        for line in o.call["lines"]:
            print(f"    {line}")


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--set",
        default="dev",
        choices=sorted(path.stem for path in CALLS_DIR.glob("*.yml")),
    )
    parser.add_argument("--errors", action="store_true", help="list the calls it got wrong")
    parser.add_argument("--rasa-port", type=int)
    parser.add_argument(
        "--gateway-url", help="a running gateway (HOTLINE_SECRET=bench-secret) instead of one here"
    )
    args = parser.parse_args(argv)
    calls = load_calls(args.set)
    if args.gateway_url:
        with httpx.Client(base_url=args.gateway_url, timeout=30) as client:
            run_call(client, calls[0])
            outcomes = [run_call(client, call) for call in calls]
        print(f"set: {args.set} ({CALLS_DIR / (args.set + '.yml')}), gateway {args.gateway_url}")
        report(outcomes, args.errors)
        return
    var_dir = Path(tempfile.mkdtemp())
    processes = []
    if args.rasa_port:
        settings = Settings(var_dir=var_dir, rasa_port=args.rasa_port)
    else:
        settings = Settings(var_dir=var_dir, rasa_port=free_port(), action_port=free_port())
        processes = start(settings, [rasa_server(settings, train())])
    settings = settings.model_copy(
        update={"gateway_port": free_port(), "hotline_secret": SECRET, "redis_url": ""}
    )
    try:
        with served_gateway(settings) as url, httpx.Client(base_url=url, timeout=30) as client:
            run_call(client, calls[0])  # warm-up: the first parse loads Rasa's pipeline
            outcomes = [run_call(client, call) for call in calls]
    finally:
        stop_all(processes)
    print(f"set: {args.set} ({CALLS_DIR / (args.set + '.yml')})")
    report(outcomes, args.errors)


if __name__ == "__main__":
    main()
