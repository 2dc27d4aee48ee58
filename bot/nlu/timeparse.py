"""Chinese time expressions (明天上午, 下周三, 11月25日下午3点) → ISO 8601, Asia/Shanghai."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Dict, List, Optional

from core.clock import CN_TZ, now_cn
from core.patterns import Match

logger = logging.getLogger(__name__)
_PARSER_LOG = logging.getLogger(__name__ + ".jionlp")
_PARSER_LOG.setLevel(logging.CRITICAL)

# The parser works in Beijing time, the one zone of core.clock.
TZ = CN_TZ
_FORMAT = "%Y-%m-%d %H:%M:%S"
# Words the parser resolves to a span but that name no day a user could book or mean.
VAGUE = frozenset(
    [
        "现在",
        "目前",
        "当前",
        "今年",
        "去年",
        "前年",
        "明年",
        "最近",
        "近期",
        "以前",
        "之前",
        "以后",
        "之后",
        "将来",
        "中午",
        "上午",
        "下午",
        "晚上",
        "早上",
        "平时",
        "每天",
        "工作日",
        "周末",
        "上周",
        "上个月",
        "这个月",
        "本月",
        "这周",
        "本周",
    ]
)


def _jionlp() -> Any:
    # JioNLP prints a banner and loads dictionaries on import; import it on first use only.
    import jionlp
    from jionlp.gadget import time_parser

    # Its time parser writes a full traceback to the root logger at ERROR level whenever a
    # phrase such as "一次" does not resolve to a time, which is an expected outcome for
    # ordinary questions. Those lines, which quote the user's words, go to a logger of ours
    # that stays silent unless its level is lowered.
    time_parser.logging = _PARSER_LOG
    return jionlp


def _iso(value: str) -> str:
    return datetime.strptime(value, _FORMAT).replace(tzinfo=TZ).isoformat()


def _to_match(item: Dict[str, Any]) -> Optional[Match]:
    detail = item.get("detail") or {}
    bounds = detail.get("time")
    if detail.get("type") not in ("time_point", "time_span") or not isinstance(bounds, list):
        return None
    if len(bounds) != 2 or not all(isinstance(b, str) for b in bounds):
        return None
    if bounds[0].startswith("-inf") or bounds[1].startswith("inf"):
        return None
    try:
        start, end = _iso(bounds[0]), _iso(bounds[1])
    except ValueError:
        return None
    offset = item["offset"]
    extra = {"end": end, "definition": detail.get("definition", ""), "text": item["text"]}
    return Match("time", offset[0], offset[1], start, extra)


def extract_times(text: str, base: Optional[datetime] = None) -> List[Match]:
    """Every time expression in `text`, each with its start as the value and its end in extra."""
    reference = (base or now_cn()).astimezone(TZ).replace(tzinfo=None)
    try:
        items = _jionlp().ner.extract_time(text, time_base=reference, with_parsing=True)
    except Exception:  # the parser fails on odd input; a missed time is better than a crash
        logger.warning("time_parse_failed", extra={"length": len(text)})
        return []
    matches = [_to_match(item) for item in items]
    return [
        m
        for m in matches
        if m is not None and not m.extra["text"].isdigit() and m.extra["text"] not in VAGUE
    ]


def parse_time(text: str, base: Optional[datetime] = None) -> Optional[Match]:
    """The first time expression in `text`, if any."""
    matches = extract_times(text, base)
    return matches[0] if matches else None
