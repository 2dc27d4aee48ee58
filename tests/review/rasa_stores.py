"""Saves conversations through Rasa's own tracker stores, as the Rasa server does.

Runs in the Rasa environment; the review tests (application environment) call `save` and
pass the conversations as Rasa's JSON events.

    .venv-rasa/bin/python -m tests.review.rasa_stores sql DB_PATH < conversations.json
    .venv-rasa/bin/python -m tests.review.rasa_stores redis KEY_PREFIX DB < conversations.json
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from typing import Any, Dict, List

from core.paths import PROJECT_ROOT

Conversations = Dict[str, List[Dict[str, Any]]]


def action(name: str) -> Dict[str, Any]:
    return {"event": "action", "name": name}


def user(text: str, parse_data: Dict[str, Any]) -> Dict[str, Any]:
    return {"event": "user", "text": text, "parse_data": parse_data}


def bot(text: str, response: str = "") -> Dict[str, Any]:
    """An assistant message; `response` names the domain response it was rendered from."""
    return {
        "event": "bot",
        "text": text,
        "metadata": {"utter_action": response} if response else {},
    }


def slot(name: str, value: Any) -> Dict[str, Any]:
    return {"event": "slot", "name": name, "value": value}


def save(conversations: Conversations, *store: str) -> None:
    """Store `conversations` with the Rasa environment's tracker store `store` (sql | redis)."""
    python = os.path.join(os.environ.get("RASA_VENV") or PROJECT_ROOT / ".venv-rasa", "bin/python")
    subprocess.run(
        [python, "-m", "tests.review.rasa_stores", *store],
        input=json.dumps(conversations).encode(),
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
        check=True,
    )


def main(argv: List[str]) -> int:
    from rasa.core.tracker_store import RedisTrackerStore, SQLTrackerStore, TrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import Event
    from rasa.shared.core.trackers import DialogueStateTracker

    conversations: Conversations = json.load(sys.stdin)
    domain = Domain.load(str(PROJECT_ROOT / "domain.yml"))
    store: TrackerStore
    if argv[0] == "sql":
        store = SQLTrackerStore(domain, dialect="sqlite", db=argv[1])
    else:
        store = RedisTrackerStore(
            domain, host="127.0.0.1", port=6379, db=int(argv[2]), key_prefix=argv[1]
        )

    async def save_all() -> None:
        for sender, events in conversations.items():
            tracker = DialogueStateTracker.from_events(
                sender, [Event.from_parameters(e) for e in events], slots=domain.slots
            )
            await store.save(tracker)

    asyncio.run(save_all())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
