"""What a call is about: decided from the evidence of every caller line, not the latest one.

A caller opens with the purpose of the call ("公司进了经营异常名录,怎么移出来") and then adds
details: a year, a code, a deadline ("下周就要签合同了"), a cause ("去年的年报忘了报了"). NLU
reads each detail alone and may put it under another intent; the call's subject must not follow.
Each caller line is read once with the chat's own message analysis (knowledge/analysis.py) and
kept as a `LineReading`; the subject is the category with the most weighted NLU confidence in the
current part of the call, where the line that states the purpose weighs most, a question counts
in full and a statement of details little. A clear change of subject ("对了,还有个事",
"换个问题") starts a new part; chasing an earlier request (催办) is a category of its own.
"""

from __future__ import annotations

import re
from typing import Dict, List, Literal, Optional, Sequence, Tuple

from pydantic import BaseModel

from core.text import normalize_text
from knowledge.analysis import analyse
from knowledge.labels import INTENT_LABELS, intent_label

from .dispatch import category_label as category_label_of

# Category of a call chasing an earlier request or work order; not an NLU intent.
CASE_URGE = "case_urge"
CASE_URGE_LABEL = category_label_of(CASE_URGE)
# The NLU intent whose answers and required fields a 催办 call uses.
CASE_URGE_INTENT = "case_status"

# Intents that say nothing about what the call is about; they never set the category.
CONTROL_INTENTS = frozenset(
    {"greet", "goodbye", "thank", "affirm", "deny", "bot_challenge", "inform", "nlu_fallback"}
)

# Weights of a line's NLU confidence in the call's subject. The purpose outweighs any one later
# line, so a single misread detail never flips it; two questions on another topic do. Set by
# hand on tests/connectors/desk_calls/dev.yml and dev2.yml; reported on heldout2.yml
# (docs/connectors.md).
OPENING_WEIGHT = 2.0
ASK_WEIGHT = 1.0
DETAIL_WEIGHT = 0.25
# A line that chases an earlier request decides the part of the call it opens.
CHASE_WEIGHT = 3.0
RANKED = 3

# Words that ask something or state what the caller wants, beyond the analysed aspects.
_ASKS = re.compile(
    r"[??]|吗|么|嘛|呢|怎么|咋|如何|能不能|可不可以|可以不|行不行|是不是|有没有|哪|什么|啥|多少|几|"
    r"请问|咨询|想问|问一下|问问|打听|了解一下|想(要|办|申请|知道|投诉|反映|举报)|要(办|申请|投诉|举报)|"
    r"投诉|举报|反映|帮(我|忙|着)|给(我|俺)(办|查|看)|查(一下|查)"
)

LineKind = Literal["control", "detail", "follow", "ask", "chase", "switch"]


class LineReading(BaseModel):
    """One caller line as evidence for the call's subject (no words kept: only what they say)."""

    kind: LineKind
    ranking: List[Tuple[str, float]] = []


def read_line(text: str, ranking: Sequence[Tuple[str, float]]) -> LineReading:
    """How one caller line bears on the subject; `ranking` is NLU's (intent, confidence) list.

    - chase: chases an earlier request (催办);
    - switch: turns to another matter ("对了,还有个事…"), naming it or not yet;
    - ask: a question or request naming a subject of its own (a service, a legal term);
    - follow: a question naming none ("要准备什么材料", "能在锦州补吗"): it asks about the
      call's subject, whatever intent NLU reads into its few words;
    - detail: a statement (a year, a code, a deadline, what happened);
    - control: an answer to the agent, thanks, a greeting or a check of the line reached:
      no evidence at all.
    """
    analysis = analyse(normalize_text(text))
    cues = analysis.cues
    topical = [(n, round(c, 4)) for n, c in ranking if n and n not in CONTROL_INTENTS][:RANKED]
    if cues.chases:
        return LineReading(kind="chase", ranking=topical)
    asks = bool(analysis.aspects) or bool(_ASKS.search(analysis.text))
    names_subject = bool(cues.terms)
    if cues.switches and (names_subject or not asks):
        return LineReading(kind="switch", ranking=topical if names_subject else [])
    top = ranking[0][0] if ranking else ""
    # "沈阳" or "我们是宏达机械有限公司" answers a question, "喂,是12345吗" checks the line
    # reached: neither adds anything to the subject nor states the call's purpose.
    if not topical or cues.small_talk or cues.checks_line or (top in CONTROL_INTENTS and not asks):
        return LineReading(kind="control", ranking=topical)
    if not asks:
        return LineReading(kind="detail", ranking=topical)
    return LineReading(kind="ask" if names_subject else "follow", ranking=topical)


def current_part(readings: Sequence[LineReading]) -> Sequence[LineReading]:
    """The lines since the last change of subject."""
    start = 0
    for index, reading in enumerate(readings):
        if reading.kind == "switch":
            start = index
    return readings[start:]


def scores(readings: Sequence[LineReading]) -> List[Tuple[str, float]]:
    """Each category's weighted evidence in the current part of the call, highest first.

    The part's first line with any evidence states its purpose (a caller opens with why they
    call, question or not) and weighs most; later questions naming a subject count in full,
    statements and questions leaning on the subject little."""
    total: Dict[str, float] = {}
    opened = False
    for reading in current_part(readings):
        if reading.kind == "control" or not (reading.ranking or reading.kind == "chase"):
            continue
        if reading.kind == "chase":
            total[CASE_URGE] = total.get(CASE_URGE, 0.0) + CHASE_WEIGHT
            opened = True
            continue
        if not opened:
            weight, opened = OPENING_WEIGHT, True
        else:
            weight = ASK_WEIGHT if reading.kind in ("ask", "switch") else DETAIL_WEIGHT
        for intent, confidence in reading.ranking:
            total[intent] = total.get(intent, 0.0) + weight * confidence
    return sorted(total.items(), key=lambda item: -item[1])


def subject(readings: Sequence[LineReading], pinned: str = "") -> Optional[str]:
    """The call's category key (an intent name, or CASE_URGE); the agent's pin wins."""
    if pinned:
        return pinned
    ranked = scores(readings)
    return ranked[0][0] if ranked else None


def answer_intent(category: Optional[str]) -> Optional[str]:
    """The intent whose knowledge entries and required fields serve a category."""
    return CASE_URGE_INTENT if category == CASE_URGE else category


def categories() -> Dict[str, str]:
    """Every category a work order can be filed under, key → label."""
    keys = [i for i in INTENT_LABELS if i not in CONTROL_INTENTS and i != "human_handoff"]
    return {**{k: intent_label(k) for k in keys}, CASE_URGE: CASE_URGE_LABEL}


def category_label(category: Optional[str]) -> str:
    if not category:
        return ""
    return CASE_URGE_LABEL if category == CASE_URGE else intent_label(category)


def opening_index(readings: Sequence[LineReading]) -> Optional[int]:
    """Index (among all caller lines) of the line that stated the current purpose."""
    start = len(readings) - len(current_part(readings))
    for index in range(start, len(readings)):
        if readings[index].kind == "chase" or (
            readings[index].kind != "control" and readings[index].ranking
        ):
            return index
    return None
