"""Masking for everything that enters the review inbox: nothing personal is ever written.

The NLU patterns run on the normalised text (full-width digits, Traditional characters), and the
spans they find are mapped back onto the raw text, so the text kept for training stays as the
user typed it while every number the assistant would recognise is masked.
"""

from __future__ import annotations

import re
from typing import List, Tuple

from bot.nlu.patterns import find_patterns
from bot.nlu.text import normalize
from bot.service_api.privacy import mask_id_number, mask_phone
from connectors.privacy import mask_personal_data

# A safety net for long digit runs no pattern claims (an ID number with a typo, a bank card).
_LONG_DIGITS = re.compile(r"[0-9０-９]{11,}")


def _mask_span(entity: str, raw: str) -> str:
    if entity == "phone":
        digits = re.sub(r"[^0-9]", "", normalize(raw).text)
        return mask_phone(digits) if len(digits) == 11 else "*" * len(raw)
    return mask_id_number(raw)


def mask_text(text: str) -> str:
    """`text` with phone, ID, credit-code, case and appointment numbers masked."""
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
