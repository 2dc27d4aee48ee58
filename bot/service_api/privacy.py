"""Masking of personal data for responses and logs: only masked forms ever leave the database."""

from __future__ import annotations


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
