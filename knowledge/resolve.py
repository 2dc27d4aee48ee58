"""Chooses what to answer: a follow-up within the topic, an entry, law articles, or nothing.

The order follows what a person on the other side expects: a question about the previous answer
is answered within it; a question naming one entry gets that entry, not a menu; a concrete legal
question gets the curated entry only when it covers the question's legal concepts, else the
articles that do, else an honest "no specific answer". A menu is left for candidates that are
genuinely close and about different things.

The resolver only connects the jobs, each in its own module: whether a message continues the
topic (continuity), the entries it may be about (candidates), which one answers (ranking),
whether it answers the point (answerability) and the reply's words (rendering).
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from typing import Dict, List, Optional

from knowledge import law_search
from knowledge.analysis import analyse
from knowledge.answer import LEGAL_INTENTS, available_sections, section_sentences
from knowledge.answerability import about, bigrams, covers, statement
from knowledge.candidates import (
    GUIDANCE_INTENTS,
    LEGAL_QUESTION,
    SERVICE_CONCEPTS,
    Candidates,
    entry_text,
)
from knowledge.confidence import AnswerModel, default_model
from knowledge.continuity import Continuity, bare_section, follow_up_query, own_words
from knowledge.followup import SECTION_TERMS, Cues, Topic, is_elliptical, read_cues
from knowledge.kinds import AnswerKind
from knowledge.lawtext import short_name
from knowledge.legal_lexicon import default_lexicon
from knowledge.ranking import Choice, Ranker, legalish, uncovered, wants_section
from knowledge.rendering import (
    Answer,
    articles_answer,
    ask_which,
    case_push,
    entry_answer,
    for_city,
    law_basis,
    menu,
    not_found,
    not_in_sources,
    not_stated,
    section_answer,
)
from knowledge.schema import Entry
from knowledge.search import Hit, KnowledgeIndex, Result, default_index

__all__ = ["Answer", "Resolver", "covers", "default_resolver"]

CASE_PUSH_ENTRY = "hotline_info.followup"


class Resolver:
    """Answers one message given the conversation's topic; holds no per-conversation state."""

    def __init__(self, index: KnowledgeIndex, model: Optional[AnswerModel] = None) -> None:
        self.index = index
        self.candidates = Candidates(index)
        self.continuity = Continuity(self.candidates)
        self.ranker = Ranker(index, model)

    @property
    def model(self) -> Optional[AnswerModel]:
        """Decides whether a legal answer is sure enough to give; None gives every candidate."""
        return self.ranker.model

    @property
    def entries(self) -> Dict[str, Entry]:
        return self.candidates.entries

    @property
    def by_service(self) -> Dict[str, List[Entry]]:
        return self.candidates.by_service

    def service_named(self, text: str) -> Optional[str]:
        return self.candidates.service_named(text)

    def follows(
        self, topic: Topic, cues: Cues, intent: Optional[str] = None, text: str = ""
    ) -> bool:
        """The message asks about the topic rather than naming a subject of its own."""
        return self.continuity.follows(topic, cues, intent, text)

    # ------------------------------------------------------------------ entry point
    def respond(
        self,
        text: str,
        *,
        intent: Optional[str] = None,
        city: Optional[str] = None,
        service: Optional[str] = None,
        topic: Optional[Topic] = None,
    ) -> Answer:
        cues = read_cues(text)
        if topic and self.continuity.names_other_service(text, service, topic):
            # "可以申请法律援助吗" after an answer on unpaid wages: that answer may mention legal
            # aid, but the message asks about the service it names.
            return self.fresh(
                text, intent=intent, city=city, service=service, cues=cues, topic=None
            )
        other = self.continuity.other_subject(topic, text) if topic else None
        if other is not None:
            # "检察院的电话是多少" after a legal-aid answer: the procuratorate's numbers;
            # "不去变更会咋样" after the licence answer: the entry on changes.
            moved = Topic("entry", other.id, other.service, city, text)
            if cues.section:
                return self._section(other, cues.section, text, moved, city)
            return entry_answer(other, (), city, query=text)
        if topic and self.follows(topic, cues, intent, text):
            answer = self.in_topic(topic, text, cues, city, intent)
            if answer is not None:
                return answer
        return self.fresh(text, intent=intent, city=city, service=service, cues=cues, topic=topic)

    # ------------------------------------------------------------------ follow-ups
    def in_topic(
        self, topic: Topic, text: str, cues: Cues, city: Optional[str], intent: Optional[str]
    ) -> Optional[Answer]:
        """The answer to a follow-up within the topic, if the topic's subject has one."""
        if topic.kind == "case":
            return case_push(self.entries[CASE_PUSH_ENTRY], topic)
        entry = self.entries.get(topic.entry or "")
        if topic.kind == "law" and cues.section == "legal_basis":
            return law_basis(topic)
        legal_topic = self.continuity.legal_topic(topic)
        if legal_topic and cues.section != "legal_basis" and not cues.city_only:
            return self.legal(follow_up_query(topic, text), concept_text=text, topic=topic)
        if entry is None:
            return None
        place = cues.city or city or topic.city
        if cues.city_only and place:
            query = topic.query or entry.title
            hits = self.index.search(query, city=place, limit=5).hits
            return for_city(self.candidates.local(hits, entry, place) or entry, topic, place)
        if cues.section:
            return self._section(entry, cues.section, text, topic, place)
        query = f"{text} {entry.service or entry.title}"
        result = self.index.search(query, intent=intent, city=place)
        siblings = self.candidates.siblings(entry)
        best = next((h.entry for h in result.hits if h.entry in siblings), None)
        legal = law_search.question_concepts(text) - SERVICE_CONCEPTS
        if legal and (best is None or not covers(legal, text, entry_text(best))):
            # "那罚款单已经开了还能改吗" after a 免罚 answer asks a legal question of its own.
            answer = self.legal(follow_up_query(topic, text), concept_text=text, topic=topic)
            if not answer.kind.declines:
                return answer
        if best is None:
            return None
        own = own_words(text) if cues.short else ""
        if own and best is not entry and not (bigrams(own) & bigrams(_full_text(best))):
            # "能匿名吗" after the complaint channels: a short question whose one word no entry
            # of the subject says; another entry of it would answer something else. Longer
            # messages carry dialect and filler ("嘎哈非得办这个证") that no entry says either.
            return not_in_sources(entry, own, topic)
        return entry_answer(best, result.hits, place, query=topic.query)

    def _section(
        self, entry: Entry, section: str, text: str, topic: Topic, city: Optional[str]
    ) -> Answer:
        """A section of the topic's entry, else of the sibling entry that has it."""
        keep = replace(topic, entry=entry.id)
        if section in available_sections(entry):
            return section_answer(entry, section, keep)
        said = section_sentences(entry, section, strict=True)
        if said is not None:
            return Answer(said, AnswerKind.SECTION, keep, entry.id)
        query = f"{text} {SECTION_TERMS.get(section, '')} {entry.service or entry.title}"
        result = self.index.search(query, city=city, limit=8)
        sibling = self.candidates.sibling_with(result.hits, entry, section)
        if sibling is not None:
            return section_answer(sibling, section, replace(topic, entry=sibling.id))
        own = section_sentences(entry, section)
        if own is not None:
            return Answer(own, AnswerKind.SECTION, keep, entry.id)
        if LEGAL_INTENTS & set(entry.intents):
            answer = self._section_from_laws(entry, text, topic)
            if answer is not None:
                return answer
        siblings = self.candidates.siblings(entry)
        for hit in [h for h in result.hits if h.entry in siblings] or [Hit(entry, 0.0)]:
            said = section_sentences(hit.entry, section)
            if said:
                moved = replace(topic, entry=hit.entry.id)
                return Answer(said, AnswerKind.SECTION, moved, hit.entry.id)
        return section_answer(entry, section, keep)

    @staticmethod
    def _section_from_laws(entry: Entry, text: str, topic: Topic) -> Optional[Answer]:
        """ "多久能批下来" about 法律援助: the law states it even where the guide does not.

        Only the articles: an entry without the section would not say it either. They must be
        of the laws the entry rests on, or state what the message's own words ask ("申请仲裁要
        钱吗": 仲裁, 收费). "要什么材料" about 信用修复 asks nothing a law the entry does not
        cite could answer: 行政复议法 only shares the topic's words.
        """
        articles = law_search.default_article_index().search(follow_up_query(topic, text))
        cited = {short_name(basis.law) for basis in entry.legal_basis}
        ours = all(short_name(hit.article.law) in cited for hit in articles.hits)
        covered = frozenset().union(*(hit.covers for hit in articles.hits))
        relevant = ours or bool(law_search.question_concepts(text) & covered)
        if articles.answerable and articles.hits and relevant:
            return articles_answer(text, articles, topic)
        return None

    # ------------------------------------------------------------------ new questions
    def fresh(
        self,
        text: str,
        *,
        intent: Optional[str],
        city: Optional[str],
        service: Optional[str],
        cues: Cues,
        topic: Optional[Topic],
    ) -> Answer:
        """A message that opens a subject of its own."""
        named = (
            self.candidates.names.refined(text, service)
            if service in self.by_service
            else self.service_named(text)
        )
        if named and cues.section:
            answer = self._service_section(named, cues.section, text, city)
            if answer is not None:
                return answer
        if named and self.candidates.names_only(text, named):
            return entry_answer(self.candidates.overview(named), (), city, query=text)
        if cues.section and not named and not cues.terms and bare_section(text):
            return ask_which(cues.section)
        query = " ".join(p for p in (text, service or "") if p)
        result = self.index.search(query, intent=intent, city=city)
        concepts = law_search.question_concepts(text)
        if wants_section(result, cues):
            return self._decide(result, text, cues, city, intent, self._topic_service(topic))
        if legalish(intent, result, concepts, text):
            answer = self.legal(
                query,
                concept_text=text,
                topic=None,
                plain=result,
                intent=intent,
                in_conversation=topic is not None,
                context=topic.query if topic else "",
            )
            if not answer.kind.declines or concepts - SERVICE_CONCEPTS:
                return answer
            # Only NLU called it legal and no article answers it ("被骗了找谁"): the guides may,
            # when their best entry is about the question; one that only shares some words
            # answers another question, and the honest decline stands.
            intent = None
            result = self.index.search(query, intent=None, city=city)
            if not result.hits or not about(result.hits[0].entry, analyse(text)):
                return answer
        if uncovered(result, text, concepts):
            # A guidance answer that misses the question's legal point ("能要求听证吗" after a
            # 免罚 answer): the legal answer, if there is one that covers it.
            answer = self.legal(
                query,
                concept_text=text,
                topic=None,
                in_conversation=topic is not None,
                context=topic.query if topic else "",
            )
            if not answer.kind.declines:
                return answer
        return self._decide(result, text, cues, city, intent, self._topic_service(topic))

    def _topic_service(self, topic: Optional[Topic]) -> Optional[str]:
        """The service the conversation is about: its topic's, or for a looked-up case the
        hotline's whose work orders the case pushes are about."""
        if topic is None:
            return None
        if topic.kind == "case":
            return self.entries[CASE_PUSH_ENTRY].service
        return topic.service

    def _service_section(
        self, service: str, section: str, text: str, city: Optional[str]
    ) -> Optional[Answer]:
        query = f"{text} {SECTION_TERMS.get(section, '')}"
        hits = self.index.search(query, city=city, limit=10).hits
        chosen = self.candidates.service_section(service, hits, section)
        if chosen is None:
            return None
        topic = Topic("entry", chosen.id, chosen.service, city, text)
        return section_answer(chosen, section, topic)

    def _decide(
        self,
        result: Result,
        text: str,
        cues: Cues,
        city: Optional[str],
        intent: Optional[str],
        topic_service: Optional[str] = None,
    ) -> Answer:
        choice = self.ranker.decide(result, text, cues, intent, topic_service)
        if choice.kind == AnswerKind.SECTION and choice.entry is not None and cues.section:
            topic = Topic("entry", choice.entry.id, choice.entry.service, city, text)
            return section_answer(choice.entry, cues.section, topic)
        return self._render(choice, None, city, text)

    # ------------------------------------------------------------------ legal questions
    def legal(
        self,
        query: str,
        *,
        concept_text: str,
        topic: Optional[Topic],
        plain: Optional[Result] = None,
        intent: Optional[str] = None,
        in_conversation: bool = False,
        context: str = "",
    ) -> Answer:
        """(a) the curated entry that covers the question, (b) the articles, (c) honest none.

        Within a legal topic (`topic` given) the articles just quoted are not quoted again. A
        message within a conversation (`topic` or `in_conversation`) is judged as a follow-up:
        its few words need not name the entry's subject, and the model does not judge it;
        `context`, the conversation's earlier words, names that subject.
        """
        analysis = analyse(concept_text)
        own_key = analysis.key_concepts
        # The legal wording of the question's concepts ("几年不要就过期了" → 时效) finds the
        # entries written in it.
        words = default_lexicon().expand(query, law_search.question_concepts(query))
        widened = " ".join([query, *words])
        result = self.index.search(widened, intent=LEGAL_QUESTION, limit=12, ordered=False)
        # An elliptical follow-up with no legal concept of its own ("他没提前30天通知就走了呢")
        # puts a new case the entry just shown did not cover; others ("最长能定多久", "从啥时候
        # 开始算") may be answered by it again.
        shown = (
            topic.entry if topic and not analysis.concepts and is_elliptical(concept_text) else None
        )
        again = self.entries.get(topic.entry or "") if topic and not own_key and not shown else None
        choice = self.ranker.legal(
            result,
            query,
            analysis,
            shown=shown,
            again=again,
            quoted=topic.articles if topic else (),
            plain=plain,
            follow_up=topic is not None or in_conversation,
            # NLU placing the message under a service intent names that service's subject.
            own_intent=intent in GUIDANCE_INTENTS,
            intent=intent,
            context=context,
        )
        return self._render(choice, topic, None, query[-80:])

    def _render(
        self, choice: Choice, topic: Optional[Topic], city: Optional[str], query: str
    ) -> Answer:
        """The reply for a ranking decision."""
        if choice.kind == AnswerKind.NOT_FOUND:
            return not_found()
        if choice.kind == AnswerKind.MENU:
            return menu(choice.hits)
        if choice.kind == AnswerKind.ARTICLES and choice.articles is not None:
            law = Topic("law", query=query)
            return articles_answer(choice.concepts_from, choice.articles, law, choice.evidence)
        if choice.kind == AnswerKind.ENTRY and choice.entry is not None:
            return entry_answer(
                choice.entry,
                choice.hits,
                city,
                query=query,
                analysis=choice.analysis,
                subject=choice.subject,
                evidence=choice.evidence,
            )
        assert choice.analysis is not None
        return not_stated(choice.analysis, topic, choice.nearest)


def _full_text(entry: Entry) -> str:
    """Everything an entry says, for checking whether it speaks to a follow-up's words."""
    return " ".join([entry_text(entry), statement(entry), entry.searchable_text()])


@lru_cache(maxsize=1)
def default_resolver() -> Resolver:
    """The process-wide resolver over the default knowledge index, with the fitted model."""
    return Resolver(default_index(), default_model())
