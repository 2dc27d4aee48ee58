"""NLU component at the head of the pipeline: every channel, `rasa shell` and `rasa test` see
the same normalised text."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, ENTITY_ATTRIBUTE_END, ENTITY_ATTRIBUTE_START, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from core.text import normalize


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class ChineseNormalizer(GraphComponent):
    """Traditional → Simplified, full-width → half-width, whitespace; remaps entity offsets."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        # Very long messages are cut for the model (head and tail kept: rambling stories
        # usually end with the question); the tracker keeps the user's full text.
        return {"max_chars": 600, "head_chars": 150}

    def __init__(self, config: Dict[str, Any]) -> None:
        self._max_chars = int(config["max_chars"])
        self._head_chars = int(config["head_chars"])

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ChineseNormalizer:
        return cls(config)

    def _normalize_message(self, message: Message, training: bool) -> None:
        text = message.get(TEXT)
        if not isinstance(text, str):
            return
        normalized = normalize(text)
        new_text = normalized.text
        if not training and len(new_text) > self._max_chars:
            tail = self._max_chars - self._head_chars
            new_text = new_text[: self._head_chars] + " " + new_text[-tail:]
        message.set(TEXT, new_text)
        entities = message.get(ENTITIES) or []
        for entity in entities:
            if ENTITY_ATTRIBUTE_START in entity and ENTITY_ATTRIBUTE_END in entity:
                start, end = normalized.map_span(
                    entity[ENTITY_ATTRIBUTE_START], entity[ENTITY_ATTRIBUTE_END]
                )
                entity[ENTITY_ATTRIBUTE_START], entity[ENTITY_ATTRIBUTE_END] = start, end

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for example in training_data.training_examples:
            self._normalize_message(example, training=True)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._normalize_message(message, training=False)
        return messages
