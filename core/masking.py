"""Masking of personal data: single fields (138****5678) and free text (transcripts, logs, the
review inbox). Every process masks free text with `mask_text`, so every store and every log shows
the same masked forms.

What counts as personal data in free text: resident ID numbers and unified social credit codes
(an individual business's code names its owner), mobile and landline numbers, and any run of 11
or more digits (a bank card, an ID number with a typo). They are found however they are written:
full-width digits, groups separated by spaces or hyphens, glued to other digits or letters.
Checksums (python-stdnum) decide only where a credit code starts inside a longer run of letters
and digits; an ID-shaped number is masked whether or not its checksum is right.
"""

from __future__ import annotations

import logging
import re
from typing import List, NamedTuple

from stdnum.cn import uscc

from core.formats import MOBILE_RE
from core.patterns import find_patterns
from core.text import normalize

# Groups of letters and digits joined by single separators ("2101 0219 9001 0112 37",
# "138-1234-5678"); each group holds a digit, so words next to a number are not swallowed.
_GROUP = r"[0-9A-Za-z]*[0-9][0-9A-Za-z]*"
_SEPARATED = re.compile(rf"(?<![0-9A-Za-z])\+?{_GROUP}(?:[ \-–—]{_GROUP})+(?![0-9A-Za-z])")
# Runs long enough to hide an 18-character credit code between other characters.
_ALNUM_RUN = re.compile(r"[0-9A-Za-z]{19,}")
_LANDLINE = re.compile(r"(?<![0-9])0[0-9]{2,3}-?[0-9]{7,8}(?![0-9])")
_LONG_DIGITS = re.compile(r"[0-9]{11,}[Xx]?")
_ID_SHAPE = re.compile(r"[0-9]{17}[0-9X]")
_REFERENCES = frozenset({"case_number", "appointment_id"})
_KEEP = "keep"
# Spans a recogniser claimed as a whole reference: nothing merges into them.
_WHOLE = frozenset({_KEEP, "reference"})


class _Span(NamedTuple):
    start: int
    end: int
    kind: str  # "phone", "reference", "keep" (a reference left as it is) or "code"


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


def mask_reference(reference: str) -> str:
    """AP7K****2X: enough of a booking reference to recognise it, not enough to use it."""
    if len(reference) < 8:
        return "*" * len(reference)
    return f"{reference[:4]}{'*' * (len(reference) - 6)}{reference[-2:]}"


def mask_caller_number(number: str) -> str:
    """A caller number as the hotline platform may send it, masked if it is not already."""
    digits = re.sub(r"[^0-9*]", "", number)
    if "*" in digits:
        return digits
    return mask_phone(digits[-11:]) if digits else ""


def _kind(compact: str) -> str:
    """How a separated or glued number is masked: as a phone, as a code, or not at all ("")."""
    digits = re.sub(r"[^0-9]", "", compact)
    if len(compact) == 18 and (_ID_SHAPE.fullmatch(compact) or uscc.is_valid(compact)):
        return "code"
    if digits == compact and (
        MOBILE_RE.fullmatch(digits.removeprefix("86")) or _LANDLINE.fullmatch(digits)
    ):
        return "phone"
    return "code" if len(digits) >= 11 else ""


def _add(spans: List[_Span], new: _Span, *, merge: bool = True) -> None:
    """Add a span; a reference wins over what overlaps it, two personal spans merge (unless
    `merge` is off: then the spans found already stand and the new one is dropped)."""
    overlapping = [s for s in spans if s.start < new.end and new.start < s.end]
    inside = any(s.start <= new.start and new.end <= s.end for s in overlapping)
    if inside or any(s.kind in _WHOLE for s in overlapping) or (overlapping and not merge):
        return
    if not overlapping:
        spans.append(new)
        return
    for span in overlapping:
        spans.remove(span)
    start = min(new.start, *(s.start for s in overlapping))
    end = max(new.end, *(s.end for s in overlapping))
    spans.append(_Span(start, end, "code"))


def _spans(text: str, keep_references: bool) -> List[_Span]:
    """The personal numbers in normalised `text`, most specific recogniser first."""
    spans: List[_Span] = []
    for match in find_patterns(text):
        if match.end > match.start:
            if match.entity in _REFERENCES:
                kind = _KEEP if keep_references else "reference"
            else:
                kind = "phone" if match.entity == "phone" else "code"
            _add(spans, _Span(match.start, match.end, kind))
    for m in _SEPARATED.finditer(text):
        kind = _kind(re.sub(r"[^0-9A-Za-z]", "", m.group()).upper())
        if kind:
            # Only numbers no other recogniser found: two numbers side by side stay two.
            _add(spans, _Span(m.start(), m.end(), kind), merge=False)
    for m in _ALNUM_RUN.finditer(text):
        run = m.group().upper()
        for offset in range(len(run) - 17):
            window = run[offset : offset + 18]
            if not window.isdigit() and uscc.is_valid(window):
                _add(spans, _Span(m.start() + offset, m.start() + offset + 18, "code"))
    for pattern, kind in ((_LANDLINE, "phone"), (_LONG_DIGITS, "code")):
        for m in pattern.finditer(text):
            _add(spans, _Span(m.start(), m.end(), kind))
    return spans


def _masked(normalized: str, kind: str) -> str:
    compact = re.sub(r"[^0-9A-Za-z]", "", normalized).upper()
    if kind == "phone":
        return mask_phone(compact.removeprefix("86") if len(compact) == 13 else compact)
    return mask_id_number(compact)


def mask_text(text: str, *, keep_references: bool = False) -> str:
    """`text` with every personal number masked; the rest stays as the user typed it.

    The recognisers run on the normalised text (full-width digits, Traditional characters) and
    the spans they find are mapped back onto the raw text. Case and appointment numbers are
    masked too unless `keep_references` (an agent or an operator needs them to act).
    """
    normalized = normalize(text)
    masked = text
    for span in sorted(_spans(normalized.text, keep_references), reverse=True):
        if span.kind == _KEEP:
            continue
        start = normalized.sources[span.start]
        end = normalized.sources[span.end - 1] + 1
        replacement = _masked(normalized.text[span.start : span.end], span.kind)
        masked = masked[:start] + replacement + masked[end:]
    return masked


class MaskingFilter(logging.Filter):
    """Masks a record's message and traceback before any handler formats it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask_text(record.getMessage(), keep_references=True)
        record.args = None
        if record.exc_info and not record.exc_text:
            formatted = logging.Formatter().formatException(record.exc_info)
            record.exc_text = mask_text(formatted, keep_references=True)
        if record.stack_info:
            record.stack_info = mask_text(record.stack_info, keep_references=True)
        return True


def install_log_masking() -> None:
    """Put the masking filter on every handler of the root logger (once per handler)."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, MaskingFilter) for f in handler.filters):
            handler.addFilter(MaskingFilter())
