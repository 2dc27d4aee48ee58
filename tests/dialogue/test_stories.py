"""The conversation tests of tests/test_stories.yml, played against the running assistant.

Each story is sent turn by turn through the REST channel; the tracker then shows which intent
each message got and which actions ran. Unlike `rasa test core`, this runs the real NLU, the
real custom actions and the real channel, so a story passes only if the conversation works.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest
import yaml

from tests.assistant import Assistant

pytestmark = pytest.mark.rasa

STORIES = Path(__file__).resolve().parents[1] / "test_stories.yml"
Turn = Tuple[str, str, List[str]]  # text, intent, actions that follow


def load_stories() -> Dict[str, List[Turn]]:
    data = yaml.safe_load(STORIES.read_text(encoding="utf-8"))
    stories: Dict[str, List[Turn]] = {}
    for story in data["stories"]:
        turns: List[Turn] = []
        for step in story["steps"]:
            if "user" in step:
                turns.append((step["user"].strip(), step["intent"], []))
            elif "action" in step:
                turns[-1][2].append(step["action"])
        stories[story["story"]] = turns
    return stories


def played(events: List[Dict[str, Any]]) -> List[Turn]:
    """The (text, intent, actions) turns a tracker's events show."""
    turns: List[Turn] = []
    for event in events:
        if event["event"] == "user":
            turns.append((event["text"], event["parse_data"]["intent"]["name"], []))
        elif event["event"] == "action" and turns and event["name"] != "action_listen":
            turns[-1][2].append(event["name"])
    return turns


def test_every_story_has_turns() -> None:
    stories = load_stories()
    assert len(stories) >= 20
    assert all(turns and all(actions for _, _, actions in turns) for turns in stories.values())


@pytest.mark.parametrize(("name", "turns"), list(load_stories().items()))
def test_story(assistant: Assistant, name: str, turns: List[Turn]) -> None:
    sender = uuid.uuid4().hex
    for text, _, _ in turns:
        assert assistant.send(text, sender), f"no reply to {text!r}"
    assert played(assistant.tracker(sender)["events"]) == turns
