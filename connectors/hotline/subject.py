"""What a call is about: decided from the evidence of every caller line, not the latest one.

A caller opens with the purpose of the call ("公司进了经营异常名录,怎么移出来") and then adds
details: a year, a code, a deadline ("下周就要签合同了"), a cause ("去年的年报忘了报了"). NLU
reads each detail alone and may put it under another intent; the call's subject must not follow.
Each caller line is read once with the chat's own message analysis (knowledge/analysis.py) and
kept as a `LineReading`; the subject is the category with the most weighted evidence in the
current part of the call, where the line that states the purpose weighs most, a question counts
in full and a statement of details little. A line's evidence is NLU's confidence, except where
NLU reads it as out of scope and its words name a category of the desk (topic_words.py); a
line that only introduces the caller ("我们是沈阳市瑞丰电子科技有限公司的") is no evidence,
whatever NLU reads into the name, so the purpose stated after it opens the call. A clear
change of subject ("对了,还有个事", "换个问题") starts a new part; chasing an earlier request
(催办) is a category of its own.

Where a model fitted on scripted calls is stored (subject_model.py), a line's evidence is
mostly its reading (the line's characters, NLU's ranking, the topic words, the units named),
the hand-set evidence the rest, and the opening's weight is the one chosen with it; the
weights of the kinds of line, the parts and the agent's pin stay as they are.
"""

from __future__ import annotations

import re
from typing import Dict, List, Literal, Optional, Sequence, Tuple

from pydantic import BaseModel

from core.text import normalize_text
from knowledge.analysis import analyse
from knowledge.labels import INTENT_LABELS, intent_label

from .dispatch import category_label as category_label_of
from .dispatch import default_table
from .facts import extract
from .subject_model import SubjectModel, default_model
from .topic_words import default_topic_words

# Category of a call chasing an earlier request or work order; not an NLU intent.
CASE_URGE = "case_urge"
CASE_URGE_LABEL = category_label_of(CASE_URGE)
# The NLU intent whose answers and required fields a 催办 call uses.
CASE_URGE_INTENT = "case_status"

# Intents that say nothing about what the call is about; they never set the category.
CONTROL_INTENTS = frozenset(
    {"greet", "goodbye", "thank", "affirm", "deny", "bot_challenge", "inform", "nlu_fallback"}
)

# Weights of a line's evidence in the call's subject. The purpose outweighs any one later
# line, so a single misread detail never flips it; two questions on another topic do. Set by
# hand on tests/connectors/desk_calls/dev.yml and dev2.yml; the opening's weight with a fitted
# model is chosen with it by cross-validation (bench/fit_call_subject.py, docs/connectors.md).
OPENING_WEIGHT = 2.0
ASK_WEIGHT = 1.0
DETAIL_WEIGHT = 0.25
# A line that chases an earlier request decides the part of the call it opens.
CHASE_WEIGHT = 3.0
RANKED = 3
# NLU's reading for a line that fits none of the desk's categories; the words of the line,
# when they name a category (topic_words.py), say which one it fits.
CATCH_ALL = frozenset({"out_of_scope"})
# A legal question is a category of its own: its words (欠款, 工伤, 注销) are shared with the
# services it is asked about, so only a line naming a service itself moves it (measured on
# dev, dev2 and heldout2: moving it on any naming word lost more calls than it won).
SERVICE_CATCH_ALL = frozenset({"legal_question"})


# Words that ask something or state what the caller wants, beyond the analysed aspects.
_ASKS = re.compile(
    r"[??]|吗|么|嘛|呢|怎么|咋|如何|能不能|可不可以|可以不|行不行|是不是|有没有|哪|什么|啥|多少|几|"
    r"请问|咨询|想问|问一下|问问|打听|了解一下|想(要|办|申请|知道|投诉|反映|举报)|要(办|申请|投诉|举报)|"
    r"投诉|举报|反映|帮(我|忙|着)|给(我|俺)(办|查|看)|查(一下|查)"
)

LineKind = Literal["control", "detail", "follow", "ask", "chase", "switch"]


class LineReading(BaseModel):
    """One caller line as evidence for the call's subject (no words kept: only what they say):
    NLU's ranking, and the categories its naming words point to (topic_words.py)."""

    kind: LineKind
    ranking: List[Tuple[str, float]] = []
    lexical: List[Tuple[str, float]] = []
    # The line names a service of knowledge/services.yml (办居住证, 驾驶证换证 …).
    names_service: bool = False
    # The line's evidence as the fitted model weighs it (subject_model.py), when it read it.
    fitted: List[Tuple[str, float]] = []

    @property
    def evidence(self) -> Dict[str, float]:
        """The line's weight for each category: NLU's confidence, except that a catch-all
        reading goes to the categories the line's words name when they name one: "我驾照扣满
        十二分了,咋办" read as out of scope is about a driving licence, "我们公司有好几个外地
        员工要办居住证" read as a legal question is about the residence permit. Where the
        fitted model read the line, its probabilities are the evidence."""
        if self.fitted:
            return dict(self.fitted)
        catch_all = CATCH_ALL | (SERVICE_CATCH_ALL if self.names_service else frozenset())
        named = [(c, share) for c, share in self.lexical if c not in catch_all]
        mass = sum(share for _, share in named)
        found: Dict[str, float] = {}
        for intent, confidence in self.ranking:
            if intent in catch_all and mass:
                for category, share in named:
                    found[category] = found.get(category, 0.0) + confidence * share / mass
            else:
                found[intent] = found.get(intent, 0.0) + confidence
        return found


def read_line(text: str, ranking: Sequence[Tuple[str, float]]) -> LineReading:
    """How one caller line bears on the subject, read with the stored model when there is one
    (subject_model.py); `ranking` is NLU's (intent, confidence) list."""
    return with_fitted(read_evidence(text, ranking), text, default_model())


def read_by_model(reading: LineReading) -> bool:
    """Whether the fitted model reads the line: one that bears on the subject and is not a
    chase (a chase decides its part by itself)."""
    return reading.kind not in ("control", "chase") and bool(reading.ranking)


def with_fitted(reading: LineReading, text: str, model: Optional[SubjectModel]) -> LineReading:
    """The reading with its evidence as the fitted model weighs it, when there is a model and
    it reads the line (None: the hand-set evidence alone). The model's probabilities have
    their share of the evidence, the hand-set evidence the rest."""
    if model is None or not read_by_model(reading):
        return reading
    features = model.features(
        text,
        reading.ranking,
        reading.lexical,
        default_table().evidence(normalize_text(text)),
        reading.kind,
    )
    mixed = {c: (1 - model.share) * e for c, e in reading.evidence.items()}
    for category, probability in model.ranked(features, RANKED):
        mixed[category] = mixed.get(category, 0.0) + model.share * probability
    ranked = sorted(mixed.items(), key=lambda item: -item[1])[:RANKED]
    return reading.model_copy(update={"fitted": [(c, round(e, 4)) for c, e in ranked]})


def read_evidence(text: str, ranking: Sequence[Tuple[str, float]]) -> LineReading:
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
    words = default_topic_words()
    lexical = words.evidence(text)[:RANKED]
    service = words.names_service(text)
    asks = bool(analysis.aspects) or bool(_ASKS.search(analysis.text))
    names_subject = bool(cues.terms)
    if cues.switches and (names_subject or not asks):
        if not names_subject:
            return LineReading(kind="switch")
        return LineReading(kind="switch", ranking=topical, lexical=lexical, names_service=service)
    top = ranking[0][0] if ranking else ""
    # "沈阳" or "我们是宏达机械有限公司" answers a question, "喂,是12345吗" checks the line
    # reached: neither adds anything to the subject nor states the call's purpose.
    if (
        not topical
        or cues.small_talk
        or cues.checks_line
        or (top in CONTROL_INTENTS and not asks)
        or (not asks and introduces(text))
    ):
        return LineReading(kind="control", ranking=topical)
    if not asks:
        return LineReading(kind="detail", ranking=topical, lexical=lexical, names_service=service)
    return LineReading(
        kind="ask" if names_subject else "follow",
        ranking=topical,
        lexical=lexical,
        names_service=service,
    )


# What is left of a caller's introduction once its facts are taken out: "我们是…有限公司的",
# "营口鲅鱼圈的企业", "我这边是大连的".
_INTRODUCTION_REST = re.compile(
    r"我们|我|俺们|俺|咱们|咱|这边|那边|是|的|在|企业|公司|厂|店|单位|叫|就"
)


def introduces(text: str) -> bool:
    """The line only says who or where the caller is (an enterprise, a place): it answers a
    question or introduces the call, whatever intent NLU reads into the name."""
    line = normalize_text(text)
    facts = [f for f in extract(line) if f.kind in ("enterprise", "city", "district", "person")]
    if not facts:
        return False
    rest = "".join(c for i, c in enumerate(line) if not any(f.start <= i < f.end for f in facts))
    return not _INTRODUCTION_REST.sub("", re.sub(r"[\W_]+", "", rest))


def part_start(readings: Sequence[LineReading]) -> int:
    """Index of the line that opened the current part: the last change of subject, else 0."""
    return max((i for i, reading in enumerate(readings) if reading.kind == "switch"), default=0)


def current_part(readings: Sequence[LineReading]) -> Sequence[LineReading]:
    """The lines since the last change of subject."""
    return readings[part_start(readings) :]


def opening_weight(model: Optional[SubjectModel]) -> float:
    """The opening's weight: chosen with the fitted model when there is one (its evidence is
    surer than NLU's confidence, so the opening needs less weight to hold), else the hand-set."""
    return model.opening if model is not None else OPENING_WEIGHT


def scores(
    readings: Sequence[LineReading], weight_of_opening: Optional[float] = None
) -> List[Tuple[str, float]]:
    """Each category's weighted evidence in the current part of the call, highest first.

    The part's first line with any evidence states its purpose (a caller opens with why they
    call, question or not) and weighs most; later questions naming a subject count in full,
    statements and questions leaning on the subject little. `weight_of_opening` is the
    opening's weight (None: the stored model's, or the hand-set one without a model)."""
    total: Dict[str, float] = {}
    part = current_part(readings)
    opening = _opening(part)
    first = opening_weight(default_model()) if weight_of_opening is None else weight_of_opening
    for index, reading in enumerate(part):
        if reading.kind == "control" or not (reading.ranking or reading.kind == "chase"):
            continue
        if reading.kind == "chase":
            total[CASE_URGE] = total.get(CASE_URGE, 0.0) + CHASE_WEIGHT
            continue
        if index == opening:
            weight = first
        else:
            weight = ASK_WEIGHT if reading.kind in ("ask", "switch") else DETAIL_WEIGHT
        for category, share in reading.evidence.items():
            total[category] = total.get(category, 0.0) + weight * share
    return sorted(total.items(), key=lambda item: -item[1])


def _has_evidence(reading: LineReading) -> bool:
    return reading.kind == "chase" or (reading.kind != "control" and bool(reading.ranking))


def _opening(part: Sequence[LineReading]) -> Optional[int]:
    """Index within the part of the line that states its purpose: the first with evidence."""
    return next((i for i, reading in enumerate(part) if _has_evidence(reading)), None)


def subject(
    readings: Sequence[LineReading], pinned: str = "", opening: Optional[float] = None
) -> Optional[str]:
    """The call's category key (an intent name, or CASE_URGE); the agent's pin wins."""
    if pinned:
        return pinned
    ranked = scores(readings, opening)
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
    part = current_part(readings)
    opening = _opening(part)
    return None if opening is None else len(readings) - len(part) + opening
