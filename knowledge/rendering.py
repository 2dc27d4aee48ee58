"""The answer's words: the entry with its verdict shown or not, the direct answer first, related
entries as buttons, quoted articles, and the honest replies when the point is not in our sources.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import FrozenSet, Optional, Sequence

from knowledge.analysis import Analysis
from knowledge.answer import (
    NOT_FOUND,
    Reply,
    entry_button,
    render_choices,
    render_entry,
    render_section,
    with_related,
)
from knowledge.answerability import concept_first, stated_first, verdict_fits, without_verdict
from knowledge.confidence import Evidence
from knowledge.followup import Topic
from knowledge.kinds import AnswerKind
from knowledge.law_answer import NO_SPECIFIC_ANSWER, render_articles
from knowledge.law_search import ArticleResult
from knowledge.lawtext import default_corpus
from knowledge.schema import SECTION_LABELS, Entry
from knowledge.search import Hit
from knowledge.thresholds import RELATED_SHARE

NOT_STATED = (
    "抱歉,关于{asked},我们收录的资料和法律条文里没有找到明确的规定,我不想给您不准确的信息。{known}"
    "建议拨打12348公共法律服务热线咨询,或咨询律师;企业还可以申请免费的法治体检。"
)
NOT_IN_SOURCES = (
    "关于“{title}”,我们的资料里没有写明“{asked}”这一点,我不想给您不准确的信息。"
    "建议拨打12345政务服务便民热线咨询,或在辽事通APP、辽宁政务服务网查询。"
)
ASK_WHICH = "请问您想了解哪项事务的{}?比如“居住证”“驾驶证补换领”“营业执照变更”。"


@dataclass(frozen=True)
class Answer:
    """What to send and what the conversation is about afterwards."""

    reply: Reply
    kind: AnswerKind
    topic: Optional[Topic] = None
    entry: Optional[str] = None
    # What spoke for a legal answer when it was chosen (for the confidence model and its fit).
    evidence: Optional[Evidence] = None

    @property
    def placed(self) -> bool:
        """False when nothing was found that fits: the caller may still ask to rephrase."""
        return self.kind not in (AnswerKind.MENU, AnswerKind.NOT_FOUND)


def entry_answer(
    entry: Entry,
    hits: Sequence[Hit],
    city: Optional[str],
    query: str,
    analysis: Optional[Analysis] = None,
    subject: FrozenSet[str] = frozenset(),
    evidence: Optional[Evidence] = None,
) -> Answer:
    """The entry's answer for the question asked, with the close candidates as related buttons.

    Its opening verdict is shown only when it is for this question, and the sentence stating
    the value asked comes first.
    """
    top = hits[0].score if hits else 0.0
    related = [h.entry for h in hits if h.entry.id != entry.id and h.score >= RELATED_SHARE * top]
    text = entry.answer
    if analysis is not None and not verdict_fits(entry, analysis, subject):
        text = without_verdict(text)
    if analysis is not None and analysis.value_asked is not None:
        # The direct answer first: "劳动争议仲裁不收费" before the court-fee table.
        text = stated_first(text, analysis.value_asked, analysis.text)
    elif analysis is not None:
        # Or the sentence on the concept asked about.
        text = concept_first(text, analysis.key_concepts)
    reply = with_related(render_entry(entry, city, text), related)
    topic = Topic("entry", entry.id, entry.service, city, query)
    return Answer(reply, AnswerKind.ENTRY, topic, entry.id, evidence)


def section_answer(entry: Entry, section: str, topic: Topic) -> Answer:
    """One section of the entry (材料, 流程 …)."""
    return Answer(render_section(entry, section), AnswerKind.SECTION, topic, entry.id)


def menu(hits: Sequence[Hit]) -> Answer:
    """The candidates to choose from."""
    return Answer(render_choices([h.entry for h in hits]), AnswerKind.MENU)


def not_found() -> Answer:
    return Answer(Reply(NOT_FOUND), AnswerKind.NOT_FOUND)


def ask_which(section: str) -> Answer:
    """A section asked with no subject ("流程是啥"): which service's?"""
    return Answer(Reply(ASK_WHICH.format(SECTION_LABELS[section])), AnswerKind.ASK_TOPIC)


def articles_answer(
    concepts_from: str,
    articles: ArticleResult,
    topic: Topic,
    evidence: Optional[Evidence] = None,
) -> Answer:
    """The articles quoted verbatim; the topic remembers which."""
    text, ids = render_articles(concepts_from, articles)
    quoting = replace(topic, articles=tuple(ids))
    return Answer(Reply(text), AnswerKind.ARTICLES, quoting, evidence=evidence)


def not_stated(analysis: Analysis, topic: Optional[Topic], nearest: Optional[Entry]) -> Answer:
    """What is known, that the point asked is not in our sources, and where to ask."""
    if nearest is None and analysis.value_asked is None:
        return Answer(Reply(NO_SPECIFIC_ANSWER), AnswerKind.NO_SPECIFIC, topic)
    point = analysis.value_asked
    asked = f"您问的{point.value}" if point is not None else "您问的这一点"
    known = (
        f"相关的内容有“{nearest.title}”,可点下方按钮查看,但它没有回答{asked}。" if nearest else ""
    )
    text = NOT_STATED.format(asked=asked, known=known)
    buttons = [entry_button(nearest)] if nearest else []
    if nearest is not None and topic is None:
        # What was offered is what a follow-up ("具体是哪条规定") is about.
        topic = Topic("entry", nearest.id, nearest.service, None, analysis.text)
    return Answer(Reply(text, buttons), AnswerKind.NOT_STATED, topic)


def not_in_sources(entry: Entry, own: str, topic: Topic) -> Answer:
    """The topic's sources do not say what the follow-up asks; where to ask instead."""
    text = NOT_IN_SOURCES.format(title=entry.title, asked=own)
    return Answer(Reply(text, [entry_button(entry)]), AnswerKind.NOT_STATED, topic)


def law_basis(topic: Topic) -> Answer:
    """The citations of the articles the last answer quoted."""
    corpus = default_corpus()
    articles = [corpus.by_id(a) for a in topic.articles]
    lines = [f"· {a.citation()}" for a in articles if a is not None]
    text = "刚才的回答依据:\n" + "\n".join(lines) if lines else NO_SPECIFIC_ANSWER
    return Answer(Reply(text), AnswerKind.SECTION, topic)


def case_push(entry: Entry, topic: Topic) -> Answer:
    """How to hurry a work order, before the entry on following one up."""
    number = f"工单{topic.case}" if topic.case else "您的诉求"
    lead = (
        f"{number}的办理进度以承办单位答复为准。需要催办的,请拨打12345说明工单号,"
        "话务员会联系承办单位督办。"
    )
    reply = render_entry(entry)
    return Answer(
        Reply(f"{lead}\n{reply.text}", reply.buttons), AnswerKind.CASE_PUSH, topic, entry.id
    )


def for_city(entry: Entry, topic: Topic, city: str) -> Answer:
    """The entry for a city; a province-wide entry says that it applies there too."""
    reply = render_entry(entry, city)
    if entry.region == "辽宁":
        reply = Reply(f"在{city}办理,按全省统一的规定:\n{reply.text}", reply.buttons)
    return Answer(reply, AnswerKind.ENTRY, replace(topic, entry=entry.id, city=city), entry.id)
