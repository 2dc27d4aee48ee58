"""Entity extractor for closed vocabularies and fixed formats, placed after DIET.

DIET learns entities from context but mislabels numbers and misspells values; the vocabularies
(cities, districts, service names with their synonyms) and the formats (phone, ID, credit code,
case and appointment numbers, time) are known exactly, so this component recognises them
deterministically, gives canonical values, and drops DIET's guesses that overlap them.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Dict, List, Optional, Sequence, Tuple

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.timeparse import extract_times
from core.patterns import Match, find_patterns
from core.text import normalize_text

logger = logging.getLogger(__name__)

VOCABULARY_ENTITIES = ("city", "district", "service_item")
PATTERN_ENTITIES = ("phone", "id_number", "uscc", "case_number", "appointment_id", "time")
# Names DIET finds from context; place names inside them are not separate entities.
PROTECTED_ENTITIES = ("enterprise_name",)
_FILE = "vocabulary.json"


class Vocabulary:
    """Surface form → (entity, canonical value), matched longest-leftmost."""

    def __init__(self, forms: Dict[str, Tuple[str, str]]) -> None:
        self.forms = forms
        self._lengths = sorted({len(form) for form in forms}, reverse=True)

    def find(self, text: str, taken: List[Match]) -> List[Match]:
        found: List[Match] = []
        i = 0
        while i < len(text):
            match = self._match_at(text, i)
            if match and not any(match.overlaps(t) for t in taken):
                found.append(match)
                i = match.end
            else:
                i += 1
        return found

    def _match_at(self, text: str, i: int) -> Optional[Match]:
        for length in self._lengths:
            form = text[i : i + length]
            if len(form) == length and form in self.forms:
                entity, value = self.forms[form]
                # 吉林省 is a province, not the city of 吉林.
                if entity == "city" and text[i + length : i + length + 1] == "省":
                    continue
                return Match(entity, i, i + length, value)
        return None


def build_vocabulary(training_data: TrainingData, min_length: int = 2) -> Dict[str, List[str]]:
    """Surface forms from the lookup tables and from annotated examples, with canonical values."""
    synonyms = {normalize_text(k): v for k, v in training_data.entity_synonyms.items()}
    forms: Dict[str, List[str]] = {}
    for table in training_data.lookup_tables:
        if table.get("name") not in VOCABULARY_ENTITIES:
            continue
        for element in table.get("elements", []):
            form = normalize_text(str(element))
            if len(form) >= min_length:
                forms[form] = [table["name"], synonyms.get(form, form)]
    for example in training_data.entity_examples:
        text = example.get(TEXT) or ""
        for entity in example.get(ENTITIES) or []:
            if entity[ENTITY_ATTRIBUTE_TYPE] not in VOCABULARY_ENTITIES:
                continue
            form = text[entity[ENTITY_ATTRIBUTE_START] : entity[ENTITY_ATTRIBUTE_END]]
            if len(form) >= min_length and form not in forms:
                value = str(entity.get(ENTITY_ATTRIBUTE_VALUE, form))
                forms[form] = [entity[ENTITY_ATTRIBUTE_TYPE], synonyms.get(form, value)]
    return forms


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True)
class DomainEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Vocabulary and format entities with canonical values; wins over overlapping DIET guesses."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"min_length": 2, "extract_time": True}

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        forms: Optional[Dict[str, List[str]]] = None,
    ) -> None:
        self._config = config
        self._storage = model_storage
        self._resource = resource
        self._vocabulary = Vocabulary({k: (v[0], v[1]) for k, v in (forms or {}).items()})

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> DomainEntityExtractor:
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> DomainEntityExtractor:
        try:
            with model_storage.read_from(resource) as directory:
                forms = json.loads((directory / _FILE).read_text(encoding="utf-8"))
        except (ValueError, FileNotFoundError):
            logger.warning("vocabulary_missing", extra={"resource": resource.name})
            forms = {}
        return cls(config, model_storage, resource, forms)

    def train(self, training_data: TrainingData) -> Resource:
        forms = build_vocabulary(training_data, int(self._config["min_length"]))
        with self._storage.write_to(self._resource) as directory:
            (directory / _FILE).write_text(json.dumps(forms, ensure_ascii=False), encoding="utf-8")
        self._vocabulary = Vocabulary({k: (v[0], v[1]) for k, v in forms.items()})
        return self._resource

    def extract(self, text: str, protected: Sequence[Match] = ()) -> List[Match]:
        """Format entities first (they are unambiguous), then times, then vocabulary.

        Vocabulary is not matched inside `protected` spans: 盘锦 in 盘锦华信石化有限公司 is part
        of a company's name, not the city the user is asking about.
        """
        matches = find_patterns(text)
        if self._config["extract_time"]:
            matches += [t for t in extract_times(text) if not any(t.overlaps(m) for m in matches)]
        matches += self._vocabulary.find(text, [*matches, *protected])
        return sorted(matches, key=lambda m: m.start)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or not text:
                continue
            incoming = message.get(ENTITIES, [])
            protected = [
                Match(
                    e[ENTITY_ATTRIBUTE_TYPE], e[ENTITY_ATTRIBUTE_START], e[ENTITY_ATTRIBUTE_END], ""
                )
                for e in incoming
                if e.get(ENTITY_ATTRIBUTE_TYPE) in PROTECTED_ENTITIES
            ]
            ours = self.extract(text, protected)
            kept = [
                entity
                for entity in incoming
                if entity.get(ENTITY_ATTRIBUTE_TYPE) not in PATTERN_ENTITIES
                and not any(
                    m.start < entity[ENTITY_ATTRIBUTE_END]
                    and entity[ENTITY_ATTRIBUTE_START] < m.end
                    for m in ours
                )
            ]
            new = [self._to_entity(text, m) for m in ours]
            message.set(ENTITIES, kept + self.add_extractor_name(new), add_to_output=True)
        return messages

    @staticmethod
    def _to_entity(text: str, match: Match) -> Dict[str, Any]:
        entity: Dict[str, Any] = {
            ENTITY_ATTRIBUTE_TYPE: match.entity,
            ENTITY_ATTRIBUTE_START: match.start,
            ENTITY_ATTRIBUTE_END: match.end,
            ENTITY_ATTRIBUTE_VALUE: match.value,
            "confidence_entity": 1.0,
        }
        if match.extra:
            entity["additional_info"] = match.extra
        return entity
