"""The facts a 12345 work order needs, read from what the caller says: pure functions.

`extract(line, known)` finds in one caller line the enterprises (full names and the short forms
callers use once a full name was said: 沈阳市宏达机械有限公司 → 宏达机械 → 宏达), people (王先生,
李经理, 我叫张立新), places (cities and county-level districts of knowledge/places.yml), amounts of
money (3万元, 两万五, 8000块), durations (拖了两年, 三个月工资), dates of events (去年十月, 上周三)
apart from deadlines (下周一之前, 月底), case numbers, credit codes and phone and ID numbers. Phone
and ID numbers are masked in the facts themselves, so no raw number leaves this module.
`CallFacts` gathers them over a call and infers the city a district or an enterprise's name
implies (浑南区 → 沈阳, 大连顺丰达贸易有限公司 → 大连).

The numbers with a fixed format come from core.patterns (credit codes and ID numbers checked
with python-stdnum); Chinese numerals are read with cn2an. Names and time words have no
maintained recogniser that works offline on spoken Chinese, so they are found here with the
word lists of facts.yml.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Dict, Iterable, List, Sequence, Tuple

from stdnum.cn import uscc

from core.masking import mask_id_number, mask_phone
from core.patterns import find_patterns, valid_id_number
from core.text import normalize_text

from .lexicon import Vocabulary, vocabulary
from .quantities import Span, amount_value, find_amounts, find_times, rate_periods

__all__ = ["KINDS", "CallFacts", "Fact", "amount_value", "call_facts", "extract", "short_forms"]

KINDS = (
    "enterprise",
    "person",
    "city",
    "district",
    "amount",
    "duration",
    "date",
    "deadline",
    "case_number",
    "uscc",
    "phone",
    "id_number",
)
HAN = re.compile(r"[\u4e00-\u9fff]")
MOBILE_SPACED = re.compile(r"(?<![0-9])1[3-9][0-9][ \-]?[0-9]{4}[ \-]?[0-9]{4}(?![0-9])")
# The words before a name that make it the caller's own.
SELF = re.compile(r"(我叫|我姓|我是|本人叫|本人姓|我就是|姓名是|名字叫)$")
ID_SPACED = re.compile(r"(?<![0-9])(?:[0-9] ?){17}[0-9Xx](?![0-9])")
LANDLINE = re.compile(r"(?<![0-9])0[0-9]{2,3}-?[0-9]{7,8}(?![0-9])")


@dataclass(frozen=True)
class Fact:
    """One fact of a caller line: its kind, the words as said, and the value a work order files."""

    kind: str
    text: str  # as said (phone and ID numbers masked)
    value: str  # normalised: full enterprise name, short city name, "2.5万元", masked numbers
    start: int = 0
    end: int = 0
    role: str = ""  # "caller" for the name the caller gives as their own (我叫…, 我姓…)

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end


# ---- extraction ------------------------------------------------------------------------------


def extract(line: str, known: Iterable[str] = ()) -> List[Fact]:
    """The facts of one caller line; `known` are enterprise names said earlier in the call."""
    text = normalize_text(line)
    vocab = vocabulary()
    facts: List[Fact] = []
    _numbers(text, facts)
    _times(text, facts)
    enterprises = _enterprises(text, vocab, facts)
    _short_forms(text, vocab, [*known, *enterprises], facts)
    _people(text, vocab, facts, named_only=True)
    _places(text, vocab, facts)
    _people(text, vocab, facts, named_only=False)
    _amounts(text, vocab, facts)
    return sorted(facts, key=lambda f: (f.start, f.kind))


def _taken(facts: Sequence[Fact]) -> List[Tuple[int, int]]:
    return [(f.start, f.end) for f in facts]


def _free(facts: Sequence[Fact], start: int, end: int) -> bool:
    return not any(f.overlaps(start, end) for f in facts)


def _numbers(text: str, facts: List[Fact]) -> None:
    for m in find_patterns(text):
        if m.entity == "phone":
            masked = mask_phone(str(m.value))
            facts.append(Fact("phone", masked, masked, m.start, m.end))
        elif m.entity == "id_number":
            masked = mask_id_number(str(m.value))
            facts.append(Fact("id_number", masked, masked, m.start, m.end))
        elif m.entity == "uscc" and not uscc.is_valid(str(m.value)):
            continue  # a misheard code is not filed; the agent asks for it again
        elif m.entity in ("uscc", "case_number"):
            facts.append(Fact(m.entity, text[m.start : m.end], str(m.value), m.start, m.end))
    for found in ID_SPACED.finditer(text):
        digits = found.group().replace(" ", "").upper()
        if _free(facts, found.start(), found.end()) and valid_id_number(digits):
            masked = mask_id_number(digits)
            facts.append(Fact("id_number", masked, masked, found.start(), found.end()))
    for pattern in (MOBILE_SPACED, LANDLINE):
        for found in pattern.finditer(text):
            if _free(facts, found.start(), found.end()):
                masked = mask_phone(re.sub(r"[ \-]", "", found.group()))
                facts.append(Fact("phone", masked, masked, found.start(), found.end()))


def _times(text: str, facts: List[Fact]) -> None:
    for span in find_times(text, _taken(facts)):
        facts.append(Fact(span.kind, span.text, span.value, span.start, span.end))


def _enterprises(text: str, vocab: Vocabulary, facts: List[Fact]) -> List[str]:
    places = [(m.start(), m.end()) for m in vocab.place_re.finditer(text)]
    ends: Dict[int, str] = {}
    for suffix in vocab.suffixes:  # longest first: 有限公司 wins over 公司 at the same end
        at = text.find(suffix)
        while at >= 0:
            # 瓦房店, 普兰店: a place name ending like a shop is no shop.
            if not any(s < at + len(suffix) <= e and s < at for s, e in places):
                ends.setdefault(at + len(suffix), suffix)
            at = text.find(suffix, at + 1)
    found: List[Fact] = []
    for end, suffix in sorted(ends.items()):
        stretch_start = end - len(suffix)
        while stretch_start > 0 and re.match(r"[\u4e00-\u9fff0-9A-Za-z]", text[stretch_start - 1]):
            stretch_start -= 1
        cut, cut_word = stretch_start, ""
        for word in vocab.boundaries:
            at = text.rfind(word, stretch_start, end - len(suffix))
            # A boundary word inside a place name (和 of 太和区) cuts nothing.
            if at < 0 or any(s <= at < e for s, e in places):
                continue
            if at + len(word) > cut:
                cut, cut_word = at + len(word), word
        name = text[cut:end]
        # "开了个小卖店", "一家饭店": after an indefinite word comes a kind of business, not a name;
        # "出租车公司叫…": a name follows 叫; "来店里": 店 is the place, not a name's end.
        if cut_word in vocab.kind_words or not _is_name(name[: -len(suffix)], vocab):
            continue
        if re.match(r"叫|名叫|名字叫", text[end:]) or (
            len(suffix) == 1 and re.match(r"里|内|外|门口", text[end:])
        ):
            continue
        if not _free(facts, cut, end):
            continue
        # A longer name that holds an earlier one (…有限公司沈阳分公司, …集团有限公司) replaces it.
        found = [f for f in found if not f.overlaps(cut, end)]
        found.append(Fact("enterprise", name, name, cut, end))
    facts.extend(found)
    return [f.value for f in found]


def _is_name(before_suffix: str, vocab: Vocabulary) -> bool:
    """Whether the words before 有限公司 / 厂 / 店 make a name, not "我们" or "那个物业"."""
    core = _strip_region(before_suffix, vocab)
    for word in vocab.industries:
        if core.endswith(word):
            core = core[: -len(word)]  # "兴城市服装厂" names a kind of business, not one
            break
    if len(core) < 2 or core in vocab.generic or core[0] in "这那该本我你他她某此每哪":
        return False
    return not all(part in vocab.generic for part in _split_generic(core, vocab))


def _split_generic(core: str, vocab: Vocabulary) -> List[str]:
    parts: List[str] = []
    rest = core
    while rest:
        word = next((g for g in vocab.generic_longest if rest.startswith(g)), "")
        if not word:
            return [core]
        parts.append(word)
        rest = rest[len(word) :]
    return parts


def _strip_region(name: str, vocab: Vocabulary) -> str:
    """沈阳市铁西区鑫达汽车配件厂 → 鑫达汽车配件厂."""
    while True:
        m = vocab.region_re.match(name)
        if not m or m.end() >= len(name):
            return name
        name = name[m.end() :]


@lru_cache(maxsize=1024)
def short_forms(full_name: str) -> List[str]:
    """The names a caller uses for an enterprise once its full name was said, longest first:
    the name without its region (沈河老味道酒楼 → 老味道酒楼), then ever shorter beginnings of
    its own part (宏达机械, 宏达), down to two characters."""
    vocab = vocabulary()
    regionless = _strip_region(full_name, vocab)
    core = regionless
    for suffix in vocab.suffixes:
        if core.endswith(suffix) and len(core) > len(suffix):
            core = core[: -len(suffix)]
            break
    forms = [regionless] if regionless != full_name else []
    forms += [core[:size] for size in range(len(core), 1, -1)]
    return [f for f in dict.fromkeys(forms) if f not in vocab.generic and f not in vocab.places]


def _short_forms(text: str, vocab: Vocabulary, known: Sequence[str], facts: List[Fact]) -> None:
    pairs = [(form, name) for name in known for form in short_forms(name)]
    for form, full in sorted(pairs, key=lambda pair: -len(pair[0])):
        start = text.find(form)
        while start >= 0:
            end = start + len(form)
            # 老边 of 老边饺子馆 said as 老边区 is the district.
            place = vocab.place_re.match(text, start)
            if not (place and place.end() > end) and _free(facts, start, end):
                facts.append(Fact("enterprise", form, full, start, end))
            start = text.find(form, end)


def _places(text: str, vocab: Vocabulary, facts: List[Fact]) -> None:
    for m in vocab.place_re.finditer(text):
        name, start, end = m.group(), m.start(), m.end()
        place = vocab.places[name]
        if not _free(facts, start, end):
            continue
        # "郑州的郑" spells a family name.
        if text.startswith(f"的{name[0]}", end):
            continue
        # A two-character district said without 区 or 县 (凌河) inside other words (大凌河) is
        # not meant; a longer name (兴隆台, 本溪县) is no part of an everyday word.
        before = text[start - 1 : start] if start else ""
        bare = place.kind == "district" and len(name) == 2 and name[-1] not in "区县"
        if (
            bare
            and HAN.match(before or "x")
            and before not in vocab.place_lead
            and not vocab.city_before_re.search(text, 0, start)
        ):
            continue
        facts.append(Fact(place.kind, name, place.value, start, end))


def _people(text: str, vocab: Vocabulary, facts: List[Fact], named_only: bool) -> None:
    """Names after a cue (我叫张立新) when `named_only`, else titles and family names."""
    candidates: List[Tuple[int, int]] = []
    if named_only:
        for m in vocab.cued_name_re.finditer(text):
            name = m.group(1)
            if name[1] in vocab.name_stops or vocab.place_re.match(name):
                continue
            if len(name) == 3 and name[2] in vocab.name_stops:
                name = name[:2]
            candidates.append((m.start(1), m.start(1) + len(name)))
    else:
        for m in vocab.titled_re.finditer(text):
            if _title_fits(text, m.start(), m.end(), m.group(2), vocab):
                candidates.append((m.start(), m.end()))
        # 小刘, 老李: between word boundaries only (老李家熏肉 is a shop's name, 养老金 money).
        for m in vocab.familiar_re.finditer(text):
            after = text[m.end() : m.end() + 1]
            before = text[m.start() - 1 : m.start()] if m.start() else ""
            if HAN.match(before or "x") and before not in vocab.place_lead + "叫找问说让给跟":
                continue
            if not HAN.match(after or "x") or after in vocab.name_stops:
                candidates.append((m.start(), m.end()))
        for m in vocab.family_name_re.finditer(text):
            candidates.append((m.start() + 1, m.end()))
    for start, end in sorted(candidates, key=lambda c: (c[0], -(c[1] - c[0]))):
        if _free(facts, start, end):
            role = "caller" if SELF.search(text[max(0, start - 4) : start]) else ""
            facts.append(Fact("person", text[start:end], text[start:end], start, end, role))


def _title_fits(text: str, start: int, end: int, title: str, vocab: Vocabulary) -> bool:
    """Whether a family name with a title is a person: one-character titles (工, 姐) also make
    words with the characters around them (临时工, 包工头), so they count only at boundaries."""
    if len(title) > 1:
        return True
    before = text[start - 1 : start] if start else ""
    after = text[end : end + 1]
    if HAN.match(before or "x") and before not in vocab.place_lead + "老小叫找问位说让给跟":
        return False
    if title == "总":
        return not re.match(r"[部共算之结体计额数量局]", after)
    return not HAN.match(after or "x") or after in vocab.name_stops


def _amounts(text: str, vocab: Vocabulary, facts: List[Fact]) -> None:
    durations = [f for f in facts if f.kind == "duration"]
    found = find_amounts(
        text,
        _taken(facts),
        vocab.money_cues,
        vocab.not_money_after,
        [f.end for f in durations],
    )
    facts.extend(Fact("amount", a.text, a.value, a.start, a.end) for a in found)
    spans = [_span(f) for f in durations]
    for period in rate_periods(text, spans, found):
        facts[:] = [f for f in facts if not (f.kind == "duration" and f.start == period.start)]


def _span(fact: Fact) -> Span:
    return Span(fact.kind, fact.start, fact.end, fact.text, fact.value)


# ---- a call ----------------------------------------------------------------------------------


@dataclass
class CallFacts:
    """Every fact of a call's caller lines, each value once, in the order first said."""

    facts: List[Fact] = field(default_factory=list)
    # How often each place was said (kind, value): the matter's city is the one talked about.
    said: Counter[Tuple[str, str]] = field(default_factory=Counter)

    def add(self, line: str) -> List[Fact]:
        """Read one more caller line; returns the facts it added."""
        new = []
        for fact in extract(line, self.values("enterprise")):
            self.said[fact.kind, fact.value] += 1
            if fact.value not in self.values(fact.kind):
                self.facts.append(fact)
                new.append(fact)
        return new

    def values(self, kind: str) -> List[str]:
        return [f.value for f in self.facts if f.kind == kind]

    def caller(self) -> str:
        """The name the caller gave as their own, "" when they gave none."""
        return next((f.value for f in self.facts if f.kind == "person" and f.role), "")

    def first(self, kind: str) -> str:
        found = self.values(kind)
        return found[0] if found else ""

    @property
    def enterprise(self) -> str:
        """The enterprise the call is about: the first full name said (short forms map to it)."""
        return self.first("enterprise")

    @property
    def district(self) -> str:
        return self.first("district")

    @property
    def cities(self) -> List[str]:
        """The cities the call names or implies, the one talked about most first.

        A city counts each time it, or a district of it, is said; the city an enterprise's
        name implies counts once and yields to a place said as often ("沈阳市宏达机械…的,
        这事发生在鞍山": 鞍山). Among equals the first said comes first.
        """
        vocab = vocabulary()
        longest_first = sorted(vocab.city_names, key=len, reverse=True)
        counts: Counter[str] = Counter()
        places: Counter[str] = Counter()
        for fact in self.facts:
            if fact.kind == "city":
                city = fact.value
            elif fact.kind == "district":
                city = vocab.places[fact.text].city if fact.text in vocab.places else ""
            elif fact.kind == "enterprise":
                city = next((p for p in longest_first if fact.value.startswith(p)), "")
            else:
                continue
            if city:
                counts[city] += self.said[fact.kind, fact.value] if fact.kind != "enterprise" else 1
                places[city] += fact.kind != "enterprise"
        first = list(counts)
        return sorted(first, key=lambda c: (-counts[c], -places[c], first.index(c)))

    @property
    def city(self) -> str:
        """The city whose offices take the matter: the first Liaoning city of `cities`.

        The line serves Liaoning, so a city elsewhere (a hukou in 吉林, surgery planned in 上海)
        is never the order's city: a caller in 庄河 is served by 大连's offices, and a call that
        places its matter in no Liaoning city leaves the city to be asked.
        """
        return next((c for c in self.cities if c in vocabulary().liaoning), "")

    def entities(self) -> Dict[str, str]:
        """The work order's entity fields under the names of docs/intents.md."""
        found = {
            "enterprise_name": self.enterprise,
            "city": self.city,
            "district": self.district,
            "uscc": self.first("uscc"),
            "case_number": self.first("case_number"),
            "phone": self.first("phone"),
            "id_number": self.first("id_number"),
            "person": self.caller(),
        }
        return {name: value for name, value in found.items() if value}


def call_facts(caller_lines: Iterable[str]) -> CallFacts:
    """The facts of a call, rebuilt from its caller lines in order."""
    facts = CallFacts()
    for line in caller_lines:
        facts.add(line)
    return facts
