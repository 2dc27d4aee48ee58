"""Which unit takes a 12345 work order: the routing table of routing.yml, read once.

`dispatch(category, text, city)` returns the department to dispatch to, named with its city
("沈阳市市场监督管理局"), with a confidence and the two runners-up the agent can pick with a
click. The category gives each unit a prior share; words of the call that name whose business
the matter is (拖欠工资, 年报, 发票 …), the legal concepts of its business the call names
(knowledge/legal_concepts.yml: 辞职, 竞业限制, 加班 … are labour matters), and a unit named as
the one that acted on the caller ("市场监管局说要罚款"), add to their unit, so a wage-arrears
call filed as an enterprise complaint still goes to the labour inspectorate. How far they may
move an order depends on the category (`scopes` of routing.yml): a transaction stays with its
own unit, a general category goes wherever its matter points, any other moves only among its
own units.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple

import yaml

from knowledge.legal_lexicon import default_lexicon

ROUTING_FILE = Path(__file__).with_name("routing.yml")
# Where an order with no category of its own goes: the hotline's own desk sorts it.
FALLBACK_UNIT = "hotline"
# Filling the runners-up when a category names fewer than three units: the general desks.
GENERAL_UNITS = ("hotline", "business_environment", "justice")
CATEGORY_LABELS = {"case_urge": "工单催办"}


@dataclass(frozen=True)
class Candidate:
    """One unit a work order could go to."""

    unit: str  # key of routing.yml, e.g. "market_regulation"
    department: str  # the dispatchable name, e.g. "沈阳市市场监督管理局"
    score: float  # share of the evidence, 0..1
    source: str
    verified: bool


@dataclass(frozen=True)
class Dispatch:
    """The unit to dispatch to, how sure the table is, and the next two choices."""

    best: Candidate
    runners_up: Tuple[Candidate, ...]

    @property
    def department(self) -> str:
        return self.best.department

    @property
    def confidence(self) -> float:
        return self.best.score


@dataclass(frozen=True)
class Cue:
    """Words, or legal concepts of the lexicon, that name a unit's business."""

    words: Tuple[str, ...]
    weight: float
    concepts: Tuple[str, ...] = ()

    def found(self, text: str, concepts: frozenset[str]) -> bool:
        return any(w in text for w in self.words) or any(c in concepts for c in self.concepts)


# A unit named as the one that acted: "被税务局罚了", "市场监管局说…", "工商的人来查"; not a
# unit the caller only mentions ("想去税务局问问").
_ACTING_BEFORE = "被|让|叫|给"
_ACTING_AFTER = "说|要|罚|来|查|检查|处罚|通知|责令|认定|列入|把|给|下了|下达|开了"


def _acting_pattern(names: List[str]) -> Optional[re.Pattern[str]]:
    if not names:
        return None
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(
        rf"(?:{_ACTING_BEFORE})(?:{alternatives})|(?:{alternatives})(?:的人|的|那边|这边)?"
        rf"(?:{_ACTING_AFTER})"
    )


class RoutingTable:
    """routing.yml as data: units, each category's prior over units, and cue words."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.units: Dict[str, Dict[str, Any]] = dict(data["units"])
        self.categories: Dict[str, Dict[str, float]] = {
            name: {unit: float(share) for unit, share in shares.items()}
            for name, shares in data["categories"].items()
        }
        self.cues: Dict[str, List[Cue]] = {
            unit: [
                Cue(
                    tuple(str(w) for w in item.get("words") or ()),
                    float(item["weight"]),
                    tuple(str(c) for c in item.get("concepts") or ()),
                )
                for item in items
            ]
            for unit, items in (data.get("cues") or {}).items()
        }
        # Per-city names where a city's unit is called otherwise than the template says.
        self.city_names: Dict[str, Dict[str, str]] = dict(data.get("cities") or {})
        scopes = data.get("scopes") or {}
        self.general = frozenset(str(c) for c in scopes.get("general") or ())
        self.transactions = frozenset(str(c) for c in scopes.get("transactions") or ())
        self.acting_weight = float(data.get("acting_weight", 1.0))
        self.acting = {
            unit: pattern
            for unit, spec in self.units.items()
            if (pattern := _acting_pattern([str(n) for n in spec.get("called") or ()]))
        }
        for shares in self.categories.values():
            for unit in shares:
                if unit not in self.units:
                    raise ValueError(f"routing.yml: category names unknown unit {unit}")
        for unit in self.cues:
            if unit not in self.units:
                raise ValueError(f"routing.yml: cue names unknown unit {unit}")
        known = {c.name for c in default_lexicon().concepts}
        for cues in self.cues.values():
            for cue in cues:
                if unknown := set(cue.concepts) - known:
                    raise ValueError(f"routing.yml: cue names unknown concepts {unknown}")

    def department(self, unit: str, city: Optional[str]) -> str:
        """The unit's dispatchable name in the city (its bare name when the city is unknown)."""
        short = city_short(city)
        named = self.city_names.get(short, {}).get(unit) if short else None
        if named:
            return named
        full = f"{short}市" if short else ""
        return str(self.units[unit]["name"]).format(city=full)

    def evidence(self, text: str) -> Dict[str, float]:
        """Each unit's evidence in the text: its strongest cue (words or legal concepts), plus
        its being named as the unit that acted on the caller. The two add up: a fine the tax
        bureau imposed for a late 申报 is the tax bureau's matter more than a 首违不罚 question
        is the justice bureau's."""
        concepts = default_lexicon().question_concepts(text)
        found: Dict[str, float] = {}
        for unit, cues in self.cues.items():
            weight = max((c.weight for c in cues if c.found(text, concepts)), default=0.0)
            if weight:
                found[unit] = weight
        for unit, pattern in self.acting.items():
            if pattern.search(text):
                found[unit] = found.get(unit, 0.0) + self.acting_weight
        return found

    def dispatch(
        self, category: Optional[str], text: str = "", city: Optional[str] = None
    ) -> Dispatch:
        prior = self.categories.get(category or "") or {FALLBACK_UNIT: 1.0}
        total = sum(prior.values()) or 1.0
        scores = {unit: share / total for unit, share in prior.items()}
        general = category not in self.categories or category in self.general
        for unit, weight in self.evidence(text).items():
            if general:
                scores[unit] = scores.get(unit, 0.0) + weight
            elif unit in scores:
                # A transaction's words order its runners-up; they never displace its unit.
                share = scores[unit] if category in self.transactions else 1.0
                scores[unit] += weight * share
        for unit in GENERAL_UNITS:
            if unit in self.units:
                scores.setdefault(unit, 0.0)
        mass = sum(scores.values())
        # Ties keep the category's own order, so the table's first unit wins an even call.
        order = list(prior) + [u for u in scores if u not in prior]
        ranked = sorted(scores, key=lambda u: (-scores[u], order.index(u)))
        candidates = [
            Candidate(
                unit=unit,
                department=self.department(unit, city),
                score=round(scores[unit] / mass, 3),
                source=str(self.units[unit]["source"]),
                verified=bool(self.units[unit].get("verified", False)),
            )
            for unit in ranked[:3]
        ]
        return Dispatch(best=candidates[0], runners_up=tuple(candidates[1:3]))


def city_short(city: Optional[str]) -> str:
    """ "沈阳市" → "沈阳"; the city entity is already short, an enterprise name's prefix is not."""
    name = (city or "").strip()
    return name[:-1] if len(name) > 2 and name.endswith("市") else name


@lru_cache(maxsize=1)
def default_table() -> RoutingTable:
    return RoutingTable(yaml.safe_load(ROUTING_FILE.read_text(encoding="utf-8")))


def dispatch(category: Optional[str], text: str = "", city: Optional[str] = None) -> Dispatch:
    """The unit that takes a work order of this category, given the call's words and city."""
    return default_table().dispatch(category, text, city)


def category_label(category: str) -> str:
    """The Chinese name of a work-order category that is not an intent (工单催办)."""
    return CATEGORY_LABELS.get(category, "")
