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
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import cn2an
import yaml
from stdnum.cn import uscc

from core.masking import mask_id_number, mask_phone
from core.patterns import find_patterns
from core.text import normalize_text
from knowledge.store import KNOWLEDGE_DIR

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
DATA_FILE = Path(__file__).with_name("facts.yml")

CN = "零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟萬兩"
NUM = rf"(?:[0-9]+(?:\.[0-9]+)?|[{CN}]+)"
SMALL = "一二三四五六七八九十两"
WEEKDAY = "一二三四五六日天末"
HAN = re.compile(r"[\u4e00-\u9fff]")

# Money: a number, an approximation (多, 来, 余), a magnitude and a currency word.
AMOUNT = re.compile(
    rf"(?:[0-9]+(?:\.[0-9]+)?[万千]?|[{CN}]+)(?:[多来余]?[万千])?[多来余]?"
    rf"(?:[{CN}](?![{CN}]))?(?:元|块钱|块|圆)?"
)
# A stretch of time: a count and a unit; 个月 (three months) is a duration, 十月 a month.
DURATION = re.compile(
    rf"(?:将近|快|近)?(?:{NUM}|半|好几|几)[多来几]?"
    r"(?:个多月|个半月|个月|年|个星期|个礼拜|星期|礼拜|周|天|个小时|小时|个钟头|钟头)[多半]?"
)
_MONTH = rf"(?:[0-9]{{1,2}}|[{SMALL}]{{1,3}})月份?"
_DAY = rf"(?:[0-9]{{1,2}}|[{SMALL}]{{1,3}})[日号]"
_PART = r"(?:上午|下午|晚上|早上|中午|夜里)?"
EVENT_DATE = re.compile(
    "|".join(
        [
            rf"(?:19|20)[0-9]{{2}}年(?:{_MONTH})?(?:{_DAY})?",
            rf"(?:大前年|前年|去年|今年)(?:年初|年底|年末|上半年|下半年|{_MONTH})?(?:{_DAY}|[初中下]旬)?",
            rf"(?:上上?个?月|这个月|本月)(?:初|底|中旬|{_DAY})?",
            rf"(?:上上?个?(?:周|星期|礼拜))[{WEEKDAY}]?",
            rf"(?:这周|本周|这个?星期|这礼拜)[{WEEKDAY}]",
            rf"(?:大前天|前天|昨天|昨儿个?|前儿个?|今天|今儿个?){_PART}",
            rf"{_MONTH}(?:{_DAY})?{_PART}",
            rf"(?:{NUM}|半|几)个?(?:年|月|星期|礼拜|周|天)(?:以前|之前|前)",
        ]
    )
)
FUTURE_DATE = re.compile(
    rf"(?:大后天|后天|明天|明儿个?|下下?个?(?:周|星期|礼拜)[{WEEKDAY}]?|下个?月(?:初|底|{_DAY})?"
    r"|明年(?:年初|年底)?|月底|月末|年底|年末|周末|过两天)"
)
BEFORE = re.compile(r"(?:之前|以前|前|为止)")
# A relative past ("两个星期前") is an event date; other dates with 之前 are deadlines.
_RELATIVE_PAST = re.compile(rf"^(?:{NUM}|半|几)个?(?:年|月|星期|礼拜|周|天)(?:以前|之前|前)$")
MOBILE_SPACED = re.compile(r"(?<![0-9])1[3-9][0-9][ \-]?[0-9]{4}[ \-]?[0-9]{4}(?![0-9])")
# The words before a name that make it the caller's own.
SELF = re.compile(r"(我叫|我姓|我是|本人叫|本人姓|我就是|姓名是|名字叫)$")
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
        self.industries = sorted(_strs(words["industries"]), key=len, reverse=True)
        self.money_cues = _strs(words["money_cues"])
        self.not_money_after = sorted(_strs(words["not_money_after"]), key=len, reverse=True)
        shared = frozenset(_strs(words["districts_shared"]))
        short_ok = frozenset(_strs(words["district_short"]))
        liaoning: Dict[str, List[str]] = places["liaoning"]  # type: ignore[assignment]
        cities = list(liaoning) + _strs(places["other_cities"])
        found: Dict[str, Place] = {}
        for city in cities:
            found.setdefault(f"{city}市", Place(f"{city}市", "city", city, city))
            found.setdefault(city, Place(city, "city", city, city))
        for city, districts in liaoning.items():
            for name in districts:
                implied = "" if name in shared else city
                found[name] = Place(name, "district", name, implied)
                base = name[:-1]
                if base in cities or name.endswith("自治县"):
                    continue
                if len(base) >= 3 or base in short_ok:
                    found.setdefault(base, Place(base, "district", name, implied))
        self.places = found
        self.place_re = re.compile("|".join(sorted(map(re.escape, found), key=len, reverse=True)))
        self.city_names = frozenset(cities)
        prefixes = ["辽宁省", "辽宁"] + [p for p in found if len(p) >= 2]
        self.region_prefixes = sorted(prefixes, key=len, reverse=True)


def _strs(items: object) -> List[str]:
    return [str(item) for item in items]  # type: ignore[attr-defined]


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    words = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    places = yaml.safe_load((KNOWLEDGE_DIR / "places.yml").read_text(encoding="utf-8"))
    return Vocabulary(words, places)


# ---- numbers ---------------------------------------------------------------------------------


def chinese_number(text: str) -> Optional[float]:
    """ "两万五" → 25000, "1.5万" → 15000, "叁万伍仟" → 35000; None when it is no number."""
    text = text.replace("兩", "两").replace("萬", "万")
    match = re.fullmatch(r"([0-9]+(?:\.[0-9]+)?)([万千]?)", text)
    if match:
        scale = {"万": 10000, "千": 1000, "": 1}[match.group(2)]
        return float(match.group(1)) * scale
    try:
        return float(cn2an.cn2an(text, "smart"))
    except (ValueError, KeyError, IndexError):
        return None


def amount_value(text: str) -> Optional[str]:
    """The amount a work order files: "2.5万元", "1万余元", "约10万元", "800元"."""
    core = re.sub(r"(元|块钱|块|圆)$", "", text)
    approx = ""
    for word, mark in (("多", "余"), ("余", "余"), ("来", "约")):
        if word in core:
            approx = mark
            core = core.replace(word, "")
    number = chinese_number(core)
    if number is None or number <= 0:
        return None
    shown = f"{number / 10000:g}万" if number >= 10000 else f"{number:g}"
    if approx == "约":
        return f"约{shown}元"
    return f"{shown}{approx}元"


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
    _places(text, vocab, facts)
    _people(text, vocab, facts)
    _amounts(text, vocab, facts)
    return sorted(facts, key=lambda f: (f.start, f.kind))


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
    for pattern in (MOBILE_SPACED, LANDLINE):
        for found in pattern.finditer(text):
            if _free(facts, found.start(), found.end()):
                masked = mask_phone(re.sub(r"[ \-]", "", found.group()))
                facts.append(Fact("phone", masked, masked, found.start(), found.end()))


def _times(text: str, facts: List[Fact]) -> None:
    for pattern, kind in ((EVENT_DATE, "date"), (FUTURE_DATE, "deadline")):
        for m in pattern.finditer(text):
            start, end = m.start(), m.end()
            if not _free(facts, start, end) or _inside_number(text, start, end):
                continue
            before = BEFORE.match(text, end)
            if before and not _RELATIVE_PAST.match(m.group()):
                end = before.end()
                kind_here = "deadline"
            else:
                kind_here = kind
            facts.append(Fact(kind_here, text[start:end], text[start:end], start, end))
    for m in DURATION.finditer(text):
        start, end = m.start(), m.end()
        said = m.group()
        if not _free(facts, start, end) or _inside_number(text, start, end):
            continue
        if re.match(r"[0-9]{3,}年", said) or text[max(0, start - 1) : start] in ("第", "每"):
            continue
        facts.append(Fact("duration", said, said, start, end))


def _inside_number(text: str, start: int, end: int) -> bool:
    return bool(re.match(r"[0-9A-Za-z]", text[start - 1 : start] if start else "")) or bool(
        re.match(r"[0-9A-Za-z]", text[end : end + 1])
    )


def _enterprises(text: str, vocab: Vocabulary, facts: List[Fact]) -> List[str]:
    names: List[str] = []
    ends: Dict[int, str] = {}
    for suffix in vocab.suffixes:  # longest first: 有限公司 wins over 公司 at the same end
        for m in re.finditer(re.escape(suffix), text):
            ends.setdefault(m.end(), suffix)
    for end, suffix in sorted(ends.items()):
        stretch_start = end - len(suffix)
        while stretch_start > 0 and re.match(r"[\u4e00-\u9fff0-9A-Za-z]", text[stretch_start - 1]):
            stretch_start -= 1
        stretch = text[stretch_start : end - len(suffix)]
        cut = 0
        for word in vocab.boundaries:
            at = stretch.rfind(word)
            if at >= 0 and at + len(word) > cut:
                cut = at + len(word)
        start = stretch_start + cut
        name = text[start:end]
        if _is_name(name[: len(name) - len(suffix)], vocab) and _free(facts, start, end):
            facts.append(Fact("enterprise", name, name, start, end))
            names.append(name)
    return names


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
        word = next(
            (g for g in sorted(vocab.generic, key=len, reverse=True) if rest.startswith(g)), ""
        )
        if not word:
            return [core]
        parts.append(word)
        rest = rest[len(word) :]
    return parts


def _strip_region(name: str, vocab: Vocabulary) -> str:
    changed = True
    while changed:
        changed = False
        for prefix in vocab.region_prefixes:
            if name.startswith(prefix) and len(name) > len(prefix):
                name = name[len(prefix) :]
                changed = True
                break
    return name


def short_forms(full_name: str) -> List[str]:
    """The names a caller uses for an enterprise once its full name was said, longest first."""
    vocab = vocabulary()
    core = _strip_region(full_name, vocab)
    for suffix in vocab.suffixes:
        if core.endswith(suffix) and len(core) > len(suffix):
            core = core[: -len(suffix)]
            break
    forms = [core] if len(core) >= 2 else []
    for word in vocab.industries:
        if core.endswith(word) and len(core) - len(word) >= 2:
            forms.append(core[: -len(word)])
            break
    return [f for f in forms if f != full_name and f not in vocab.generic]


def _short_forms(text: str, vocab: Vocabulary, known: Sequence[str], facts: List[Fact]) -> None:
    forms = sorted(
        ((f, name) for name in known for f in short_forms(name)), key=lambda p: -len(p[0])
    )
    for form, full in forms:
        for m in re.finditer(re.escape(form), text):
            if _free(facts, m.start(), m.end()):
                facts.append(Fact("enterprise", form, full, m.start(), m.end()))


def _places(text: str, vocab: Vocabulary, facts: List[Fact]) -> None:
    for m in vocab.place_re.finditer(text):
        place = vocab.places[m.group()]
        if _free(facts, m.start(), m.end()):
            facts.append(Fact(place.kind, m.group(), place.value, m.start(), m.end()))


def _people(text: str, vocab: Vocabulary, facts: List[Fact]) -> None:
    sur = re.escape(vocab.surnames)
    titles = "|".join(map(re.escape, vocab.titles))
    candidates: List[Tuple[int, int]] = []
    for m in re.finditer(rf"([{sur}])({titles})", text):
        title = m.group(2)
        before = text[m.start() - 1 : m.start()] if m.start() else ""
        # One-character titles (总, 工, 姐) make words with the character before them (临时工).
        after = text[m.end() : m.end() + 1]
        # One-character titles (总, 工, 姐) also make words with the characters around them
        # (临时工, 包工头): they count only between word boundaries.
        if len(title) == 1 and (
            (
                HAN.match(before or "x")
                and before not in "老小是的跟和给让叫找问那这个位说在把被对向"
            )
            or (HAN.match(after or "x") and after not in vocab.name_stops)
        ):
            continue
        if title == "总" and re.match(r"[部共算之结体计额数量局]", text[m.end() : m.end() + 1]):
            continue
        candidates.append((m.start(), m.end()))
    for m in re.finditer(rf"姓([{sur}])", text):
        candidates.append((m.start() + 1, m.end()))
    cues = "|".join(map(re.escape, vocab.name_cues))
    for m in re.finditer(rf"(?:{cues})([{sur}][\u4e00-\u9fff]{{1,2}})", text):
        name = m.group(1)
        if name[1] in vocab.name_stops:
            continue
        if len(name) == 3 and name[2] in vocab.name_stops:
            name = name[:2]
        candidates.append((m.start(1), m.start(1) + len(name)))
    for start, end in sorted(candidates, key=lambda c: (c[0], -(c[1] - c[0]))):
        if _free(facts, start, end):
            role = "caller" if SELF.search(text[max(0, start - 4) : start]) else ""
            facts.append(Fact("person", text[start:end], text[start:end], start, end, role))


def _amounts(text: str, vocab: Vocabulary, facts: List[Fact]) -> None:
    money_context = any(cue in text for cue in vocab.money_cues)
    for m in AMOUNT.finditer(text):
        said = m.group()
        start, end = m.start(), m.end()
        if not said or not _free(facts, start, end) or _inside_number(text, start, end):
            continue
        has_unit = bool(re.search(r"(元|块钱|块|圆)$", said))
        after = text[end:]
        after_duration = any(f.kind == "duration" and f.end == start for f in facts)
        if not has_unit:
            if not (money_context or after_duration) or any(
                after.startswith(w) for w in vocab.not_money_after
            ):
                continue
            if re.fullmatch(r"[0-9]+", said):
                continue
            if not re.search(r"[十百千万佰仟拾萬]", said):
                continue
        value = amount_value(said)
        if value is None or (
            not has_unit and (chinese_number(re.sub("[多来余]", "", said)) or 0) < 10
        ):
            continue
        facts.append(Fact("amount", said, value, start, end))
    # "一年也就挣个十来万", "一个月三千五": one unit of time before an amount in the same clause
    # is the period of a rate, not how long something lasted.
    for fact in [f for f in facts if f.kind == "duration" and f.text.startswith("一")]:
        clause = re.split(r"[,，。!！?？;；]", text[fact.end :])[0]
        if any(f.kind == "amount" and fact.end <= f.start <= fact.end + len(clause) for f in facts):
            facts.remove(fact)


# ---- a call ----------------------------------------------------------------------------------


@dataclass
class CallFacts:
    """Every fact of a call's caller lines, each value once, in the order first said."""

    facts: List[Fact] = field(default_factory=list)

    def add(self, line: str) -> List[Fact]:
        """Read one more caller line; returns the facts it added."""
        new = []
        for fact in extract(line, self.values("enterprise")):
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
    def city(self) -> str:
        """The city said, else the one a district or the enterprise's name implies ("沈阳")."""
        said = self.first("city")
        if said:
            return said
        vocab = vocabulary()
        for name in self.values("district"):
            implied = vocab.places[name].city if name in vocab.places else ""
            if implied:
                return implied
        for name in self.values("enterprise"):
            for prefix in sorted(vocab.city_names, key=len, reverse=True):
                if name.startswith(prefix):
                    return prefix
        return ""

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
