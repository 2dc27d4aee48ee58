"""Whether a candidate answers the point that was asked, not just its topic.

An entry is given as *the* answer only when it is about what the question names and states what
it asks: a time for 多久, an amount or "不收费" for 要钱吗. A concept the question names only as
absent ("合同里没写违约金") is not its subject: the entry on choosing between 违约金 and 定金,
whose opening "只能选一个。" answers another question, would mislead. When nothing states the point,
the reply says what is known and that the point itself is not in our sources.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import FrozenSet, Iterable, Optional, Sequence

from core.text import normalize_text
from knowledge.analysis import GENERIC_CONCEPTS, Analysis
from knowledge.aspects import Aspect, sentences, states, stating_sentences
from knowledge.law_search import ArticleHit, missing_concepts
from knowledge.legal_lexicon import default_lexicon
from knowledge.schema import Entry
from knowledge.thresholds import ASKED_LIKE_ENTRY, TOPICAL_LIKENESS

# A short first sentence that decides the question: "可以。", "不合法。", "只能选一个。".
VERDICT = re.compile(r"^[^。,;!?\n]{1,8}[。!]")


@lru_cache(maxsize=8192)
def bigrams(text: str) -> FrozenSet[str]:
    """The character pairs of a text, without punctuation (entries' wordings recur: cached)."""
    bare = re.sub(r"[\W_]+", "", normalize_text(text).lower())
    return frozenset(bare[i : i + 2] for i in range(len(bare) - 1))


def likeness(text: str, wordings: Iterable[str]) -> float:
    """The largest share of character pairs `text` has with one of `wordings`."""
    asked = bigrams(text)
    shares = [
        len(asked & known) / len(asked | known)
        for known in map(bigrams, wordings)
        if asked and known
    ]
    return max(shares, default=0.0)


def entry_likeness(text: str, entry: Entry) -> float:
    """How much the question is worded like the entry's title or one of its sample questions."""
    return likeness(text, (entry.title, *entry.questions))


def entry_point(entry: Entry) -> FrozenSet[str]:
    """The key legal concepts the entry's title names: what the entry is about."""
    return _title_concepts(entry.title)


@lru_cache(maxsize=1024)
def _title_concepts(title: str) -> FrozenSet[str]:
    return default_lexicon().question_concepts(title) - GENERIC_CONCEPTS


def entry_concepts(entry: Entry) -> FrozenSet[str]:
    """The key legal concepts the entry's title, aliases and sample questions name."""
    return _title_concepts(" ".join([entry.title, *entry.aliases, *entry.questions]))


def statement(entry: Entry) -> str:
    """Everything the entry states: its answer and the sections that carry values."""
    s = entry.sections
    parts = [entry.answer, s.time_limit or "", s.fees or "", *s.conditions, *s.steps]
    return " ".join(parts)


def answers(
    entry: Entry,
    analysis: Analysis,
    subject: FrozenSet[str] = frozenset(),
    follow_up: bool = False,
) -> bool:
    """The entry is about what the question names and states what it asks.

    `subject` adds the concepts the conversation is about to those the message names: "多长时间内
    得去申请" after an answer on arbitration fees is still about 劳动仲裁. A follow-up's few words
    rarely name its subject ("交不起能缓交吗"): the topic chose it, so only the value it asks
    for is checked.
    """
    if not follow_up and not about(entry, analysis, subject):
        return False
    value = analysis.value_asked
    return value is None or states_point(
        value, statement(entry), analysis.unit, analysis.key_concepts
    )


def about(entry: Entry, analysis: Analysis, subject: FrozenSet[str] = frozenset()) -> bool:
    """The entry is about the question's subject: worded like it, or sharing its key concepts
    (and, when its title names some, one of those); with no key concept in the question, its
    words must be close."""
    like = entry_likeness(analysis.text, entry)
    if like >= ASKED_LIKE_ENTRY:
        return True
    named = analysis.key_concepts | (subject - GENERIC_CONCEPTS)
    if not named:
        return like >= TOPICAL_LIKENESS
    point = entry_point(entry)
    if point:
        return bool(point & named)
    return bool(entry_concepts(entry) & named)


def asked_like(entry: Entry, analysis: Analysis) -> bool:
    """The question is worded like the entry's own title or sample questions."""
    return entry_likeness(analysis.text, entry) >= ASKED_LIKE_ENTRY


def verdict_fits(entry: Entry, analysis: Analysis, subject: FrozenSet[str] = frozenset()) -> bool:
    """The entry's opening verdict ("只能选一个。") is for this question: it is worded like the
    entry's own, or names everything the entry's title is about."""
    return asked_like(entry, analysis) or not entry_point(entry) - analysis.concepts - subject


def without_verdict(text: str) -> str:
    """The answer without its opening verdict, when it opens with one."""
    match = VERDICT.match(text)
    return text[match.end() :] if match else text


def states_point(aspect: Aspect, text: str, unit: Optional[str], key: FrozenSet[str]) -> bool:
    """`text` states `aspect` of what the question is about: a sentence that gives the value
    (a time for 多久) names one of the question's key concepts. A question on the day wages
    are paid is not answered by an article whose only time is the probation period's. Without
    key concepts, any sentence stating the value will do."""
    if not key:
        return states(aspect, text, unit)
    lexicon = default_lexicon()
    sentences = [s for s in re.split(r"[。;\n]", normalize_text(text)) if s.strip()]
    return any(
        states(aspect, s, unit) and len(lexicon.missing(key, s)) < len(key) for s in sentences
    )


def articles_state(hits: Sequence[ArticleHit], analysis: Analysis) -> bool:
    """Some of the articles state the value the question asks for, if it asks one."""
    value = analysis.value_asked
    key = analysis.key_concepts
    return value is None or any(
        states_point(value, hit.article.text, analysis.unit, key) for hit in hits
    )


def stated_first(text: str, aspect: Aspect, question: str) -> str:
    """`text` with the sentence that states `aspect` in the question's own words first.

    "仲裁收钱吗" is answered by "劳动争议仲裁不收费", not by the court-fee table before it.
    """
    stating = stating_sentences(aspect, text)
    if not stating:
        return text
    asked = bigrams(question)
    # The stating sentence sharing most of the question's words; the earliest among equals.
    best = max(stating, key=lambda s: (len(asked & bigrams(s)), -stating.index(s)))
    parts = sentences(text)
    if not parts or parts[0] == best:
        return text
    # An opening verdict answered the entry's own question, not this one.
    rest = [s for s in parts if s != best and not VERDICT.fullmatch(s)]
    return "".join([best, *rest])


def concept_first(text: str, concepts: FrozenSet[str]) -> str:
    """`text` with the first sentence stating the asked concepts first, when the opening states
    none of them: "我发微信催过他算不算" after the limitation period is answered by "…诉讼时效
    中断,从中断时起重新计算", not by the three-year rule again."""
    lexicon = default_lexicon()
    parts = sentences(text)
    # A verdict kept at the opening is the answer to this very question (`verdict_fits`).
    if len(parts) < 2 or not concepts or VERDICT.fullmatch(parts[0]):
        return text
    if len(lexicon.missing(concepts, parts[0])) < len(concepts):
        return text
    stating = next((s for s in parts[1:] if not lexicon.missing(concepts, s)), None)
    if stating is None:
        return text
    rest = [s for s in parts if s != stating and not VERDICT.fullmatch(s)]
    return "".join([stating, *rest])


def covers(asked: FrozenSet[str], question: str, text: str) -> bool:
    """Whether `text` covers the question's key legal concepts.

    Generic concepts (期限, 收费, 赔偿 …) are context, not the point of a question; of three or
    more specific ones, one may be context too ("起诉要回10万欠款交多少诉讼费": 诉讼费 is the
    point, 欠款 is not).
    """
    key = asked - GENERIC_CONCEPTS
    missing = missing_concepts(question, text) - GENERIC_CONCEPTS
    if not key:
        return missing_concepts(question, text) != asked
    return not missing or (len(key) >= 3 and len(missing) == 1)
