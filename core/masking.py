"""Masking of personal data: single fields (138****5678) and free text (transcripts, logs, the
review inbox). Every process shows the same masked forms, and only masked forms leave a store.
"""

from __future__ import annotations

import re
from typing import List, Tuple

from core.formats import MOBILE_PREFIX
from core.patterns import find_patterns
from core.text import normalize

# ID numbers first: an 18-digit ID number contains runs that look like a mobile number.
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])[1-9][0-9]{16}[0-9Xx](?![0-9A-Za-z])")
# A mobile number as people write it: +86 in front, separators between the groups of four.
_MOBILE_WRITTEN = re.compile(
    r"(?<![0-9])(?:\+?86[- ]?)?" + MOBILE_PREFIX + r"(?:[- ]?[0-9]{4}){2}(?![0-9])"
)
_LANDLINE = re.compile(r"(?<![0-9])0[0-9]{2,3}-?[0-9]{7,8}(?![0-9])")
# A safety net for long digit runs no pattern claims (an ID number with a typo, a bank card).
_LONG_DIGITS = re.compile(r"[0-9０-９]{11,}")


def mask_phone(phone: str) -> str:
    """138****5678: keep the carrier prefix and the last four digits."""
    if len(phone) < 8:
        return "*" * len(phone)
    return f"{phone[:3]}{'*' * (len(phone) - 7)}{phone[-4:]}"


def mask_id_number(id_number: str) -> str:
    """2101**********1234: keep the region prefix and the last four characters."""
    if len(id_number) < 9:
        return "*" * len(id_number)
    return f"{id_number[:4]}{'*' * (len(id_number) - 8)}{id_number[-4:]}"


def mask_name(name: str) -> str:
    """张**: keep the family name's first character."""
    if len(name) <= 1:
        return "*"
    return name[0] + "*" * (len(name) - 1)


def mask_personal_data(text: str) -> str:
    """`text` with ID numbers and phone numbers masked; everything else unchanged."""
    text = _ID_NUMBER.sub(lambda m: mask_id_number(m.group(0)), text)
    text = _MOBILE_WRITTEN.sub(lambda m: mask_phone(re.sub(r"[^0-9]", "", m.group(0))[-11:]), text)
    return _LANDLINE.sub(lambda m: mask_phone(m.group(0).replace("-", "")), text)


def mask_caller_number(number: str) -> str:
    """A caller number as the hotline platform may send it, masked if it is not already."""
    digits = re.sub(r"[^0-9*]", "", number)
    if "*" in digits:
        return digits
    return mask_phone(digits[-11:]) if digits else ""


def _mask_span(entity: str, raw: str) -> str:
    if entity == "phone":
        digits = re.sub(r"[^0-9]", "", normalize(raw).text)
        return mask_phone(digits) if len(digits) == 11 else "*" * len(raw)
    return mask_id_number(raw)


def mask_text(text: str) -> str:
    """`text` with phone, ID, credit-code, case and appointment numbers masked.

    The patterns run on the normalised text (full-width digits, Traditional characters) and the
    spans they find are mapped back onto the raw text, so the text stays as the user typed it
    while every number the assistant would recognise is masked.
    """
    normalized = normalize(text)
    spans: List[Tuple[int, int, str]] = []
    for match in find_patterns(normalized.text):
        if match.end <= match.start:
            continue
        start = normalized.sources[match.start]
        end = normalized.sources[match.end - 1] + 1
        spans.append((start, end, match.entity))
    masked = text
    for start, end, entity in sorted(spans, reverse=True):
        masked = masked[:start] + _mask_span(entity, masked[start:end]) + masked[end:]
    masked = mask_personal_data(masked)
    return _LONG_DIGITS.sub(lambda m: mask_id_number(m.group(0)), masked)
