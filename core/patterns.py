"""Deterministic recognisers for numbers and references with a fixed format.

Regexes alone cannot tell an ID number from an 18-digit credit code, so both are checked with
python-stdnum and by the words just before them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from stdnum.cn import ric, uscc

from core.formats import MOBILE

# Digits are "word" characters next to Chinese too, so boundaries are look-arounds, not \b.
PHONE = re.compile(r"(?<![0-9])" + MOBILE + r"(?![0-9])")
EIGHTEEN = re.compile(r"(?<![0-9A-Za-z])[0-9A-Za-z]{17}[0-9A-Za-z](?![0-9A-Za-z])")
WORK_ORDER = re.compile(
    r"(?<![0-9])20[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{5}(?![0-9])"
)
APPLICATION = re.compile(r"(?<![0-9A-Za-z])[Bb][Jj][0-9]{14}(?![0-9])")
COURT_CASE = re.compile(
    r"[(（]\s*(?:19|20)[0-9]{2}\s*[)）]\s*[\u4e00-\u9fff]{1,4}[0-9]{0,6}"
    r"[\u4e00-\u9fff]{1,6}[0-9]{1,6}\s*号"
)
APPOINTMENT = re.compile(r"(?<![0-9A-Za-z])[Aa][Pp][0-9A-HJ-NP-Za-hj-np-z]{8}(?![0-9A-Za-z])")

_USCC_HINT = re.compile(r"(信用代码|统一代码|税号|代码|uscc|执照号)", re.IGNORECASE)
_ID_HINT = re.compile(r"(身份证|证件号|身份号|公民身份)")


@dataclass
class Match:
    """One recognised entity in the text."""

    entity: str
    start: int
    end: int
    value: Any
    extra: Dict[str, Any] = field(default_factory=dict)

    def overlaps(self, other: Match) -> bool:
        return self.start < other.end and other.start < self.end


def valid_id_number(candidate: str) -> bool:
    """python-stdnum's ID-number check, which raises KeyError instead of answering False for a
    place code it lists without a county (412789…); such a number is not a valid one."""
    try:
        return bool(ric.is_valid(candidate))
    except KeyError:
        return False


def classify_eighteen(text: str, start: int, candidate: str) -> Optional[str]:
    """Decide whether an 18-character string is an ID number or a credit code (or neither)."""
    context = text[max(0, start - 12) : start]
    has_letters = any(ch.isalpha() for ch in candidate[:17])
    if _USCC_HINT.search(context) and not _ID_HINT.search(context):
        return "uscc"
    if _ID_HINT.search(context):
        return "id_number" if not has_letters else "uscc"
    if not has_letters:
        if valid_id_number(candidate) or not uscc.is_valid(candidate):
            return "id_number"
        return "uscc"
    return "uscc" if candidate[:2].isalnum() else None


def find_patterns(text: str) -> List[Match]:
    """All fixed-format entities in `text`, longest and most specific first, non-overlapping."""
    found: List[Match] = []

    def add(match: Match) -> None:
        if not any(match.overlaps(existing) for existing in found):
            found.append(match)

    for m in COURT_CASE.finditer(text):
        value = re.sub(r"\s+", "", m.group()).replace("（", "(").replace("）", ")")
        add(Match("case_number", m.start(), m.end(), value, {"kind": "court"}))
    for m in APPLICATION.finditer(text):
        add(Match("case_number", m.start(), m.end(), m.group().upper(), {"kind": "application"}))
    for m in APPOINTMENT.finditer(text):
        add(Match("appointment_id", m.start(), m.end(), m.group().upper()))
    for m in EIGHTEEN.finditer(text):
        candidate = m.group().upper()
        if not any(ch.isdigit() for ch in candidate[:6]):
            continue
        kind = classify_eighteen(text, m.start(), candidate)
        if kind:
            add(Match(kind, m.start(), m.end(), candidate))
    for m in WORK_ORDER.finditer(text):
        add(Match("case_number", m.start(), m.end(), m.group(), {"kind": "work_order"}))
    for m in PHONE.finditer(text):
        add(Match("phone", m.start(), m.end(), m.group()))
    return sorted(found, key=lambda match: match.start)
