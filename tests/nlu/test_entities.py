"""The domain entity extractor: canonical values, longest match, and DIET guesses overridden."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.entities import DomainEntityExtractor


@pytest.fixture()
def extractor(tmp_path) -> DomainEntityExtractor:
    storage = LocalModelStorage(tmp_path)
    resource = Resource("domain_entities")
    component = DomainEntityExtractor.create(
        DomainEntityExtractor.get_default_config(), storage, resource, ExecutionContext(None)
    )
    data = TrainingData(
        lookup_tables=[
            {"name": "city", "elements": ["沈阳", "沈阳市", "盘锦"]},
            {"name": "district", "elements": ["兴隆台区"]},
            {"name": "service_item", "elements": ["居住证", "居住证签注", "驾照补办"]},
        ],
        entity_synonyms={"沈阳市": "沈阳", "居住证": "居住证办理", "驾照补办": "驾驶证补换领"},
    )
    component.train(data)
    return DomainEntityExtractor.load(
        DomainEntityExtractor.get_default_config(), storage, resource, ExecutionContext(None)
    )


def run(extractor: DomainEntityExtractor, text: str, diet: List[Dict[str, Any]] = ()) -> list:
    message = Message(data={"text": text, "entities": list(diet)})
    extractor.process([message])
    return [(e["entity"], e["value"]) for e in message.get("entities")]


def test_vocabulary_gives_canonical_values(extractor) -> None:
    assert run(extractor, "在沈阳市办居住证") == [("city", "沈阳"), ("service_item", "居住证办理")]


def test_longest_match_wins(extractor) -> None:
    assert run(extractor, "居住证签注在哪弄") == [("service_item", "居住证签注")]


def test_vocabulary_survives_persistence(extractor) -> None:
    assert run(extractor, "盘锦兴隆台区驾照补办") == [
        ("city", "盘锦"),
        ("district", "兴隆台区"),
        ("service_item", "驾驶证补换领"),
    ]


def test_diet_guesses_overlapping_ours_are_dropped(extractor) -> None:
    diet = [
        {"entity": "phone", "start": 2, "end": 8, "value": "138123", "extractor": "DIETClassifier"},
        {"entity": "enterprise_name", "start": 14, "end": 22, "value": "盘锦华信石化有限公司"},
    ]
    result = run(extractor, "电话13812345678,公司盘锦华信石化有限公司", diet)
    assert ("phone", "13812345678") in result
    assert ("phone", "138123") not in result
    # 盘锦 inside a company's name is part of the name, not a city.
    assert ("enterprise_name", "盘锦华信石化有限公司") in result
    assert ("city", "盘锦") not in result
