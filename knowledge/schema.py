"""Schema of a knowledge entry (pydantic 2)."""

from __future__ import annotations

import re
from datetime import date
from enum import Enum
from typing import Dict, List, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator

from core.formats import MOBILE

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
SEED_FILE = re.compile(r"^\d{3}_[0-9a-f]{16}\.txt$")
# A public page the entry's sample questions were collected from (a Q&A or message-board page).
PAGE_ADDRESS = re.compile(r"^https?://[^\s《》]+$")
# Public numbers docs/facts.md allows; anything else that looks like a phone number is refused.
PUBLIC_NUMBERS = {"12345", "12348", "12309", "12368", "12315", "12333", "12123", "110", "12319"}
PHONE_LIKE = re.compile(r"(?<![0-9])(?:" + MOBILE + r"|0[0-9]{2,3}-?[0-9]{7,8})(?![0-9])")
MAX_ANSWER_CHARS = 300


class Kind(str, Enum):
    service_guide = "service_guide"
    policy = "policy"
    legal = "legal"
    faq = "faq"


class Material(BaseModel):
    model_config = ConfigDict(coerce_numbers_to_str=True)

    name: str
    required: bool = True
    note: str = ""


class Contact(BaseModel):
    model_config = ConfigDict(coerce_numbers_to_str=True)

    name: str
    number: str

    @field_validator("number")
    @classmethod
    def _public_number(cls, value: str) -> str:
        if value not in PUBLIC_NUMBERS:
            raise ValueError(f"{value} is not a public number allowed by docs/facts.md")
        return value


class Sections(BaseModel):
    conditions: List[str] = []
    materials: List[Material] = []
    steps: List[str] = []
    time_limit: str = ""
    fees: str = ""
    where: str = ""
    online: List[str] = []
    contacts: List[Contact] = []

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)


class LegalBasis(BaseModel):
    model_config = ConfigDict(coerce_numbers_to_str=True)

    law: str
    article: str = ""

    def cite(self) -> str:
        return f"{self.law}{self.article}"


class Entry(BaseModel):
    """One answerable piece of knowledge with its provenance and review state."""

    id: str
    title: str
    kind: Kind
    intents: List[str] = Field(..., min_length=1)
    service: Optional[str] = None
    aliases: List[str] = []
    region: str = "辽宁"
    answer: str
    sections: Sections = Sections()
    legal_basis: List[LegalBasis] = []
    source: List[str] = Field(..., min_length=1)
    source_date: Optional[date] = None
    department: str
    last_reviewed: date
    verified: bool = False
    # The entry that answers "<service>怎么办" as a whole; follow-ups then find its sections.
    overview: bool = False
    questions: List[str] = Field(..., min_length=3)

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)

    @field_validator("id")
    @classmethod
    def _id_format(cls, value: str) -> str:
        if not ID_PATTERN.match(value):
            raise ValueError("id must look like topic.slug (lowercase ascii)")
        return value

    @field_validator("answer")
    @classmethod
    def _answer_short(cls, value: str) -> str:
        if len(value) > MAX_ANSWER_CHARS:
            raise ValueError(f"answer has {len(value)} characters, at most {MAX_ANSWER_CHARS}")
        return value

    @field_validator("source")
    @classmethod
    def _sources_named(cls, values: List[str]) -> List[str]:
        for value in values:
            named_law = "《" in value and "》" in value
            if not (SEED_FILE.match(value) or named_law or PAGE_ADDRESS.match(value)):
                raise ValueError(
                    f"source {value!r} is neither a seed file name, a named law nor a page address"
                )
        return values

    def searchable_text(self) -> str:
        """Everything retrieval should see, sample questions included."""
        parts = [self.title, self.service or "", *self.aliases, *self.questions, self.answer]
        s = self.sections
        parts += s.conditions + [m.name for m in s.materials] + s.steps
        parts += [s.time_limit, s.where]
        return "\n".join(p for p in parts if p)

    def sources_line(self) -> str:
        """ "依据:" with each law once and its articles together, then the other sources."""
        articles: Dict[str, List[str]] = {}
        for basis in self.legal_basis:
            cited = articles.setdefault(basis.law, [])
            if basis.article and basis.article not in cited:
                cited.append(basis.article)
        cites = [law + "、".join(arts) for law, arts in articles.items()]
        # Pages the questions came from are provenance, not a basis the answer rests on.
        cites += [
            src
            for src in self.source
            if src not in articles and not SEED_FILE.match(src) and not PAGE_ADDRESS.match(src)
        ]
        seeds = [src for src in self.source if SEED_FILE.match(src)]
        if seeds:
            cites.append("辽宁省公开报道与政府公开文件(" + "、".join(seeds) + ")")
        return "依据:" + ";".join(dict.fromkeys(cites))


class TopicFile(BaseModel):
    topic: str
    entries: List[Entry] = Field(..., min_length=1)

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)


SECTION_LABELS: Dict[str, str] = {
    "materials": "所需材料",
    "steps": "办理流程",
    "where": "办理地点",
    "conditions": "办理条件",
    "time_limit": "办理时限",
    "fees": "收费标准",
    "online": "网上办理",
    "contacts": "咨询电话",
    "legal_basis": "法律依据",
    "in_person": "本人办理与代办",
}
