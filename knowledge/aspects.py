"""What a question asks about its subject (a time, a fee, a yes or no …); whether a text states it.

"仲裁收钱吗" and "多长时间内得去申请" are about the same subject and ask different things: an answer
about arbitration that names no fee or no time does not answer them, however well its words match.
An aspect is read from the question's words; a text states it when it says what the aspect asks
for — a span of time, an amount or "不收费", a permission or prohibition, a liability.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Dict, List, Optional, Pattern, Tuple

from core.text import normalize_text


class Aspect(str, Enum):
    """The point of a question about its subject."""

    TIME = "时限"
    FEE = "费用"
    MATERIALS = "材料"
    CONDITIONS = "条件"
    PLACE = "地点"
    PROCEDURE = "程序"
    CONSEQUENCE = "后果"
    COMPENSATION = "赔偿"
    CALCULATION = "计算"
    PERMISSION = "能不能"


_NUMBER = r"[0-9一二三四五六七八九十百千万两半几]"
# How questions ask for each aspect; checked in this order, the first is the question's point
# ("要赔多少钱" asks for compensation before a fee).
_ASKED: Tuple[Tuple[Aspect, str], ...] = (
    (
        Aspect.COMPENSATION,
        r"赔偿|补偿|赔多少|赔钱|索赔|怎么赔|赔我|要赔|双倍|二倍|两倍|违约金|赔付",
    ),
    (
        Aspect.FEE,
        r"收费|要钱|收钱|花钱|交钱|掏钱|多少钱|费用|免费|钱吗|花多少|诉讼费|受理费|交多少",
    ),
    (
        Aspect.TIME,
        r"多久|多长时间|几天|多少天|几个月|多少年|几年|时限|期限|时效|最晚|什么时候|啥时候|"
        r"几号|多少日|几日|过期|有效期|多快",
    ),
    (Aspect.CALCULATION, r"怎么算|如何计算|咋算|怎么计算|按什么标准|计算|标准是"),
    (
        Aspect.CONSEQUENCE,
        r"后果|责任|会怎样|会怎么样|咋样|怎么处罚|罚多少|罚款|处罚|坐牢|判刑|会不会被|追究",
    ),
    (Aspect.MATERIALS, r"材料|带什么|带啥|准备什么|准备啥|证件|资料|证明"),
    (Aspect.PLACE, r"在哪|去哪|哪里|哪儿|找谁|哪个部门|哪个法院|上哪|地址|打什么电话"),
    (Aspect.CONDITIONS, r"条件|资格|符合|够不够|谁能|哪些情况|什么情况下"),
    (Aspect.PROCEDURE, r"流程|步骤|程序|手续|怎么申请|如何申请|怎么办|咋办|咋整|怎么弄"),
    (
        Aspect.PERMISSION,
        r"能不能|可不可以|可以吗|行不行|合法吗|违法吗|合法不|违法不|算不算|是否|有没有权|"
        r"能.{0,12}[吗不么]|可以.{0,12}[吗不么]|得.{0,6}吗|要不要|需不需要|必须",
    ),
)
ASKED: Tuple[Tuple[Aspect, Pattern[str]], ...] = tuple(
    (aspect, re.compile(pattern)) for aspect, pattern in _ASKED
)

# How a text states each aspect. A text that only names the aspect's subject ("收费标准另行
# 规定", "期限") without saying it does not state it: the patterns want the value.
_STATED: Dict[Aspect, str] = {
    Aspect.TIME: rf"{_NUMBER}+个?(日|天|周|个月|月|年|小时|工作日)|立等可取|当场|即时|当日|次日|"
    r"随时|不受.{0,6}限制",
    Aspect.FEE: r"不收费|免费|不收取|无需缴费|不交费|[0-9一二三四五六七八九十百千万]+元|"
    r"交纳.{0,12}费|收费标准|费用由|负担|缓交|减交|免交|工本费|百分之|%|不得超过",
    Aspect.CALCULATION: r"计算|按照|标准|倍|百分之|%|平均|基数",
    Aspect.COMPENSATION: r"赔偿|补偿|倍的工资|二倍|双倍|违约金|返还|支付.{0,8}(工资|金|费)",
    Aspect.CONSEQUENCE: r"责任|罚款|处罚|赔偿|责令|吊销|拘留|无效|撤销|承担|追究|处分",
    Aspect.MATERIALS: r"材料|证件|身份证|证明|提交|提供|凭证|申请书",
    Aspect.PLACE: r"向.{0,14}(部门|机关|法院|委员会|机构|中心|窗口|所)|窗口|大厅|派出所|法院|"
    r"仲裁委员会|车管所|12345|12348|12333|12315|辽事通|政务服务网",
    Aspect.CONDITIONS: r"条件|符合|具备|情形|应当|可以|不得|满",
    Aspect.PROCEDURE: r"申请|提出|办理|提交|受理|步骤|流程|程序|先|再|然后|向",
    Aspect.PERMISSION: r"可以|不得|禁止|有权|无权|应当|不能|能够|合法|违法|无效|不需要|需要|必须|"
    r"不予|准许|允许|不属于|属于|视为",
}
STATED: Dict[Aspect, Pattern[str]] = {a: re.compile(p) for a, p in _STATED.items()}

# Aspects whose answer is a value: a text about the subject that does not give it is no answer.
# The others (procedure, conditions, a yes or no) are broad, and most texts about the subject
# speak to them.
VALUE_ASPECTS = frozenset([Aspect.TIME, Aspect.FEE, Aspect.CALCULATION, Aspect.COMPENSATION])


def asked_aspects(text: str) -> Tuple[Aspect, ...]:
    """Every aspect the question asks, its point first ("仲裁要交多少钱多久出结果": 费用, 时限)."""
    normalized = normalize_text(text).lower()
    return tuple(aspect for aspect, pattern in ASKED if pattern.search(normalized))


# A question asking for a span in one unit ("几年", "多少天") is answered by a span in that
# unit: "借出去的钱几年不要就过期了" is not answered by "满六个月".
_ASKED_UNIT: Tuple[Tuple[str, Pattern[str]], ...] = (
    ("年", re.compile(r"几年|多少年|几个年")),
    ("月", re.compile(r"几个月|多少个月")),
    ("日", re.compile(r"几天|多少天|几日|多少日|几个工作日")),
)
_UNIT_STATED: Dict[str, Pattern[str]] = {
    "年": re.compile(rf"{_NUMBER}+年"),
    "月": re.compile(rf"{_NUMBER}+个?月"),
    "日": re.compile(rf"{_NUMBER}+个?(日|天|工作日)"),
}


def asked_unit(text: str) -> Optional[str]:
    """The unit a question asks a span of time in (年, 月, 日), if it names one."""
    normalized = normalize_text(text)
    return next((unit for unit, pattern in _ASKED_UNIT if pattern.search(normalized)), None)


def states(aspect: Aspect, text: str, unit: Optional[str] = None) -> bool:
    """Whether `text` says what `aspect` asks for (a span of time, an amount or "不收费" …);
    for a span asked in a unit, one in that unit."""
    normalized = normalize_text(text)
    if aspect is Aspect.TIME and unit is not None:
        return bool(_UNIT_STATED[unit].search(normalized))
    return bool(STATED[aspect].search(normalized))


def stating_sentences(aspect: Aspect, text: str) -> Tuple[str, ...]:
    """The sentences of `text` that state `aspect`, in order."""
    return tuple(s for s in sentences(text) if states(aspect, s))


def sentences(text: str) -> List[str]:
    """The sentences of `text`, normalised, each ending with "。"."""
    return [s + "。" for s in normalize_text(text).split("。") if s.strip()]
