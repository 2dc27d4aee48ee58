"""Agent assist for one caller utterance: intent and entities from Rasa, answers from knowledge/."""

from __future__ import annotations

import asyncio
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from connectors.rasa import RasaClient
from core.masking import mask_id_number, mask_phone
from knowledge.answer import LEGAL_DISCLAIMER, needs_disclaimer
from knowledge.schema import Entry
from knowledge.search import KnowledgeIndex

from . import subject, workorder
from .calls import CallState
from .facts import call_facts
from .lexicon import in_liaoning
from .models import Assist, Suggestion
from .summary import summarize

# Entities shown to the agent and copied into the work order (docs/intents.md names).
CALL_ENTITIES = frozenset(workorder.FIELD_LABELS)
MASKERS: Dict[str, Callable[[str], str]] = {"phone": mask_phone, "id_number": mask_id_number}
SUGGESTIONS = 3


def extract_entities(parse: Dict[str, Any]) -> Dict[str, str]:
    """The call-relevant entities of a parse result, personal numbers masked."""
    found: Dict[str, str] = {}
    for item in parse.get("entities") or []:
        name = item.get("entity")
        value = item.get("value")
        if name not in CALL_ENTITIES or value in (None, ""):
            continue
        text = str(value).strip()
        found[name] = MASKERS.get(name, str)(text)
    return found


def intent_ranking(parse: Dict[str, Any]) -> List[Tuple[str, float]]:
    """NLU's intents for the line with their confidence, likeliest first."""
    ranking = parse.get("intent_ranking") or [parse.get("intent") or {}]
    pairs = [(str(i.get("name") or ""), float(i.get("confidence") or 0.0)) for i in ranking]
    return [(n, c) for n, c in pairs if n]


def suggestion_text(entry: Entry, city: Optional[str]) -> str:
    """What the agent can read out: the entry's answer, its region and any legal disclaimer."""
    text = entry.answer.strip()
    if entry.region not in ("辽宁", city):
        text = f"【{entry.region}】{text}"
    if needs_disclaimer(entry):
        text = f"{text}\n{LEGAL_DISCLAIMER}"
    return text


def suggest(
    index: KnowledgeIndex, query: str, intents: Sequence[str], city: Optional[str]
) -> List[Suggestion]:
    """Up to three answers: the best for the likeliest intent first, then for the runner-up."""
    chosen: Dict[str, Suggestion] = {}
    for intent in [*intents, None][:3]:
        for hit in index.search(query, intent=intent, city=city, limit=SUGGESTIONS).hits:
            entry = hit.entry
            if entry.id in chosen:
                continue
            chosen[entry.id] = Suggestion(
                id=entry.id,
                title=entry.title,
                text=suggestion_text(entry, city),
                source=entry.sources_line(),
                verified=entry.verified,
                department=entry.department.split(";")[0],
                intent=intent if intent in entry.intents else entry.intents[0],
                score=round(hit.score, 3),
            )
        if len(chosen) >= SUGGESTIONS:
            break
    return list(chosen.values())[:SUGGESTIONS]


class AgentAssist:
    def __init__(self, rasa: RasaClient, index: Callable[[], KnowledgeIndex]) -> None:
        self.rasa = rasa
        self.index = index

    async def on_caller(self, state: CallState, text: str) -> Assist:
        """Update `state` with one caller utterance and return what the agent should see."""
        parse = await self.rasa.parse(text, key=state.call_id)
        intent = str((parse.get("intent") or {}).get("name") or "")
        confidence = float((parse.get("intent") or {}).get("confidence") or 0.0)
        previous = state.assist.entities if state.assist else {}
        entities = {**previous, **extract_entities(parse)}
        state.intents.append(intent)
        reading = subject.read_line(text, intent_ranking(parse))
        state.readings.append(reading)
        assist = await self.refresh(state, text, entities, reading)
        return assist.model_copy(
            update={"intent": intent, "intent_confidence": round(confidence, 3)}
        )

    async def refresh(
        self,
        state: CallState,
        text: str,
        entities: Dict[str, str],
        reading: Optional[subject.LineReading] = None,
    ) -> Assist:
        """The suggestions and draft for the call's subject as its evidence now stands."""
        category = subject.subject(state.readings, state.pinned)
        answer_intent = subject.answer_intent(category)
        texts = state.caller_texts()
        opening = subject.opening_index(state.readings)
        offset = len(texts) - len(state.readings)
        if opening is not None and 0 <= opening + offset < len(texts):
            state.topic_text = texts[opening + offset]
        states_purpose = opening is not None and opening == len(state.readings) - 1
        # A line that adds details, or asks more about the same matter, is searched together
        # with the line that stated the purpose, under the call's subject.
        query = text if states_purpose or not state.topic_text else f"{state.topic_text} {text}"
        intents = [answer_intent] if answer_intent else []
        if reading is not None and reading.kind in ("ask", "switch"):
            intents += [n for n, _ in reading.ranking if n not in intents][:1]
        suggestions = (
            await asyncio.to_thread(suggest, self.index(), query, intents, entities.get("city"))
            if query
            else []
        )
        if not suggestions and state.assist:
            suggestions = state.assist.suggestions
        # The call's facts (enterprise, places and the city they imply, amounts …) are read
        # from all its lines again: a short form said now may name the enterprise said before.
        facts = call_facts(texts)
        entities = {**entities, **facts.entities()}
        # The order's city is where the matter is in Liaoning (CallFacts.city): a city the NLU
        # found elsewhere has no office of this line.
        if not in_liaoning(entities.get("city", "")):
            entities.pop("city", None)
        summary = summarize(facts, category, " ".join(texts), state.summary_edit)
        order = workorder.draft(category, texts, entities, summary, bool(state.pinned))
        if state.department:
            order.department, order.department_pinned = state.department, True
        last = state.assist
        return Assist(
            call_id=state.call_id,
            intent=last.intent if last else "",
            intent_confidence=last.intent_confidence if last else 0.0,
            suggestions=suggestions,
            entities=entities,
            work_order=order,
            next_question=workorder.next_question(category, entities),
        )
