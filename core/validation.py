"""Checks of the values users type into forms, each failure with its own Chinese explanation.

ID numbers and credit codes are checked with python-stdnum (`cn.ric`, `cn.uscc`), which knows
the checksum, the birth date and the region code; our part is telling the user which one is wrong.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Optional

from stdnum import exceptions
from stdnum.cn import ric, uscc

from core.formats import MOBILE_RE


@dataclass(frozen=True)
class Checked:
    """A cleaned value, or the reason it was refused."""

    value: Optional[str]
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.value is not None


def _compact(raw: str) -> str:
    text = unicodedata.normalize("NFKC", str(raw))
    return re.sub(r"[\s\-–—_.]", "", text).upper()


def check_phone(raw: str) -> Checked:
    """A mainland mobile number: 11 digits starting 13–19; +86 and separators are dropped."""
    number = _compact(raw).removeprefix("+86").removeprefix("0086")
    if not number.isdigit():
        return Checked(None, "手机号只能包含数字，请重新输入11位手机号。")
    if len(number) != 11:
        return Checked(None, f"手机号应为11位，您输入的是{len(number)}位，请核对后重新输入。")
    if not MOBILE_RE.fullmatch(number):
        return Checked(None, "这不是有效的手机号（应以13至19开头），请核对后重新输入。")
    return Checked(number)


def check_id_number(raw: str) -> Checked:
    """An 18-character resident ID number with a valid birth date and checksum."""
    number = _compact(raw)
    if len(number) != 18:
        return Checked(None, f"身份证号应为18位，您输入的是{len(number)}位，请核对后重新输入。")
    if not (number[:17].isdigit() and (number[17].isdigit() or number[17] == "X")):
        return Checked(None, "身份证号前17位应为数字，最后一位为数字或X，请核对后重新输入。")
    try:
        return Checked(ric.validate(number))
    except exceptions.InvalidChecksum:
        return Checked(None, "身份证号的校验位不对，可能有一位输错了，请逐位核对后重新输入。")
    except (exceptions.InvalidComponent, KeyError):
        # KeyError: python-stdnum lists some place codes (412789…) without a county and fails
        # on them instead of calling the code invalid.
        return Checked(None, "身份证号中的出生日期或地区代码无效，请核对后重新输入。")
    except exceptions.ValidationError:
        return Checked(None, "身份证号格式不对，请核对后重新输入。")


def check_uscc(raw: str) -> Checked:
    """An 18-character unified social credit code with a valid checksum."""
    code = _compact(raw)
    if len(code) != 18:
        return Checked(
            None, f"统一社会信用代码应为18位，您输入的是{len(code)}位，请对照营业执照核对。"
        )
    try:
        return Checked(uscc.validate(code))
    except exceptions.InvalidChecksum:
        return Checked(None, "统一社会信用代码的校验位不对，请对照营业执照逐位核对。")
    except exceptions.ValidationError:
        return Checked(
            None, "统一社会信用代码格式不对（18位数字和大写字母，不含I、O、Z、S、V），请核对。"
        )


_NAME = re.compile(r"[\u4e00-\u9fffA-Za-z·•. ]{2,30}")


def check_person_name(raw: str) -> Checked:
    """A person's name: 2–30 Chinese or Latin letters (with · for ethnic-minority names)."""
    name = unicodedata.normalize("NFKC", str(raw)).strip()
    name = re.sub(r"^(我叫|我是|姓名是?|名字是?|叫)[:：]?", "", name).strip()
    if not _NAME.fullmatch(name):
        return Checked(None, "请只输入预约人的姓名，例如“张三”。")
    return Checked(name)


_ENTERPRISE_SUFFIX = re.compile(r"(公司|厂|店|中心|合作社|事务所|个体户|商行|工作室|门市部|部)$")


def check_enterprise_name(raw: str) -> Checked:
    """An enterprise name as registered: 4–100 characters, ending like a registered name."""
    name = unicodedata.normalize("NFKC", str(raw)).strip()
    name = re.sub(r"^(我们是|我们公司是|企业名称是?|公司名称?是?|名称是?)[:：]?", "", name).strip()
    if not 4 <= len(name) <= 100 or not _ENTERPRISE_SUFFIX.search(name):
        return Checked(None, "请输入营业执照上的企业全称，例如“某某科技有限公司”。")
    return Checked(name)
