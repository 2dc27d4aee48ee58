"""Messages with nothing to understand (empty, blank, only punctuation or emoji) go to the fallback.

A classifier asked about an empty string still picks some intent; this component, placed after
the FallbackClassifier, makes such messages an explicit `nlu_fallback` with an empty ranking so
the fallback action can tell the user that nothing was received.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from core.text import has_content


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class EmptyMessageGuard(GraphComponent):
    """Marks contentless messages as nlu_fallback with no alternatives."""

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> EmptyMessageGuard:
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if has_content(message.get(TEXT) or ""):
                continue
            intent = {"name": DEFAULT_NLU_FALLBACK_INTENT_NAME, "confidence": 1.0}
            message.set(INTENT, intent, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [], add_to_output=True)
        return messages
