"""Answers guidance and legal questions from the sourced knowledge base."""

from __future__ import annotations

import logging
import re
from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.labels import intent_label
from knowledge.answer import (
    NOT_FOUND,
    Reply,
    available_sections,
    render_choices,
    render_entry,
    render_section,
    section_asked,
)
from knowledge.schema import SECTION_LABELS
from knowledge.search import default_index

logger = logging.getLogger(__name__)

# "帮我申请法治体检" asks to apply now; "怎么申请法治体检" asks how, and gets the guide.
APPLY_NOW = re.compile(
    r"(帮我|我要|我想|给我|替我|想要|现在就?|马上)(申请|报名|预约|登记|约)|在线申请|提交申请"
)
APPLY_BUTTON = {"title": "在线申请法治体检", "payload": '/legal_checkup{"kb_section": "apply"}'}


def _entity(tracker: Tracker, name: str) -> Optional[str]:
    value = next(tracker.get_latest_entity_values(name), None)
    return str(value) if value is not None else None


def question_text(tracker: Tracker) -> str:
    """The user's words to search with.

    A button click arrives as "/intent"; after the fallback's "which one did you mean?" the
    words worth searching are those of the message that was not understood.
    """
    text = (tracker.latest_message.get("text") or "").strip()
    if not text.startswith("/"):
        return text
    for event in reversed(tracker.events):
        if event.get("event") != "user" or (event.get("text") or "").startswith("/"):
            continue
        intent = (event.get("parse_data") or {}).get("intent", {}).get("name")
        return (event.get("text") or "") if intent == "nlu_fallback" else ""
    return ""


class ActionAnswerKnowledge(Action):
    """Best entry for a question; candidates when unsure; an honest "not found" otherwise."""

    def name(self) -> str:
        return "action_answer_knowledge"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        index = default_index()
        entries = {entry.id: entry for entry in index.entries}
        city = _entity(tracker, "city") or tracker.get_slot("city")
        intent = (tracker.latest_message.get("intent") or {}).get("name")

        chosen = entries.get(_entity(tracker, "kb_entry") or "")
        section = _entity(tracker, "kb_section")
        if intent == "legal_checkup" and (
            section == "apply" or APPLY_NOW.search(question_text(tracker))
        ):
            return [FollowupAction("legal_checkup_form")]
        if chosen and section in SECTION_LABELS:
            return self._send(dispatcher, render_section(chosen, section), chosen.id)
        if chosen:
            return self._send(dispatcher, render_entry(chosen, city), chosen.id)

        text = question_text(tracker)
        service = _entity(tracker, "service_item")
        if intent == "inform" and not service:
            # A bare value ("沈阳", "下周一") with no task under way: ask what it is for.
            dispatcher.utter_message(response="utter_ask_topic")
            return []
        query = " ".join(p for p in (text, service or "") if p) or intent_label(intent or "")
        previous = entries.get(tracker.get_slot("kb_entry") or "")
        asked = section_asked(text)
        result = index.search(query, intent=intent, city=city)
        logger.info(
            "knowledge_search",
            extra={
                "intent": intent,
                "hits": [hit.entry.id for hit in result.hits],
                "confident": result.confident,
            },
        )

        # "要带什么材料?" right after an answer asks about that answer's subject.
        best_id = result.best.entry.id if result.best else None
        if asked and previous and (not result.confident or best_id == previous.id):
            return self._send(dispatcher, render_section(previous, asked), previous.id)
        if result.confident and result.best:
            best = result.best.entry
            if asked and asked in available_sections(best):
                return self._send(dispatcher, render_section(best, asked), best.id)
            return self._send(dispatcher, render_entry(best, city), best.id)
        if result.hits:
            self._reply(dispatcher, render_choices([hit.entry for hit in result.hits]))
            return []
        dispatcher.utter_message(text=NOT_FOUND)
        return []

    @staticmethod
    def _reply(dispatcher: CollectingDispatcher, reply: Reply) -> None:
        dispatcher.utter_message(text=reply.text, buttons=reply.buttons or None)

    def _send(
        self, dispatcher: CollectingDispatcher, reply: Reply, entry_id: str
    ) -> List[Dict[str, Any]]:
        if entry_id.startswith("legal_checkup."):
            reply = Reply(reply.text, [*reply.buttons, APPLY_BUTTON])
        self._reply(dispatcher, reply)
        return [SlotSet("kb_entry", entry_id)]
