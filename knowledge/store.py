"""Loads and validates knowledge/content/*.yml; a bad file fails with file, entry and reason."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, List, Optional

import yaml
from pydantic import ValidationError

from core.intents import intents
from knowledge.schema import PHONE_LIKE, Entry

KNOWLEDGE_DIR = Path(__file__).resolve().parent
CONTENT_DIR = KNOWLEDGE_DIR / "content"


class KnowledgeError(ValueError):
    """One or more problems in the knowledge files, each naming file, entry and reason."""

    def __init__(self, problems: List[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Service:
    name: str
    aliases: tuple


VOCABULARY_FILES = ("services.yml", "places.yml", "synonyms.yml")


def unsourced_vocabulary(directory: Path = KNOWLEDGE_DIR) -> List[str]:
    """Vocabulary files without a non-empty `source:` list (docs/facts.md rule 1)."""
    problems = []
    for name in VOCABULARY_FILES:
        data = yaml.safe_load((directory / name).read_text(encoding="utf-8")) or {}
        source = data.get("source")
        if not (isinstance(source, list) and source and all(str(s).strip() for s in source)):
            problems.append(f"knowledge/{name}: no `source:` list naming where its words come from")
    return problems


def load_services() -> List[Service]:
    data = yaml.safe_load((KNOWLEDGE_DIR / "services.yml").read_text(encoding="utf-8"))
    return [
        Service(str(s["name"]), tuple(str(a) for a in s.get("aliases", [])))
        for s in data["services"]
    ]


def _load_file(path: Path, problems: List[str]) -> List[Entry]:
    name = path.name
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        problems.append(f"{name}: not valid YAML: {error}")
        return []
    if not isinstance(raw, dict) or not isinstance(raw.get("entries"), list):
        problems.append(f"{name}: expected a mapping with 'topic' and a list 'entries'")
        return []
    entries: List[Entry] = []
    for index, item in enumerate(raw["entries"]):
        entry_id = item.get("id", f"#{index + 1}") if isinstance(item, dict) else f"#{index + 1}"
        try:
            entries.append(Entry.model_validate(item))
        except ValidationError as error:
            for detail in error.errors():
                field = ".".join(str(p) for p in detail["loc"])
                problems.append(f"{name}: entry {entry_id}: {field}: {detail['msg']}")
    return entries


def _cross_checks(entries: Dict[str, List[Entry]], problems: List[str]) -> None:
    seen_ids: Dict[str, str] = {}
    seen_questions: Dict[str, str] = {}
    services = {s.name for s in load_services()}
    contract = intents()
    for file_name, file_entries in entries.items():
        for entry in file_entries:
            where = f"{file_name}: entry {entry.id}"
            if entry.id in seen_ids:
                problems.append(f"{where}: id already used in {seen_ids[entry.id]}")
            seen_ids[entry.id] = file_name
            for question in entry.questions:
                key = question.strip().rstrip("?？。")
                if key in seen_questions:
                    problems.append(
                        f"{where}: sample question {question!r} repeats {seen_questions[key]}"
                    )
                seen_questions[key] = entry.id
            if entry.service and entry.service not in services:
                problems.append(
                    f"{where}: service {entry.service!r} is not in knowledge/services.yml"
                )
            for intent in entry.intents:
                if intent not in contract:
                    problems.append(f"{where}: intent {intent!r} is not in docs/intents.md")
            for match in PHONE_LIKE.finditer(entry.searchable_text()):
                problems.append(f"{where}: phone number {match.group()} is not a public number")


def load_entries(directory: Optional[Path] = None) -> List[Entry]:
    """All entries, validated; raises KnowledgeError listing every problem found."""
    directory = directory or CONTENT_DIR
    problems: List[str] = []
    by_file: Dict[str, List[Entry]] = {}
    for path in sorted(directory.glob("*.yml")) + sorted(directory.glob("*.yaml")):
        by_file[path.name] = _load_file(path, problems)
    if not by_file:
        problems.append(f"{directory}: no knowledge files")
    _cross_checks(by_file, problems)
    if problems:
        raise KnowledgeError(problems)
    return [entry for file_entries in by_file.values() for entry in file_entries]


@lru_cache(maxsize=1)
def default_entries() -> tuple:
    """The validated content of knowledge/content, loaded once per process."""
    return tuple(load_entries())


def by_id(entries: Iterable[Entry]) -> Dict[str, Entry]:
    return {entry.id: entry for entry in entries}
