"""The names a trainer may use: intents and entities of docs/intents.md, knowledge entry ids."""

from __future__ import annotations

from typing import Dict, List

from core.intents import intents
from knowledge.labels import DIALOGUE_INTENTS, intent_label

# docs/intents.md: dialogue-control intents need fewer examples than the content intents.
MIN_EXAMPLES_DIALOGUE = 15
MIN_EXAMPLES_CONTENT = 40


def minimum_examples(intent: str) -> int:
    return MIN_EXAMPLES_DIALOGUE if intent in DIALOGUE_INTENTS else MIN_EXAMPLES_CONTENT


def intent_choices() -> List[Dict[str, str]]:
    """Intents with their Chinese labels, for the trainer page."""
    return [{"name": name, "label": intent_label(name)} for name in sorted(intents())]


def knowledge_entries() -> Dict[str, str]:
    """Knowledge entry id → title; empty when the knowledge files do not load."""
    from knowledge.store import KnowledgeError, default_entries

    try:
        return {entry.id: entry.title for entry in default_entries()}
    except KnowledgeError:
        return {}
