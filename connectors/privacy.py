"""Masking personal data inside free text (transcripts, edited answers, log lines).

Builds on the field maskers of the reference service API so every part of the system shows
the same masked forms (138****5678, 2101**********1234).
"""

from __future__ import annotations

import re

from bot.service_api.privacy import mask_id_number, mask_phone

# ID numbers first: an 18-digit ID number contains runs that look like a mobile number.
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])[1-9][0-9]{16}[0-9Xx](?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![0-9])(?:\+?86[- ]?)?1[3-9][0-9](?:[- ]?[0-9]{4}){2}(?![0-9])")
_LANDLINE = re.compile(r"(?<![0-9])0[0-9]{2,3}-?[0-9]{7,8}(?![0-9])")


def mask_personal_data(text: str) -> str:
    """`text` with ID numbers and phone numbers masked; everything else unchanged."""
    text = _ID_NUMBER.sub(lambda m: mask_id_number(m.group(0)), text)
    text = _MOBILE.sub(lambda m: mask_phone(re.sub(r"[^0-9]", "", m.group(0))[-11:]), text)
    return _LANDLINE.sub(lambda m: mask_phone(m.group(0).replace("-", "")), text)


def mask_caller_number(number: str) -> str:
    """A caller number as the hotline platform may send it, masked if it is not already."""
    digits = re.sub(r"[^0-9*]", "", number)
    if "*" in digits:
        return digits
    return mask_phone(digits[-11:]) if digits else ""
