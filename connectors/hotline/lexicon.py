"""The word lists of the work-order fact extractor: facts.yml and knowledge/places.yml, read once.

Places are Liaoning's cities and county-level divisions of knowledge/places.yml (民政部
行政区划) and the other cities listed there; each district knows the city it implies, unless
several cities have a district of that name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, List

import yaml

from knowledge.store import KNOWLEDGE_DIR

DATA_FILE = Path(__file__).with_name("facts.yml")


@dataclass(frozen=True)
class Place:
    name: str
    kind: str  # "city" or "district"
    value: str  # the city's short name or the district's full name
    city: str  # the city a district implies, "" when the name is shared


class Vocabulary:
    """facts.yml and knowledge/places.yml, read once."""

    def __init__(self, words: Dict[str, object], places: Dict[str, object]) -> None:
        self.surnames = str(words["surnames"]).replace(" ", "")
        self.titles = sorted(_strs(words["titles"]), key=len, reverse=True)
        self.name_cues = sorted(_strs(words["name_cues"]), key=len, reverse=True)
        self.name_stops = str(words["name_stops"])
        self.suffixes = sorted(_strs(words["enterprise_suffixes"]), key=len, reverse=True)
        self.boundaries = sorted(_strs(words["enterprise_boundaries"]), key=len, reverse=True)
        self.generic = frozenset(_strs(words["enterprise_generic"]))
        self.generic_longest = sorted(self.generic, key=len, reverse=True)
        self.kind_words = frozenset(_strs(words["kind_words"]))
        self.place_lead = str(words["place_lead"])
        self.industries = sorted(_strs(words["industries"]), key=len, reverse=True)
        self.money_cues = _strs(words["money_cues"])
        self.not_money_after = sorted(_strs(words["not_money_after"]), key=len, reverse=True)
        shared = frozenset(_strs(words["districts_shared"]))
        short_ok = frozenset(_strs(words["district_short"]))
        liaoning: Dict[str, List[str]] = places["liaoning"]  # type: ignore[assignment]
        cities = list(liaoning) + _strs(places["other_cities"])
        self.liaoning = frozenset(liaoning)
        found: Dict[str, Place] = {}
        for city in cities:
            found.setdefault(f"{city}市", Place(f"{city}市", "city", city, city))
            found.setdefault(city, Place(city, "city", city, city))
        official = {
            re.sub(r"(满族|蒙古族|朝鲜族|锡伯族)*自治县$", "县", name): name
            for names in liaoning.values()
            for name in names
            if name.endswith("自治县")
        }
        for city, districts in liaoning.items():
            for name in districts:
                implied = "" if name in shared else city
                # 宽甸县 is what callers say; 宽甸满族自治县 is the division's name.
                value = official.get(name, name)
                found[name] = Place(name, "district", value, implied)
                base = name[:-1]
                if base in cities or name.endswith("自治县"):
                    continue
                if len(base) >= 3 or base in short_ok:
                    found.setdefault(base, Place(base, "district", value, implied))
        aliases: Dict[str, str] = words.get("district_aliases") or {}  # type: ignore[assignment]
        for alias, name in aliases.items():
            if name in found:
                found[alias] = Place(alias, "district", name, found[name].city)
        self.places = found
        self.place_re = _alternation(found)
        self.city_names = frozenset(cities)
        prefixes = ["辽宁省", "辽宁"] + [p for p in found if len(p) >= 2]
        self.region_re = _alternation(prefixes)
        cities_full = [f"{c}市" for c in cities] + cities
        # A city's name right before a position (铁岭开原: 开原 follows 铁岭).
        self.city_before_re = re.compile(f"(?:{'|'.join(map(re.escape, cities_full))})$")
        sur = re.escape(self.surnames)
        cues = "|".join(map(re.escape, self.name_cues))
        titles = "|".join(map(re.escape, self.titles))
        self.cued_name_re = re.compile(rf"(?:{cues})([{sur}][\u4e00-\u9fff]{{1,2}})")
        self.titled_re = re.compile(rf"([{sur}])({titles})")
        self.familiar_re = re.compile(rf"[小老]([{sur}])")
        self.family_name_re = re.compile(rf"姓([{sur}])")


def _alternation(words: Iterable[str]) -> re.Pattern[str]:
    """One pattern for many words, the longest first so that 沈阳市 wins over 沈阳."""
    return re.compile("|".join(sorted(map(re.escape, words), key=len, reverse=True)))


def _strs(items: object) -> List[str]:
    return [str(item) for item in items]  # type: ignore[attr-defined]


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    words = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    places = yaml.safe_load((KNOWLEDGE_DIR / "places.yml").read_text(encoding="utf-8"))
    return Vocabulary(words, places)


def in_liaoning(city: str) -> bool:
    """`city` ("沈阳" or "沈阳市") is one of Liaoning's: the line has offices there."""
    return city.removesuffix("市") in vocabulary().liaoning
