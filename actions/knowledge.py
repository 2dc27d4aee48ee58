"""Answers guidance and legal questions from the sourced knowledge base, within the topic.

The conversation's topic (`kb_topic`: the entry or articles answered last, its service and city)
lets "要带什么材料", "在大连呢" or "他没提前30天通知就走了呢" be answered about what was just said,
whatever intent NLU guessed for them. `action_answer_knowledge` serves the guidance and legal
intents, bare values and messages NLU could not place; `action_reply_in_context` serves thanks,
goodbyes, yes and no outside a task, which are often follow-ups in disguise.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from knowledge.answer import Reply, render_entry, render_section
from knowledge.followup import Topic, is_greeting, read_cues, without_clearing
from knowledge.kinds import AnswerKind
from knowledge.labels import intent_label
from knowledge.law_search import question_concepts
from knowledge.resolve import Answer, default_resolver
from knowledge.schema import SECTION_LABELS

logger = logging.getLogger(__name__)

# "帮我申请法治体检" asks to apply now; "怎么申请法治体检" asks how, and gets the guide.
APPLY_NOW = re.compile(
    r"(帮我们?|[我咱]们?(就|也)?(要|想|打算|准备)|给我们?|替我们?|想要|现在就?|马上|那就)"
    r"(申请|报名|预约|登记|约|办)|在线申请|提交申请|申请一个|报个名"
)
APPLY_BUTTON = {"title": "在线申请法治体检", "payload": '/legal_checkup{"kb_section": "apply"}'}
# Above this NLU confidence an out_of_scope message is not searched for a legal answer.
SURE_OUT_OF_SCOPE = 0.9
NEW_QUESTION = "好的,请说您想咨询的新问题。"
# What a thanks, goodbye, yes or no gets when it is only that.
STOCK_REPLIES = {
    "greet": "utter_greet",
    "goodbye": "utter_goodbye",
    "thank": "utter_you_are_welcome",
    "affirm": "utter_ok",
    "deny": "utter_deny_ack",
    "out_of_scope": "utter_out_of_scope",
}


# Words that close a conversation: a goodbye, or "nothing else" after thanks.
CLOSING = re.compile(r"再见|拜拜|bye|88|没事了|没有?别的|没其他|就这些|没有了", re.IGNORECASE)


def small_talk_reply(text: str) -> str:
    """The stock reply for thanks, goodbyes and okays told apart by their words."""
    if CLOSING.search(text):
        return "utter_goodbye"
    if re.search(r"谢", text):
        return "utter_you_are_welcome"
    return "utter_ok"


def _entity(tracker: Tracker, name: str) -> Optional[str]:
    value = next(tracker.get_latest_entity_values(name), None)
    return str(value) if value is not None else None


def _one_service(tracker: Tracker) -> Optional[str]:
    """The service the message names, when it names one: a message naming two ("居住证每年都得
    签注吗": 居住证办理 and 居住证签注) pins neither, and the search weighs both words."""
    named = {str(value) for value in tracker.get_latest_entity_values("service_item")}
    return named.pop() if len(named) == 1 else None


def wants_checkup_form(
    intent: Optional[str], text: str, topic: Optional[Topic], section: Optional[str]
) -> bool:
    """The user asks to apply for a legal check-up now: named, or "帮我申请" right after the
    check-up guide, whatever intent NLU gave those two words."""
    about_checkup = topic is not None and (topic.entry or "").startswith("legal_checkup.")
    if intent != "legal_checkup" and not about_checkup:
        return False
    return section == "apply" or bool(APPLY_NOW.search(text))


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


def current_topic(tracker: Tracker) -> Optional[Topic]:
    return Topic.from_slot(tracker.get_slot("kb_topic"))


def send(dispatcher: CollectingDispatcher, reply: Reply, entry_id: Optional[str]) -> None:
    buttons = list(reply.buttons)
    if entry_id and entry_id.startswith("legal_checkup."):
        buttons.append(APPLY_BUTTON)
    dispatcher.utter_message(text=reply.text, buttons=buttons or None)


def remember(answer: Answer, previous: Optional[Topic]) -> List[EventType]:
    """Slot events that make the answer the conversation's topic."""
    topic = answer.topic or previous
    events: List[EventType] = [SlotSet("kb_topic", topic.to_slot() if topic else None)]
    if answer.entry:
        events.append(SlotSet("kb_entry", answer.entry))
    return events


def forget_topic() -> List[EventType]:
    return [SlotSet("kb_topic", None), SlotSet("kb_entry", None)]


class ActionAnswerKnowledge(Action):
    """Best entry or articles for a question; candidates when unsure; an honest "not found"."""

    def name(self) -> str:
        return "action_answer_knowledge"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        resolver = default_resolver()
        city = _entity(tracker, "city") or tracker.get_slot("city")
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        topic = current_topic(tracker)

        chosen = resolver.entries.get(_entity(tracker, "kb_entry") or "")
        section = _entity(tracker, "kb_section")
        text = question_text(tracker)
        if wants_checkup_form(intent, text, topic, section):
            return [FollowupAction("legal_checkup_form")]
        if chosen:
            reply = (
                render_section(chosen, section)
                if section in SECTION_LABELS
                else render_entry(chosen, city)
            )
            send(dispatcher, reply, chosen.id)
            clicked = Topic("entry", chosen.id, chosen.service, city, chosen.title)
            return remember(Answer(reply, AnswerKind.ENTRY, clicked, chosen.id), topic)

        cues = read_cues(text)
        cleared: List[EventType] = []
        if cues.clears:
            # "换个问题,公司被列入经营异常名录了咋办": the new question comes with the change.
            text, topic, cleared = without_clearing(text), None, forget_topic()
            if len(text) < 4:
                dispatcher.utter_message(text=NEW_QUESTION)
                return cleared
            cues = read_cues(text)
        if cues.small_talk:
            # "谢谢拜拜" that NLU could not place is still only thanks and a goodbye.
            dispatcher.utter_message(response=small_talk_reply(text))
            return cleared
        service = _one_service(tracker)
        if intent == "inform" and not service and not topic:
            # A bare value ("沈阳", "下周一") with no task or topic: ask what it is for.
            dispatcher.utter_message(response="utter_ask_topic")
            return []
        if intent == "inform" and not service:
            # "周六开门不" after an answer about a hall: a value that completes the topic.
            intent = "nlu_fallback"
        query = text or intent_label(intent or "")
        answer = resolver.respond(query, intent=intent, city=city, service=service, topic=topic)
        logger.info(
            "knowledge_answer",
            extra={"intent": intent, "kind": answer.kind, "entry": answer.entry},
        )
        if intent == "nlu_fallback" and not answer.placed:
            # Neither NLU nor the knowledge base can place it: ask which one, then to rephrase.
            return [*cleared, FollowupAction("action_two_stage_fallback")]
        send(dispatcher, answer.reply, answer.entry)
        return [*cleared, *remember(answer, topic)]


class ActionReplyInContext(Action):
    """Thanks, goodbye, yes or no, unless the words are a follow-up or a legal question."""

    def name(self) -> str:
        return "action_reply_in_context"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
        text = (tracker.latest_message.get("text") or "").strip()
        topic = current_topic(tracker)
        cues = read_cues(text)
        if wants_checkup_form(intent, text, topic, None):
            return [FollowupAction("legal_checkup_form")]
        if intent == "greet" and (topic is None or is_greeting(text)):
            # A greeting starts afresh; "在大连呢" taken for one still follows the topic.
            dispatcher.utter_message(response="utter_greet")
            return forget_topic()
        if cues.clears and len(without_clearing(text)) < 4:
            dispatcher.utter_message(text=NEW_QUESTION)
            return forget_topic()
        if cues.clears:
            return [*forget_topic(), FollowupAction("action_answer_knowledge")]
        if not cues.small_talk and not text.startswith("/"):
            resolver = default_resolver()
            city = _entity(tracker, "city") or tracker.get_slot("city")
            answer: Optional[Answer] = None
            # More than thanks or a yes: NLU misplaced the message, so read it as one it could
            # not place ("嘎哈非得办这个证,有啥用啊" taken for a yes).
            unplaced = "nlu_fallback"
            if topic and resolver.follows(topic, cues, unplaced, text):
                answer = resolver.in_topic(topic, text, cues, city, unplaced)
            elif question_concepts(text) and not sure_out_of_scope(tracker):
                answer = resolver.legal(text, concept_text=text, topic=topic)
                answer = None if answer.kind.declines else answer
            elif intent != "out_of_scope":
                answer = resolver.respond(text, intent=unplaced, city=city, topic=topic)
                answer = answer if answer.kind in (AnswerKind.ENTRY, AnswerKind.SECTION) else None
            if answer is not None and answer.placed:
                send(dispatcher, answer.reply, answer.entry)
                return remember(answer, topic)
        if intent == "affirm" and not cues.small_talk and asked_to_rephrase(tracker):
            # "就是那个呗你懂的" after "能换个说法吗" is no yes to anything: the second unclear
            # turn in a row, so point to 12345 and a person instead of "好的" and a dead end.
            dispatcher.utter_message(response="utter_default")
            return []
        if cues.small_talk and CLOSING.search(text):
            # "没别的了" after thanks closes the conversation, whatever NLU called it (deny).
            dispatcher.utter_message(response="utter_goodbye")
            return []
        dispatcher.utter_message(response=STOCK_REPLIES.get(intent, "utter_default"))
        return []


def sure_out_of_scope(tracker: Tracker) -> bool:
    """NLU is sure the message is outside the assistant's services ("暖气不热找谁", "个体户开普票
    税率多少"): a legal word in it ("找谁", "个体户") does not make it a legal question."""
    intent = tracker.latest_message.get("intent") or {}
    confidence = float(intent.get("confidence") or 0.0)
    return intent.get("name") == "out_of_scope" and confidence >= SURE_OUT_OF_SCOPE


def asked_to_rephrase(tracker: Tracker) -> bool:
    """The assistant's last message asked the user to say it another way."""
    for event in reversed(tracker.events):
        if event.get("event") == "bot":
            return (event.get("metadata") or {}).get("utter_action") == "utter_ask_rephrase"
    return False


class ActionDefaultFallback(Action):
    """The last resort, after the two-stage fallback gave up or no rule applied.

    The knowledge base is asked once more with the topic, so "变更要带什么材料" after two unclear
    turns still gets the materials; only when nothing fits is the user pointed to 12345.
    """

    def name(self) -> str:
        return "action_default_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        text = (tracker.latest_message.get("text") or "").strip()
        if text and not text.startswith("/"):
            answered = answer_unplaced(dispatcher, tracker, text)
            if answered is not None:
                return answered
        dispatcher.utter_message(response="utter_default")
        return [UserUtteranceReverted()]


def answer_unplaced(
    dispatcher: CollectingDispatcher, tracker: Tracker, text: str
) -> Optional[List[EventType]]:
    """Answer a message NLU could not place from the knowledge base, within the topic.

    None when nothing fits. The events end the turn: without the explicit listen, no rule would
    match it and a fallback would be predicted again.
    """
    topic = current_topic(tracker)
    city = _entity(tracker, "city") or tracker.get_slot("city")
    answer = default_resolver().respond(text, intent="nlu_fallback", city=city, topic=topic)
    if not answer.placed:
        return None
    send(dispatcher, answer.reply, answer.entry)
    return [*remember(answer, topic), FollowupAction("action_listen")]
