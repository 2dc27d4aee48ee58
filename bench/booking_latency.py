"""Per-turn latency of a whole booking conversation through the REST channel.

Starts the service API, the action server and Rasa on free ports (SQLite in a temporary folder),
then books, looks up and cancels an appointment `--conversations` times, timing every turn.

python -m bench.booking_latency [--conversations 10]
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any, Dict, List

from bench.common import free_port, percentiles
from bot.model import train
from tests.assistant import Assistant, buttons, start_assistant, texts

PHONE, ID_NUMBER = "13700000001", "11010519491231002X"


def conversation(assistant: Assistant, timings: Dict[str, List[float]]) -> bool:
    """One booking, lookup and cancellation; True when the appointment was booked and cancelled."""
    sender = uuid.uuid4().hex
    last: List[Dict[str, Any]] = []

    def say(step: str, text: str) -> str:
        began = time.perf_counter()
        last[:] = assistant.send(text, sender)
        timings[step].append((time.perf_counter() - began) * 1000)
        return texts(last)

    reply = say("1 ask to book", "帮我约下周三上午去沈阳办驾驶证")
    for _ in range(3):
        if "姓名" in reply:
            break
        choice = next(b["payload"] for b in buttons(last) if b["payload"].startswith("/inform"))
        reply = say("2 choose hall or slot", choice)
    say("3 name", "王小明")
    say("4 phone", PHONE)
    say("5 ID number", ID_NUMBER)
    done = say("6 confirm (books)", "/affirm")
    found = re.search(r"预约号:(AP[0-9A-Z]{8})", done)
    if not found:
        return False
    say("7 cancel request", f"取消预约{found.group(1)}")
    return "已取消" in say("8 confirm cancel", "/affirm")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--conversations", type=int, default=10)
    args = parser.parse_args()
    assistant = start_assistant(
        train(), Path(tempfile.mkdtemp()), free_port(), free_port(), free_port()
    )
    timings: Dict[str, List[float]] = defaultdict(list)
    completed = 0
    try:
        for _ in range(args.conversations):
            completed += conversation(assistant, timings)
    finally:
        assistant.stop()
    print(f"booking conversations completed: {completed}/{args.conversations}")
    every_turn = [ms for samples in timings.values() for ms in samples]
    for step in sorted(timings):
        samples = timings[step]
        print(f"  {step:<24} {percentiles(samples) if len(samples) > 1 else samples}")
    print(f"all turns (ms): {percentiles(every_turn)}")


if __name__ == "__main__":
    main()
