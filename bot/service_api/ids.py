"""Public identifiers: a prefix plus 8 random characters, unguessable and easy to read aloud."""

from __future__ import annotations

import re
import secrets

# Digits and capitals without I and O, which callers confuse with 1 and 0 on the phone.
ID_ALPHABET = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
ID_LENGTH = 8

# Hall ids are chosen by whoever loads the halls (e.g. "shenyang-01"), not generated.
_HALL_ID_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,31}")

APPOINTMENT_PREFIX = "AP"
CHECKUP_PREFIX = "FT"


def new_public_id(prefix: str) -> str:
    """A fresh id such as AP7K3M9Q2X, from `secrets` so that earlier ids do not predict it."""
    return prefix + "".join(secrets.choice(ID_ALPHABET) for _ in range(ID_LENGTH))


def is_public_id(value: str, prefix: str) -> bool:
    """Whether `value` has the shape of an id issued with `prefix`."""
    pattern = rf"{re.escape(prefix)}[0-9A-HJ-NP-Z]{{{ID_LENGTH}}}"
    return re.fullmatch(pattern, value) is not None


def is_hall_id(value: str) -> bool:
    """Whether `value` can be a hall id (checked before it reaches a query)."""
    return _HALL_ID_RE.fullmatch(value) is not None
