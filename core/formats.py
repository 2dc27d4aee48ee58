"""The formats of the numbers citizens type or read out: mobile numbers and case numbers.

One definition each: the NLU recognisers, form validation, the service API and masking build on
these, and clients validate with `check_case_number` before calling the API.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Optional, Tuple

# A mainland mobile number: 11 digits, 1 then 3–9 (carrier prefix of three digits).
MOBILE_PREFIX = r"1[3-9][0-9]"
MOBILE = MOBILE_PREFIX + r"[0-9]{8}"
MOBILE_RE = re.compile(MOBILE)

HOTLINE_TICKET = "hotline_ticket"
SERVICE_APPLICATION = "service_application"
COURT_CASE = "court_case"

KIND_LABELS = {
    HOTLINE_TICKET: "12345工单",
    SERVICE_APPLICATION: "办件",
    COURT_CASE: "法院案件",
}

_HOTLINE_RE = re.compile(r"(?P<day>\d{8})\d{5}")
_APPLICATION_RE = re.compile(r"BJ\d{14}")
# (年份) 法院代字 类型代字 序号 号, e.g. (2025)辽0102民初1234号 or (2025)辽民终12号.
# The court part is a province abbreviation (or 最高法) plus up to four digits, per the
# national case-number rules.
_COURT_RE = re.compile(
    r"\((?P<year>\d{4})\)"
    r"(?P<court>(?:最高法|[京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川贵云藏陕甘青宁新兵])\d{0,4})"
    r"(?P<type>[\u4e00-\u9fff]{1,4}?)"
    r"(?P<serial>\d{1,6})号"
)

CASE_NUMBER_FORMATS = (
    "12345工单号为13位数字（受理日期8位+序号5位，如2026110300017）；"
    "办件编号为BJ加14位数字（如BJ20261102000101）；"
    "法院案号形如(2026)辽0102民初1234号"
)


@dataclass(frozen=True)
class CaseNumber:
    """A recognised number in its stored form."""

    kind: str
    number: str


def check_case_number(raw: str) -> Tuple[Optional[CaseNumber], str]:
    """The recognised number, or None and a Chinese explanation of what was expected."""
    # NFKC turns full-width brackets and digits (（２０２５）) into ASCII; Chinese characters stay.
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", raw)).upper()
    if _APPLICATION_RE.fullmatch(text):
        return CaseNumber(SERVICE_APPLICATION, text), ""
    hotline = _HOTLINE_RE.fullmatch(text)
    if hotline:
        if not _is_date(hotline["day"]):
            return None, "12345工单号的前8位应为受理日期（年月日），请核对工单号"
        return CaseNumber(HOTLINE_TICKET, text), ""
    if _COURT_RE.fullmatch(text):
        return CaseNumber(COURT_CASE, text), ""
    return None, _explain(text)


def _explain(text: str) -> str:
    """Tell the caller what the number they probably meant should look like."""
    if text.isdigit():
        return f"12345工单号应为13位数字（受理日期8位+序号5位），您输入的是{len(text)}位数字"
    if text.startswith("BJ"):
        return "办件编号应为BJ加14位数字，如BJ20261102000101"
    if text.startswith("(") or text.endswith("号"):
        return "法院案号应形如(2026)辽0102民初1234号：括号内为年份，其后为法院代字、案件类型和序号"
    return f"无法识别的编号。{CASE_NUMBER_FORMATS}"


def _is_date(digits: str) -> bool:
    try:
        date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return False
    return True
