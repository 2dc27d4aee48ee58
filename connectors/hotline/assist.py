"""Agent assist for one caller utterance: intent and entities from Rasa, answers from knowledge/."""

from __future__ import annotations

import asyncio
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from connectors.rasa import RasaClient
from core.masking import mask_id_number, mask_phone, mask_text
from knowledge.answer import LEGAL_DISCLAIMER, needs_disclaimer
from knowledge.schema import Entry
from knowledge.search import KnowledgeIndex

from . import workorder
from .calls import CallState
from .models import Assist, Suggestion

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


def topical_ranking(parse: Dict[str, Any], limit: int = 2) -> List[Tuple[str, float]]:
    """The likeliest intents that name a topic, with their confidence."""
    ranking = parse.get("intent_ranking") or [parse.get("intent") or {}]
    pairs = [(str(i.get("name") or ""), float(i.get("confidence") or 0.0)) for i in ranking]
    return [(n, c) for n, c in pairs if n and n not in workorder.CONTROL_INTENTS][:limit]


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
        ranking = topical_ranking(parse) if intent not in workorder.CONTROL_INTENTS else []
        if ranking:
            state.topic_text = mask_text(text, keep_references=True)
            query, intents = text, [name for name, _ in ranking]
        else:
            # "沈阳" or "信用代码是…" alone is no question: it completes the call's topic, so
            # search that topic again, now in the caller's city.
            topic = workorder.topic_intent(state.intents)
            query, intents = f"{state.topic_text} {text}".strip(), [topic] if topic else []
        suggestions = (
            await asyncio.to_thread(suggest, self.index(), query, intents, entities.get("city"))
            if query
            else []
        )
        if not suggestions and state.assist and not ranking:
            suggestions = state.assist.suggestions
        department = suggestions[0].department if suggestions else ""
        order = workorder.draft(state.intents, state.caller_texts(), entities, department)
        return Assist(
            call_id=state.call_id,
            intent=intent,
            intent_confidence=round(confidence, 3),
            suggestions=suggestions,
            entities=entities,
            work_order=order,
            next_question=workorder.next_question(workorder.topic_intent(state.intents), entities),
        )
