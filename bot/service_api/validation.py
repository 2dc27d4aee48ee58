"""Checks of citizen input, each failing with its own error code and a clear Chinese message.

The functions raise `FieldRuleError`. Inside a request body pydantic reports it as a
`value_error` whose context holds the exception; the error handler turns its `error` and
`message` into the JSON error body. Phone, ID and credit-code rules are those of core.validation.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime
from typing import Iterable

from core.clock import to_cn
from core.validation import Checked, check_id_number, check_phone, check_uscc

from .catalog import BOOKABLE_SERVICES, CITIES, normalize_city

TIME_FORMAT_MESSAGE = "预约时间不是有效的时间，请使用 ISO 8601 格式，例如 2026-10-10T09:00:00+08:00"


class FieldRuleError(ValueError):
    """A field broke one of our rules; `error` is the machine code, `message` the Chinese text."""

    def __init__(self, *, error: str, message: str) -> None:
        super().__init__(message)
        self.error = error
        self.message = message


def _accepted(checked: Checked, error: str) -> str:
    if checked.value is None:
        raise FieldRuleError(error=error, message=checked.problem)
    return checked.value


def normalize_phone(value: str) -> str:
    """A mainland mobile number without spaces, hyphens or +86, or FieldRuleError."""
    return _accepted(check_phone(value), "invalid_phone")


def normalize_id_number(value: str) -> str:
    """An 18-character resident ID number with a valid checksum, or FieldRuleError."""
    return _accepted(check_id_number(value), "invalid_id_number")


def normalize_uscc(value: str) -> str:
    """An 18-character unified social credit code with a valid check character."""
    return _accepted(check_uscc(value), "invalid_uscc")


def require_iso_text(value: object) -> object:
    """Refuse numbers for a time: pydantic would read them as Unix seconds or milliseconds."""
    if not isinstance(value, (str, datetime)):
        raise FieldRuleError(error="invalid_datetime", message=TIME_FORMAT_MESSAGE)
    return value


def beijing_time(value: datetime) -> datetime:
    """`value` in Beijing time (naive means Beijing already), or FieldRuleError if out of range."""
    try:
        return to_cn(value)
    except OverflowError:
        raise FieldRuleError(error="invalid_datetime", message=TIME_FORMAT_MESSAGE) from None


def clean_text(value: str, *, label: str, max_length: int) -> str:
    """Trimmed text: not empty, not too long, no control characters (PostgreSQL rejects NUL)."""
    text = value.strip()
    if not text:
        raise FieldRuleError(error="missing_field", message=f"{label}不能为空")
    if len(text) > max_length:
        raise FieldRuleError(error="too_long", message=f"{label}过长，最多{max_length}个字符")
    if any(unicodedata.category(char) == "Cc" for char in text):
        raise FieldRuleError(error="invalid_text", message=f"{label}含有不可见的控制字符")
    return text


def require_city(value: str) -> str:
    """The canonical name of one of the 14 cities, or FieldRuleError listing them."""
    city = normalize_city(value)
    if city is None:
        raise FieldRuleError(
            error="unknown_city",
            message=f"暂不支持该城市：{value.strip()[:20]}。支持的城市：{'、'.join(CITIES)}",
        )
    return city


def require_service(value: str) -> str:
    """A canonical bookable service name, or FieldRuleError listing them."""
    name = value.strip()
    if name not in BOOKABLE_SERVICES:
        raise FieldRuleError(
            error="unknown_service",
            message=f"不支持预约的事项：{name[:30]}。可预约事项：{'、'.join(BOOKABLE_SERVICES)}",
        )
    return name


def require_choices(
    values: Iterable[str], *, allowed: Iterable[str], label: str, error: str
) -> list[str]:
    """`values` without duplicates, each one of `allowed`, at least one; else FieldRuleError."""
    options = list(allowed)
    chosen = list(dict.fromkeys(v.strip() for v in values))
    if not chosen:
        raise FieldRuleError(error="missing_field", message=f"请至少选择一项{label}")
    unknown = [v for v in chosen if v not in options]
    if unknown:
        raise FieldRuleError(
            error=error,
            message=f"不支持的{label}：{'、'.join(u[:20] for u in unknown)}。"
            f"可选：{'、'.join(options)}",
        )
    return chosen
