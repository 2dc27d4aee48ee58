"""Actions for dialogue control: fallback clarification, human handoff, empty messages."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from core.text import has_content
from knowledge.answer import entry_button
from knowledge.labels import DIALOGUE_INTENTS, INTENT_LABELS
from knowledge.search import default_index

# Intents worth offering as a guess: offering "打招呼" or "确认" as a topic helps nobody.
_OFFERABLE = set(INTENT_LABELS) - set(DIALOGUE_INTENTS) | {"human_handoff"}


def top_intents(tracker: Tracker, count: int = 2) -> List[str]:
    """The `count` likeliest offerable intents of the latest message."""
    ranking = tracker.latest_message.get("intent_ranking") or []
    names = [item.get("name") for item in ranking]
    return [n for n in names if n in _OFFERABLE][:count]


class ActionDefaultAskAffirmation(Action):
    """First stage of the two-stage fallback: the closest knowledge entries, plus "都不是".

    The knowledge base has already been searched and was not sure; its best candidates are
    still the most useful guesses. Intents are offered only when it found nothing at all.
    """

    def name(self) -> str:
        return "action_default_ask_affirmation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        if not has_content(tracker.latest_message.get("text") or ""):
            dispatcher.utter_message(response="utter_empty_message")
            return []
        hits = default_index().search(tracker.latest_message.get("text") or "").hits
        buttons = [entry_button(hit.entry) for hit in hits[:3]] or [
            {"title": INTENT_LABELS[intent], "payload": f"/{intent}"}
            for intent in top_intents(tracker)
        ]
        # Rasa's two-stage fallback reads out_of_scope as "none of these" and asks to rephrase.
        buttons.append({"title": "都不是", "payload": "/out_of_scope"})
        dispatcher.utter_message(text="我不太确定您想问的是哪一项,请选一下:", buttons=buttons)
        return []


class ActionHumanHandoff(Action):
    """Tell the user how to reach a person and mark the conversation for the connectors."""

    def name(self) -> str:
        return "action_human_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        dispatcher.utter_message(response="utter_handoff", json_message={"handoff": True})
        return [SlotSet("handoff_requested", True)]
