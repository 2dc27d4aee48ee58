"""Which candidate answers: the best entry, a menu, the articles, or an honest decline.

The decision is returned as a `Choice` (what to say, not how): knowledge/rendering.py words it.
A menu is left for candidates that are genuinely close and about different things; a legal
question gets the curated entry only when it covers the question's concepts and answers its
point, else the articles that do, else what is known and that the point is not.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import FrozenSet, List, Optional, Sequence, Tuple

from knowledge import law_search
from knowledge.analysis import GENERIC_CONCEPTS, Analysis, analyse
from knowledge.answer import available_sections
from knowledge.answerability import (
    answers,
    articles_state,
    bigrams,
    covers,
    entry_likeness,
    entry_point,
    statement,
    states_point,
)
from knowledge.candidates import (
    GUIDANCE_INTENTS,
    LEGAL_QUESTION,
    SERVICE_CONCEPTS,
    entry_text,
    hits_of,
    is_legal_question,
)
from knowledge.confidence import AnswerModel, Evidence, log_ratio
from knowledge.followup import Cues
from knowledge.kinds import AnswerKind
from knowledge.lawtext import short_name
from knowledge.legal_lexicon import default_lexicon
from knowledge.schema import Entry, Kind
from knowledge.search import Hit, KnowledgeIndex, Result
from knowledge.thresholds import (
    COVERING_FLOOR,
    MENU_MARGIN,
    NAMED_LEAD,
    NAMES_ENTRY,
    NAMES_TITLE,
)

# Sections a legal text never answers: they belong to a service guide.
SERVICE_SECTIONS = frozenset(["contacts", "where", "online", "materials", "fees", "in_person"])


@dataclass(frozen=True)
class Choice:
    """What answers a message: its kind, the entry or articles, and what spoke for it."""

    kind: AnswerKind
    entry: Optional[Entry] = None
    # Entries offered as related after the answer, or to choose from in a menu.
    hits: Tuple[Hit, ...] = ()
    # The articles quoted, with the words the lead-in names the concepts from.
    articles: Optional[law_search.ArticleResult] = None
    concepts_from: str = ""
    # The nearest entry of a decline: what is known, offered as a button.
    nearest: Optional[Entry] = None
    analysis: Optional[Analysis] = None
    subject: FrozenSet[str] = frozenset()
    evidence: Optional[Evidence] = None


class Ranker:
    """Decides among candidates; the confidence model, when given, judges legal answers."""

    def __init__(self, index: KnowledgeIndex, model: Optional[AnswerModel] = None) -> None:
        self.index = index
        # Decides whether a legal answer is sure enough to give; None gives every candidate.
        self.model = model

    def sure(self, evidence: Evidence) -> bool:
        """The confidence model, when there is one, finds the answer likely enough right."""
        return self.model is None or self.model.answers(evidence)

    # ------------------------------------------------------------------ one best entry
    def decide(
        self,
        result: Result,
        text: str,
        cues: Cues,
        intent: Optional[str],
        topic_service: Optional[str] = None,
    ) -> Choice:
        """The best entry, its section, a menu of close candidates, or nothing.

        `topic_service` is the service the conversation is about: of two close candidates about
        different services, the one of that service continues the conversation, so no menu.
        """
        if not result.hits:
            return Choice(AnswerKind.NOT_FOUND)
        best, rest = result.hits[0], list(result.hits[1:])
        if best.score < self.index.min_score:
            return Choice(AnswerKind.MENU, hits=result.hits)
        if (
            topic_service
            and rest
            and best.entry.service != topic_service
            and rest[0].entry.service == topic_service
            and genuinely_close(best, rest[0], intent)
        ):
            best, rest = rest[0], [best, *rest[1:]]
        runner_up = entry_likeness(text, rest[0].entry) if rest else 0.0
        named = (
            names_entry(text, best.entry)
            and entry_likeness(text, best.entry) > runner_up + NAMED_LEAD
        )
        close = rest and genuinely_close(best, rest[0], intent)
        close = close and not (topic_service and best.entry.service == topic_service)
        if not result.confident and close and not named:
            return Choice(AnswerKind.MENU, hits=result.hits)
        if cues.section and intent in GUIDANCE_INTENTS and intent not in best.entry.intents:
            # NLU placing the message under a service names that service's subject: "官司想找人
            # 帮着打 上哪整去" under 法律援助 asks where legal aid is, not where a suit's evidence
            # rule is, however many words it shares with the latter.
            own = next(
                (
                    h
                    for h in rest
                    if intent in h.entry.intents
                    and cues.section in available_sections(h.entry)
                    and h.score >= self.index.min_score
                ),
                None,
            )
            if own is not None:
                return Choice(AnswerKind.SECTION, own.entry)
        if cues.section and cues.section in available_sections(best.entry):
            return Choice(AnswerKind.SECTION, best.entry)
        analysis = analyse(text)
        evidence: Optional[Evidence] = None
        if best.entry.kind == Kind.legal:
            evidence = self.entry_evidence(best.entry, best.score, analysis, frozenset(), False)
            own_service = intent in GUIDANCE_INTENTS and intent in best.entry.intents
            evidence = replace(evidence, service_intent=own_service)
            if not answers(best.entry, analysis, follow_up=own_service) or not self.sure(evidence):
                # The best match by words is a legal answer to another question.
                return Choice(AnswerKind.NOT_STATED, nearest=best.entry, analysis=analysis)
        ranked = (best, *rest)
        return Choice(AnswerKind.ENTRY, best.entry, ranked, analysis=analysis, evidence=evidence)

    # ------------------------------------------------------------------ legal questions
    def legal(
        self,
        result: Result,
        query: str,
        analysis: Analysis,
        *,
        shown: Optional[str],
        again: Optional[Entry],
        quoted: Tuple[str, ...],
        plain: Optional[Result],
        follow_up: bool,
        own_intent: bool,
        intent: Optional[str],
        context: str = "",
    ) -> Choice:
        """(a) the curated entry that covers the question, (b) the articles, (c) honest none.

        `shown` is the entry just given, never given again for a new case; `again` the topic's
        entry, which may answer a follow-up that names no concept of its own; `quoted` the
        articles just quoted, not quoted again.
        """
        own = analysis.concepts
        concept_text = analysis.text
        # The follow-up's own point when it names one, else the conversation's ("我发微信催过他
        # 算不算" after a limitation-period answer is still about 诉讼时效).
        own_key = analysis.key_concepts
        concepts_from = concept_text if own_key else query
        asked = law_search.question_concepts(concepts_from)
        # What the conversation is about, besides what the message names: the topic's concepts
        # are in `query` ("交不起能缓交吗" after court fees is still about 诉讼费).
        # `context`: the conversation's earlier words, when the message opened no topic of its
        # own ("工资高的有封顶吗" after an answer on severance for a lay-off).
        subject = asked | own | law_search.question_concepts(f"{query} {context}")
        # Only the topic's own entry is exempt from being about the subject (`again` below): any
        # other entry a follow-up finds must be about what the conversation names, or it
        # answers another question ("公司一直拖着不给申请呢" after the 工伤认定 time limit is
        # not about 劳动能力鉴定).
        # Laws of a relation the conversation never names answer nothing in it (policy).
        unsaid = default_lexicon().unsaid_laws(f"{query} {context}")
        chosen, nearest = self.covering_entry(
            result, asked, concepts_from, shown, plain, analysis, subject, own_intent, unsaid
        )
        # "从啥时候开始算" after the time-limit answer: that answer says it, if it does.
        if (
            again is not None
            and covers(asked, concepts_from, entry_text(again))
            and answers(again, analysis, subject, follow_up=True)
        ):
            chosen = again
        if chosen is not None:
            score = max(h.score for h in (*hits_of(plain), *result.hits) if h.entry is chosen)
            evidence = self.entry_evidence(chosen, score, analysis, subject, follow_up)
            own_service = intent in GUIDANCE_INTENTS and intent in chosen.intents
            evidence = replace(evidence, service_intent=own_service)
            if self.sure(evidence):
                related = tuple(h for h in result.hits if h.entry.id not in (shown, chosen.id))
                return Choice(
                    AnswerKind.ENTRY,
                    chosen,
                    related,
                    analysis=analysis,
                    subject=subject,
                    evidence=evidence,
                )
            nearest = nearest or chosen
        articles = law_search.default_article_index().search(query)
        fresh = [
            h for h in articles.hits if h.article.id not in quoted and h.article.law not in unsaid
        ]
        if articles.answerable and fresh and articles_state(fresh, analysis):
            evidence = article_evidence(articles, fresh, analysis, subject, follow_up)
            if self.sure(evidence):
                return Choice(
                    AnswerKind.ARTICLES,
                    articles=replace(articles, hits=tuple(fresh)),
                    concepts_from=concepts_from,
                    analysis=analysis,
                    evidence=evidence,
                )
        return Choice(AnswerKind.NOT_STATED, nearest=nearest, analysis=analysis)

    def entry_evidence(
        self,
        entry: Entry,
        score: float,
        analysis: Analysis,
        subject: FrozenSet[str],
        follow_up: bool,
    ) -> Evidence:
        """What speaks for an entry as the answer, for the confidence model."""
        key = analysis.key_concepts or (subject - GENERIC_CONCEPTS)
        missing = default_lexicon().missing(key, entry_text(entry)) if key else frozenset()
        value = analysis.value_asked
        return Evidence(
            is_entry=True,
            likeness=entry_likeness(analysis.text, entry),
            entry_score=log_ratio(score, self.index.min_score),
            key_concepts=len(key),
            concepts_covered=1 - len(missing) / len(key) if key else 0.0,
            point_named=not entry_point(entry) - analysis.concepts - subject,
            value_asked=value is not None,
            value_stated=value is not None
            and states_point(value, statement(entry), analysis.unit, key),
            length=len(analysis.text),
            follow_up=follow_up,
        )

    def covering_entry(
        self,
        result: Result,
        asked: FrozenSet[str],
        question: str,
        shown: Optional[str],
        plain: Optional[Result],
        analysis: Analysis,
        subject: FrozenSet[str],
        follow_up: bool,
        unsaid: FrozenSet[str] = frozenset(),
    ) -> Tuple[Optional[Entry], Optional[Entry]]:
        """The best-ranked legal entry that covers the question's concepts and answers its
        point, if any; and the best one that covers them without answering it.

        The question's own words rank first (`plain`), the search widened by the concepts'
        legal wording next; among entries that cover the key concepts, one that also covers
        the generic ones ("申请仲裁要钱吗": 收费) is preferred. An entry resting only on
        `unsaid` laws (of a relation the conversation does not name) is no candidate.
        """
        hits = [*(plain.hits if plain else ()), *result.hits]
        top = max((h.score for h in result.hits), default=0.0)
        plain_top = max((h.score for h in plain.hits), default=0.0) if plain else 0.0
        candidates: List[Entry] = []
        nearest: Optional[Entry] = None
        for hit in hits:
            entry = hit.entry
            floor = COVERING_FLOOR * (plain_top if plain and hit in plain.hits else top)
            if entry.id == shown or entry.kind != Kind.legal or entry in candidates:
                continue
            laws = {short_name(basis.law) for basis in entry.legal_basis}
            if laws and laws <= unsaid:
                continue
            if hit.score < max(self.index.min_score, floor):
                continue
            if not asked:
                confident = (plain or result).confident and hit is (plain or result).hits[0]
                if confident and answers(entry, analysis, subject, follow_up):
                    return entry, None
                return None, entry if confident else None
            if not covers(asked, question, entry_text(entry)):
                continue
            if answers(entry, analysis, subject, follow_up):
                candidates.append(entry)
            elif nearest is None:
                nearest = entry
        full = [e for e in candidates if not law_search.missing_concepts(question, entry_text(e))]
        # Of those, one that also covers what the conversation is about: "两个都能要吗" after
        # the 定金 answer asks about the 违约金 *and* the 定金.
        lexicon = default_lexicon()
        context = subject - GENERIC_CONCEPTS
        whole = [e for e in full if not lexicon.missing(context, entry_text(e))]
        ranked = whole or full or candidates
        return (ranked[0] if ranked else None), nearest


def article_evidence(
    articles: law_search.ArticleResult,
    fresh: Sequence[law_search.ArticleHit],
    analysis: Analysis,
    subject: FrozenSet[str],
    follow_up: bool,
) -> Evidence:
    """What speaks for the articles as the answer, for the confidence model."""
    key = analysis.key_concepts or (subject - GENERIC_CONCEPTS)
    covered = frozenset().union(*(hit.covers for hit in fresh))
    value = analysis.value_asked
    return Evidence(
        is_entry=False,
        article_score=log_ratio(fresh[0].score, law_search.default_article_index().min_score),
        article_confidence=fresh[0].confidence,
        key_concepts=len(key),
        concepts_covered=len(key & covered) / len(key) if key else 0.0,
        value_asked=value is not None,
        value_stated=value is not None and articles_state(fresh, analysis),
        length=len(analysis.text),
        follow_up=follow_up,
    )


def genuinely_close(best: Hit, second: Hit, intent: Optional[str]) -> bool:
    """Close scores about different things, which the intent does not tell apart."""
    if best.entry.service and best.entry.service == second.entry.service:
        return False
    if (second.score / best.score) < 1 - MENU_MARGIN:
        return False
    return not (intent and intent in best.entry.intents and intent not in second.entry.intents)


def names_entry(text: str, entry: Entry) -> bool:
    """The question is worded like the entry's title or one of its sample questions."""
    asked = bigrams(text)
    if not asked:
        return False
    for wording, share in (
        (entry.title, NAMES_TITLE),
        *((q, NAMES_ENTRY) for q in entry.questions),
    ):
        known = bigrams(wording)
        if known and len(asked & known) / len(asked | known) >= share:
            return True
    return False


def wants_section(result: Result, cues: Cues) -> bool:
    """A phone number, a place or a list of materials is asked, and the best entry has it."""
    best = result.best
    return (
        best is not None
        and cues.section in SERVICE_SECTIONS
        and cues.section in available_sections(best.entry)
    )


def uncovered(result: Result, text: str, concepts: FrozenSet[str]) -> bool:
    """The question names a legal concept the best entry does not cover."""
    legal = concepts - SERVICE_CONCEPTS
    best = result.best
    return bool(legal) and (best is None or not covers(legal, text, entry_text(best.entry)))


def legalish(intent: Optional[str], result: Result, concepts: FrozenSet[str], text: str) -> bool:
    """A concrete legal question: said so by NLU, or by its legal concepts and matches.

    Concepts that also name a service do not make one: "居住证要带什么材料" names 居住证,
    a concept of the law texts too, and wants the service guide. A legal concept does
    ("公司不给交社保,我能马上辞职吗" names 辞职), when a legal entry is among the matches or
    NLU placed it under no service.
    """
    if intent == LEGAL_QUESTION:
        return True
    legal = concepts - SERVICE_CONCEPTS
    if not legal:
        return False
    best = result.best.entry if result.best else None
    # "公司不干了咋注销": the service guide covers 注销 and is what is wanted.
    guide = best is not None and not is_legal_question(best)
    if guide and best is not None and covers(legal, text, entry_text(best)):
        return False
    legal_hit = any(is_legal_question(h.entry) for h in result.hits)
    return legal_hit or intent not in GUIDANCE_INTENTS
