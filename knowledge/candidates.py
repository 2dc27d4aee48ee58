"""The entries a message may be about: services it names, entries of one subject, search hits.

Everything here reads the knowledge index; nothing decides which candidate answers (that is
knowledge/ranking.py) or what the reply says (knowledge/rendering.py).
"""

from __future__ import annotations

import re
from typing import Dict, List, Optional, Sequence, Tuple

from core.text import normalize_text
from knowledge import intent_groups
from knowledge.answer import available_sections
from knowledge.schema import Entry
from knowledge.search import Hit, KnowledgeIndex, Result

LEGAL_QUESTION = "legal_question"
# Intents naming a service or a legal service: their guide answers unless it misses a legal point.
GUIDANCE_INTENTS = frozenset(intent_groups.GUIDANCE_INTENTS + intent_groups.LEGAL_INTENTS) - {
    LEGAL_QUESTION
}
# "居住证怎么办" names a service and asks nothing more specific: the service's overview.
HOW_WORDS = re.compile(
    r"怎么办理|怎么办|如何办理|怎样办理|咋办理|咋办|咋整|怎么弄|咋弄|怎么申请|如何申请|咋申请|"
    r"办理|申请|申领|办|弄|想|要|我|请问|一下|呢|吗|啊|呀|的|个|去|需要|怎么|如何|咋|流程"
)
# Concepts of knowledge/legal_concepts.yml that name a service or are generic (期限, 收费):
# alone they do not make a question a legal one.
SERVICE_CONCEPTS = frozenset(
    [
        "居住证",
        "驾驶证",
        "身份证",
        "营业执照",
        "个体工商户",
        "社会保险",
        "法律援助",
        "收费",
        "期限",
        "申请期限",
        "费用负担",
        "计算标准",
        "房产过户",
        "个税",
        "证据",
        "维权途径",
        "律师",
        "信访",
    ]
)


class Candidates:
    """The knowledge index seen by subject: entries by id and by service, services by name."""

    def __init__(self, index: KnowledgeIndex) -> None:
        self.index = index
        self._aliases: Dict[str, List[str]] = {}
        self.entries: Dict[str, Entry] = {e.id: e for e in index.entries}
        self.by_service: Dict[str, List[Entry]] = {}
        for entry in index.entries:
            if entry.service:
                self.by_service.setdefault(entry.service, []).append(entry)
        self.names = index.service_names

    def service_words(self, service: str) -> List[str]:
        """The service's name and its aliases, read from services.yml once per resolver."""
        known = self._aliases.get(service)
        if known is None:
            from knowledge.store import load_services

            self._aliases = {
                s.name: [s.name, *(a for a in s.aliases if len(a) >= 2)] for s in load_services()
            }
            known = self._aliases.setdefault(service, [service])
        return known

    def service_named(self, text: str) -> Optional[str]:
        """The service whose name or alias the words contain (see knowledge/service_names.py)."""
        return self.names.named(text)

    def names_only(self, text: str, service: str) -> bool:
        """The words name the service and ask nothing more specific ("居住证怎么办")."""
        rest = normalize_text(text).lower()
        for term in self.service_words(service):
            rest = rest.replace(normalize_text(term).lower(), "")
        rest = re.sub(r"[\s,.!?;:、,。!?;:]+", "", rest)
        return not HOW_WORDS.sub("", rest)

    def overview(self, service: str) -> Entry:
        """The service's overview entry, else its first."""
        entries = self.by_service[service]
        return next((e for e in entries if e.overview), entries[0])

    def siblings(self, entry: Entry) -> List[Entry]:
        """Entries about the same subject: the same service or the same topic file."""
        prefix = entry.id.split(".")[0] + "."
        same = self.by_service.get(entry.service or "", [])
        return same + [
            e for e in self.entries.values() if e.id.startswith(prefix) and e not in same
        ]

    def sibling_with(self, hits: Sequence[Hit], entry: Entry, section: str) -> Optional[Entry]:
        """The best-ranked entry of the same subject that has the section."""
        siblings = self.siblings(entry)
        return next(
            (
                h.entry
                for h in hits
                if h.entry in siblings and section in available_sections(h.entry)
            ),
            None,
        )

    def service_section(self, service: str, hits: Sequence[Hit], section: str) -> Optional[Entry]:
        """The service's entry that has the section, the best-ranked first, the overview last."""
        entries = self.by_service[service]
        ordered = [h.entry for h in hits if h.entry in entries] + [self.overview(service)]
        return next((e for e in ordered if section in available_sections(e)), None)

    def local(self, hits: Sequence[Hit], entry: Entry, city: str) -> Optional[Entry]:
        """The entry of the same subject written for that city."""
        siblings = self.siblings(entry)
        return next((h.entry for h in hits if h.entry in siblings and h.entry.region == city), None)


def hits_of(result: Optional[Result]) -> Tuple[Hit, ...]:
    return result.hits if result is not None else ()


def is_legal_question(entry: Entry) -> bool:
    return LEGAL_QUESTION in entry.intents


def entry_text(entry: Entry) -> str:
    """The entry's title, names, sample questions and answer: what it is about."""
    return " ".join([entry.title, *entry.aliases, *entry.questions, entry.answer])
