"""Money, stretches of time and dates as callers say them (两万五, 快一年, 去年腊月, 下周一之前).

Chinese numerals are read with cn2an; the spoken forms it does not take (ranges such as 七八万,
approximations such as 十几万 and 好几千) are read here. The recognisers return spans; the
caller decides which spans are still free (facts.py claims numbers and names first).
"""

from __future__ import annotations

import re
from typing import Iterable, List, NamedTuple, Optional, Sequence, Tuple

import cn2an

CN = "零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟萬兩"
NUM = rf"(?:[0-9]+(?:\.[0-9]+)?|[{CN}]+)"
SMALL = "一二三四五六七八九十两"
DIGIT = "一二三四五六七八九"
WEEKDAY = "一二三四五六日天"
CURRENCY = r"(?:元|块钱|块|圆|毛钱|毛|角)"
# 三块五, 两块八: a price's tenths follow 块 without a unit of their own.
_TENTHS = rf"(?:(?<=块)[{DIGIT}](?![{CN}])(?:毛钱?)?)?"

# Money: a number, a range (七八万), an approximation (多, 来, 余, 几), a magnitude, a currency.
AMOUNT = re.compile(
    rf"(?:好几|几)?(?:[0-9]+(?:\.[0-9]+)?[万千]?|[{CN}]+)(?:[多来余几]?[万千])?[多来余几]?"
    rf"(?:[{CN}](?![{CN}]))?{CURRENCY}?{_TENTHS}"
)
# A stretch of time: a count and a unit. 个月 (three months) is a duration, 十月 is a month.
DURATION = re.compile(
    rf"(?:将近|不到|差不多|快|近|大)?(?:{NUM}|半|好几|几|仨|俩)[多来几]?个?[多半]?"
    r"(?:月|年|星期|礼拜|周|天|小时|钟头)[多半]?"
)
# Lunar months (正月十五, 腊月二十三) name their day without 号.
_LUNAR = rf"(?:正|腊|冬)月(?:初[{SMALL}]{{1,2}}|[{SMALL}]{{1,3}}(?![{SMALL}]*[日号]))?"
_MONTH = rf"(?:{_LUNAR}|(?:[0-9]{{1,2}}|[{SMALL}]{{1,3}})月份?)"
_DAY = rf"(?:[0-9]{{1,2}}|[{SMALL}]{{1,3}}几?|初[{SMALL}]{{1,2}})[日号]"
_PART = r"(?:上午|下午|晚上|早上|中午|夜里)?"
_SEASON = r"(?:年初|年底|年末|上半年|下半年|春天|夏天|秋天|冬天|开春|春节|过年)"
# Holidays; 国庆 and 五一 are also given names (陈国庆), so they count only with 节, 前 or 后.
_HOLIDAY = r"(?:春节|过年|元旦|中秋节?|端午节?|清明节|(?:国庆|五一)(?=[节前后期那]))节?"
EVENT_DATE = re.compile(
    "|".join(
        [
            rf"(?:(?:19|20)[0-9]{{2}}|[零〇一二三四五六七八九]{{4}})年(?:{_MONTH})?(?:{_DAY})?",
            rf"(?:大前年|前年|去年|今年)(?:{_SEASON}|{_MONTH})?(?:{_DAY}|[初中下]旬|[上中下]旬)?",
            rf"(?:上上?个?月|这个月|本月)(?:初|底|中旬|{_DAY})?",
            rf"(?:上上?个?(?:周|星期|礼拜))[{WEEKDAY}末]?",
            rf"(?:这周|本周|这个?星期|这礼拜)[{WEEKDAY}]",
            rf"(?:大前天|前天|昨天|昨儿个?|前儿个?|今天|今儿个?){_PART}",
            r"前(?:几|两|三|些)天",
            rf"{_MONTH}(?:{_DAY}|[上中下]旬|初|底)?{_PART}",
            rf"(?:{NUM}|半|几)个?(?:年|月|星期|礼拜|周|天)(?:以前|之前|前)",
            _HOLIDAY,
        ]
    )
)
FUTURE_DATE = re.compile(
    rf"(?:大后天|后天|明天|明儿个?|下下?个?(?:周|星期|礼拜)[{WEEKDAY}末]?|下个?月(?:初|底|{_DAY})?"
    rf"|明年(?:年初|年底)?|月底|月末|年底|年末|过两天){_PART}"
)
BEFORE = re.compile(r"(?:之前|以前|前|为止)")
# Words right after a date that make it the time by which something must happen.
MUST = re.compile(r"(?:必须|务必|一定要|得把|就得|到期|截止)")
_RELATIVE_PAST = re.compile(rf"^(?:{NUM}|半|几)个?(?:年|月|星期|礼拜|周|天)(?:以前|之前|前)$")


class Span(NamedTuple):
    kind: str
    start: int
    end: int
    text: str
    value: str


def chinese_number(text: str) -> Optional[float]:
    """ "两万五" → 25000, "1.5万" → 15000, "叁万伍仟" → 35000; None when it is no number."""
    text = text.replace("兩", "两").replace("萬", "万")
    match = re.fullmatch(r"([0-9]+(?:\.[0-9]+)?)([万千]?)", text)
    if match:
        scale = {"万": 10000, "千": 1000, "": 1}[match.group(2)]
        return float(match.group(1)) * scale
    try:
        return float(cn2an.cn2an(text, "smart"))
    except (ValueError, KeyError, IndexError):
        return None


def _yuan(number: float) -> str:
    return f"{number / 10000:g}万" if number >= 10000 else f"{number:g}"


def amount_value(text: str) -> Optional[str]:
    """The amount a work order files: "2.5万元", "1万余元", "约10万元", "7万至8万元", "数千元"."""
    price = re.fullmatch(rf"(.+)块([{DIGIT}])(?:毛钱?)?", text)
    if price:
        whole = chinese_number(price.group(1))
        tenths = chinese_number(price.group(2))
        return f"{whole + tenths / 10:g}元" if whole is not None and tenths else None
    dimes = re.fullmatch(r"(.+)(?:毛钱?|角)", text)
    if dimes:
        count = chinese_number(dimes.group(1))
        return f"{count / 10:g}元" if count else None
    core = re.sub(rf"{CURRENCY}$", "", text)
    # 七八万, 二三百, 一百三四十万: two neighbouring digits before the magnitude are a range.
    ranged = re.fullmatch(rf"(.*?[十百千万])?([{DIGIT}])([{DIGIT}])([十百千万]+)", core)
    if ranged:
        head = ranged.group(1) or ""
        low = chinese_number(head + ranged.group(2) + ranged.group(4))
        high = chinese_number(head + ranged.group(3) + ranged.group(4))
        return f"{_yuan(low)}至{_yuan(high)}元" if low and high else None
    vague = re.fullmatch(r"(好几|几)([十百千万]+)", core)
    if vague:
        return f"数{vague.group(2)}元"
    approx = ""
    for word, mark in (("几", "余"), ("多", "余"), ("余", "余"), ("来", "约")):
        if word in core:
            approx = approx or mark
            core = core.replace(word, "")
    number = chinese_number(core)
    if number is None or number <= 0:
        return None
    if approx == "约":
        return f"约{_yuan(number)}元"
    return f"{_yuan(number)}{approx}元"


def _free(taken: Sequence[Tuple[int, int]], start: int, end: int) -> bool:
    return not any(s < end and start < e for s, e in taken)


def _glued(text: str, start: int, end: int) -> bool:
    """Whether a span is part of a longer run of digits or letters (a phone number, a code)."""
    before = text[start - 1 : start] if start else ""
    return bool(re.match(r"[0-9A-Za-z]", before) or re.match(r"[0-9A-Za-z]", text[end : end + 1]))


def find_times(text: str, taken: Iterable[Tuple[int, int]]) -> List[Span]:
    """Event dates, deadlines and durations not inside the spans already taken."""
    spans: List[Tuple[int, int]] = list(taken)
    found: List[Span] = []

    def add(kind: str, start: int, end: int) -> None:
        spans.append((start, end))
        found.append(Span(kind, start, end, text[start:end], text[start:end]))

    for pattern, kind in ((EVENT_DATE, "date"), (FUTURE_DATE, "deadline")):
        for m in pattern.finditer(text):
            start, end = m.start(), m.end()
            if not _free(spans, start, end) or _glued(text, start, end):
                continue
            before = BEFORE.match(text, end)
            if before and not _RELATIVE_PAST.match(m.group()):
                add("deadline", start, before.end())
            elif MUST.match(text, end):
                add("deadline", start, end)
            else:
                add(kind, start, end)
    for m in DURATION.finditer(text):
        start, end, said = m.start(), m.end(), m.group()
        if not _free(spans, start, end) or _glued(text, start, end):
            continue
        if said.endswith("月") and "个" not in said and not re.search("[仨俩半]", said):
            continue  # 十月 is a month
        if re.match(r"[0-9]{3,}年", said) or text[start - 1 : start] in ("第", "每", "这", "那"):
            continue
        add("duration", start, end)
    return found


def find_amounts(
    text: str,
    taken: Iterable[Tuple[int, int]],
    money_words: Sequence[str],
    not_after: Sequence[str],
    duration_ends: Sequence[int] = (),
) -> List[Span]:
    """Amounts of money: with a currency word, or a magnitude (万, 千) where money is spoken of
    or right after a unit of time (一个月三千五)."""
    spans: List[Tuple[int, int]] = list(taken)
    money_context = any(word in text for word in money_words)
    found: List[Span] = []
    for m in AMOUNT.finditer(text):
        said, start, end = m.group(), m.start(), m.end()
        if not said or not _free(spans, start, end) or _glued(text, start, end):
            continue
        if not re.search(rf"{CURRENCY}{_TENTHS}$", said):
            # Without money words, a number of hundreds or more that counts nothing
            # (一只一千多, 一亩一年给八百) is still money in these calls.
            large = re.search(r"[百千万佰仟萬]", said)
            if not (money_context or start in duration_ends or large):
                continue
            if any(text.startswith(w, end) for w in not_after):
                continue
            if not re.search(r"[十百千万佰仟拾萬]", said):
                continue
            if said in ("十", "几十", "一百"):
                continue
        value = amount_value(said)
        if value is None:
            continue
        spans.append((start, end))
        found.append(Span("amount", start, end, said, value))
    return found


def rate_periods(text: str, durations: Sequence[Span], amounts: Sequence[Span]) -> List[Span]:
    """Durations that are the period of a rate ("一个月三千五", "一年也就挣个十来万"): one unit
    of time before an amount in the same clause."""
    periods = []
    for span in durations:
        if not span.text.startswith("一"):
            continue
        clause = re.split(r"[,，。!！?？;；]", text[span.end :])[0]
        if any(span.end <= a.start <= span.end + len(clause) for a in amounts):
            periods.append(span)
    return periods
