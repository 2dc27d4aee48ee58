"""Chooses what to answer: a follow-up within the topic, an entry, law articles, or nothing.

The order follows what a person on the other side expects: a question about the previous answer
is answered within it; a question naming one entry gets that entry, not a menu; a concrete legal
question gets the curated entry only when it covers the question's legal concepts, else the
articles that do, else an honest "no specific answer". A menu is left for candidates that are
genuinely close and about different things.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Dict, FrozenSet, List, Optional, Sequence, Tuple

from core.text import normalize_text
from knowledge import intent_groups, law_search
from knowledge.analysis import GENERIC_CONCEPTS, Analysis, analyse
from knowledge.answer import (
    LEGAL_INTENTS,
    NOT_FOUND,
    Reply,
    available_sections,
    entry_button,
    render_choices,
    render_entry,
    render_section,
    section_sentences,
    with_related,
)
from knowledge.answerability import (
    answers,
    articles_state,
    bigrams,
    entry_likeness,
    entry_point,
    stated_first,
    statement,
    verdict_fits,
    without_verdict,
)
from knowledge.aspects import states
from knowledge.confidence import AnswerModel, Evidence, default_model, log_ratio
from knowledge.followup import (
    SECTION_CUES,
    SECTION_TERMS,
    Cues,
    Topic,
    is_elliptical,
    known_cities,
    read_cues,
)
from knowledge.kinds import AnswerKind
from knowledge.law_answer import NO_SPECIFIC_ANSWER, render_articles
from knowledge.lawtext import default_corpus, short_name
from knowledge.legal_lexicon import default_lexicon
from knowledge.schema import SECTION_LABELS, Entry, Kind
from knowledge.search import Hit, KnowledgeIndex, Result, default_index
from knowledge.thresholds import MENU_MARGIN, NAMES_ENTRY, NAMES_TITLE, RELATED_SHARE

LEGAL_QUESTION = "legal_question"
# Intents naming a service or a legal service: their guide answers unless it misses a legal point.
GUIDANCE_INTENTS = frozenset(intent_groups.GUIDANCE_INTENTS + intent_groups.LEGAL_INTENTS) - {
    LEGAL_QUESTION
}
# Intents NLU gives to messages it did not place as a topic; their words decide.
UNPLACED_INTENTS = frozenset(
    ["nlu_fallback", "out_of_scope", "inform", "goodbye", "thank", "affirm", "deny", "greet"]
)
# "居住证怎么办" names a service and asks nothing more specific: the service's overview.
_HOW_WORDS = re.compile(
    r"怎么办理|怎么办|如何办理|怎样办理|咋办理|咋办|咋整|怎么弄|咋弄|怎么申请|如何申请|咋申请|"
    r"办理|申请|申领|办|弄|想|要|我|请问|一下|呢|吗|啊|呀|的|个|去|需要|怎么|如何|咋|流程"
)
CASE_PUSH_ENTRY = "hotline_info.followup"
# Characters left over around a follow-up's cue that say nothing of its subject.
FILLER_CHARS = r"[那是多少什么啥呢吗哪得能还也都就吧的在有这个]"
# Words too general to name a subject of their own.
GENERIC_WORDS = r"法律|规定|政策|问题|情况|办理|部门|手续"
NOT_STATED = (
    "抱歉,关于{asked},我们收录的资料和法律条文里没有找到明确的规定,我不想给您不准确的信息。{known}"
    "建议拨打12348公共法律服务热线咨询,或咨询律师;企业还可以申请免费的法治体检。"
)
NOT_IN_SOURCES = (
    "关于“{title}”,我们的资料里没有写明“{asked}”这一点,我不想给您不准确的信息。"
    "建议拨打12345政务服务便民热线咨询,或在辽事通APP、辽宁政务服务网查询。"
)
ASK_WHICH = "请问您想了解哪项事务的{}?比如“居住证”“驾驶证补换领”“营业执照变更”。"
# Sections a legal text never answers: they belong to a service guide.
SERVICE_SECTIONS = frozenset(["contacts", "where", "online", "materials", "fees", "in_person"])
# Concepts of knowledge/legal_concepts.yml that name a service or are generic (期限, 收费):
# alone they do not make a question a legal one.
SERVICE_CONCEPTS = frozenset(
    [
        "居住证",
        "驾驶证",
        "身份证",
        "营业执照",
        "个体工商户",
        "社会保险",
        "法律援助",
        "收费",
        "期限",
        "申请期限",
        "费用负担",
        "计算标准",
        "房产过户",
        "个税",
        "证据",
        "维权途径",
        "律师",
        "信访",
    ]
)


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


class Resolver:
    """Answers one message given the conversation's topic; holds no per-conversation state."""

    def __init__(self, index: KnowledgeIndex, model: Optional[AnswerModel] = None) -> None:
        self.index = index
        self._aliases: Dict[str, List[str]] = {}
        # Decides whether a legal answer is sure enough to give; None gives every candidate.
        self.model = model
        self.entries: Dict[str, Entry] = {e.id: e for e in index.entries}
        self.by_service: Dict[str, List[Entry]] = {}
        for entry in index.entries:
            if entry.service:
                self.by_service.setdefault(entry.service, []).append(entry)
        self._service_terms = sorted(
            (
                (normalize_text(term).lower(), service)
                for service in self.by_service
                for term in self._service_words(service)
            ),
            key=lambda pair: len(pair[0]),
            reverse=True,
        )

    def _service_words(self, service: str) -> List[str]:
        """The service's name and its aliases, read from services.yml once per resolver."""
        known = self._aliases.get(service)
        if known is None:
            from knowledge.store import load_services

            self._aliases = {
                s.name: [s.name, *(a for a in s.aliases if len(a) >= 2)] for s in load_services()
            }
            known = self._aliases.setdefault(service, [service])
        return known

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
        if topic and self._names_other_service(text, service, topic):
            # "可以申请法律援助吗" after an answer on unpaid wages: that answer may mention legal
            # aid, but the message asks about the service it names.
            return self.fresh(
                text, intent=intent, city=city, service=service, cues=cues, topic=None
            )
        other = self.other_subject(topic, text) if topic else None
        if other is not None:
            # "检察院的电话是多少" after a legal-aid answer: the procuratorate's numbers;
            # "不去变更会咋样" after the licence answer: the entry on changes.
            moved = Topic("entry", other.id, other.service, city, text)
            if cues.section:
                return self._section(other, cues.section, text, moved, city)
            return self._entry_answer(other, (), city, query=text)
        if topic and self.follows(topic, cues, intent, text):
            answer = self.in_topic(topic, text, cues, city, intent)
            if answer is not None:
                return answer
        return self.fresh(text, intent=intent, city=city, service=service, cues=cues, topic=topic)

    def _names_other_service(self, text: str, service: Optional[str], topic: Topic) -> bool:
        """NLU found a service in the message's own words, and it is not the topic's."""
        return (
            service in self.by_service
            and service != topic.service
            and self.service_named(text) == service
        )

    def follows(
        self, topic: Topic, cues: Cues, intent: Optional[str] = None, text: str = ""
    ) -> bool:
        """The message asks about the topic rather than naming a subject of its own.

        A message NLU could not place (nlu_fallback) and that names no other subject is most
        likely about what was just said ("嘎哈非得办这个证,有啥用啊").
        """
        if cues.clears or cues.small_talk:
            return False
        if any(not self._in_topic(term, topic) for term in cues.terms):
            return False
        if topic.kind == "case":
            return cues.case_push
        if self.other_subject(topic, text) is not None:
            return False
        unplaced = intent == "nlu_fallback"
        if cues.follows_up or (cues.short and not cues.terms) or unplaced:
            return True
        # In a legal conversation a question with no subject and no legal concept of its own
        # ("从啥时候开始算") can only be about the answer just given.
        entry = self.entries.get(topic.entry or "")
        legal_topic = topic.kind == "law" or (entry is not None and _is_legal_question(entry))
        own = law_search.question_concepts(text) - GENERIC_CONCEPTS
        return legal_topic and not cues.terms and not own

    # Asked by respond() and again by follows() for the same message: searched once.
    @lru_cache(maxsize=256)  # noqa: B019 - one process-wide resolver, never released
    def other_subject(self, topic: Topic, text: str) -> Optional[Entry]:
        """Besides the cue, the words name something the topic does not know ("检察院的电话
        是多少" after a legal-aid answer), and the knowledge base does."""
        entry = self.entries.get(topic.entry or "")
        if entry is None or not text:
            return None
        rest = _own_words(text)
        if not rest:
            return None
        context = normalize_text(" ".join([entry.title, entry.searchable_text()])).lower()
        if any(rest[i : i + 2] in context for i in range(len(rest) - 1)):
            return None
        found = self.index.search(rest, limit=1).best
        # The leftover words must name that other entry's subject, as its title says it.
        title = normalize_text(found.entry.title).lower() if found else ""
        tokens = [t for t in self.index.tokenize(rest) if not t.startswith("#") and len(t) >= 2]
        other = (
            found is not None
            and any(token in title for token in tokens)
            and found.entry.id != entry.id
            and not (entry.service and found.entry.service == entry.service)
            and found.score >= 2 * self.index.min_score
        )
        return found.entry if found is not None and other else None

    def _in_topic(self, term: str, topic: Topic) -> bool:
        entry = self.entries.get(topic.entry or "")
        context = topic.query
        if entry:
            # The whole subject counts: "援助律师" is about 法律援助 even if this entry never
            # says it.
            same = self.by_service.get(entry.service or "", [entry]) if entry.service else [entry]
            for known in same:
                context += " ".join([known.title, known.service or "", *known.aliases])
                context += known.searchable_text()
        if topic.kind == "law":
            corpus = default_corpus()
            found = (corpus.by_id(a) for a in topic.articles)
            context += " ".join(article.text for article in found if article is not None)
        return term in normalize_text(context).lower()

    # ------------------------------------------------------------------ follow-ups
    def in_topic(
        self, topic: Topic, text: str, cues: Cues, city: Optional[str], intent: Optional[str]
    ) -> Optional[Answer]:
        if topic.kind == "case":
            return self._case_push(topic)
        entry = self.entries.get(topic.entry or "")
        if topic.kind == "law" and cues.section == "legal_basis":
            return self._law_basis(topic)
        legal_topic = topic.kind == "law" or (entry is not None and _is_legal_question(entry))
        if legal_topic and cues.section != "legal_basis" and not cues.city_only:
            return self.legal(_follow_up_query(topic, text), concept_text=text, topic=topic)
        if entry is None:
            return None
        place = cues.city or city or topic.city
        if cues.city_only and place:
            return self._for_city(entry, topic, place)
        if cues.section:
            return self._section(entry, cues.section, text, topic, place)
        query = f"{text} {entry.service or entry.title}"
        result = self.index.search(query, intent=intent, city=place)
        siblings = self._siblings(entry)
        best = next((h.entry for h in result.hits if h.entry in siblings), None)
        legal = law_search.question_concepts(text) - SERVICE_CONCEPTS
        if legal and (best is None or not covers(legal, text, _entry_text(best))):
            # "那罚款单已经开了还能改吗" after a 免罚 answer asks a legal question of its own.
            answer = self.legal(_follow_up_query(topic, text), concept_text=text, topic=topic)
            if not answer.kind.declines:
                return answer
        if best is None:
            return None
        own = _own_words(text) if cues.short else ""
        if own and best is not entry and not (bigrams(own) & bigrams(_full_text(best))):
            # "能匿名吗" after the complaint channels: a short question whose one word no entry
            # of the subject says; another entry of it would answer something else. Longer
            # messages carry dialect and filler ("嘎哈非得办这个证") that no entry says either.
            return self._not_in_sources(entry, own, topic)
        return self._entry_answer(best, result.hits, place, query=topic.query)

    def _not_in_sources(self, entry: Entry, own: str, topic: Topic) -> Answer:
        """The topic's sources do not say what the follow-up asks; where to ask instead."""
        text = NOT_IN_SOURCES.format(title=entry.title, asked=own)
        return Answer(Reply(text, [entry_button(entry)]), AnswerKind.NOT_STATED, topic)

    def _section(
        self, entry: Entry, section: str, text: str, topic: Topic, city: Optional[str]
    ) -> Answer:
        """A section of the topic's entry, else of the sibling entry that has it."""
        keep = replace(topic, entry=entry.id)
        if section in available_sections(entry):
            return Answer(render_section(entry, section), AnswerKind.SECTION, keep, entry.id)
        said = section_sentences(entry, section, strict=True)
        if said is not None:
            return Answer(said, AnswerKind.SECTION, keep, entry.id)
        query = f"{text} {SECTION_TERMS.get(section, '')} {entry.service or entry.title}"
        result = self.index.search(query, city=city, limit=8)
        siblings = self._siblings(entry)
        for hit in result.hits:
            if hit.entry in siblings and section in available_sections(hit.entry):
                moved = replace(topic, entry=hit.entry.id)
                return Answer(
                    render_section(hit.entry, section), AnswerKind.SECTION, moved, hit.entry.id
                )
        own = section_sentences(entry, section)
        if own is not None:
            return Answer(own, AnswerKind.SECTION, keep, entry.id)
        if LEGAL_INTENTS & set(entry.intents):
            # "多久能批下来" about 法律援助: the law states it even where the guide does not.
            # Only the articles: an entry without the section would not say it either.
            query = _follow_up_query(topic, text)
            articles = law_search.default_article_index().search(query)
            # The laws the entry rests on, or articles that state what the message's own words
            # ask ("申请仲裁要钱吗": 仲裁, 收费). "要什么材料" about 信用修复 asks nothing a law
            # the entry does not cite could answer: 行政复议法 only shares the topic's words.
            cited = {short_name(basis.law) for basis in entry.legal_basis}
            ours = all(short_name(hit.article.law) in cited for hit in articles.hits)
            covered = frozenset().union(*(hit.covers for hit in articles.hits))
            relevant = ours or bool(law_search.question_concepts(text) & covered)
            if articles.answerable and articles.hits and relevant:
                body, ids = render_articles(text, articles)
                return Answer(Reply(body), AnswerKind.ARTICLES, replace(topic, articles=tuple(ids)))
        for hit in [h for h in result.hits if h.entry in siblings] or [Hit(entry, 0.0)]:
            said = section_sentences(hit.entry, section)
            if said:
                moved = replace(topic, entry=hit.entry.id)
                return Answer(said, AnswerKind.SECTION, moved, hit.entry.id)
        return Answer(render_section(entry, section), AnswerKind.SECTION, keep, entry.id)

    def _for_city(self, entry: Entry, topic: Topic, city: str) -> Answer:
        query = topic.query or entry.title
        result = self.index.search(query, city=city, limit=5)
        siblings = self._siblings(entry)
        local = next(
            (h.entry for h in result.hits if h.entry in siblings and h.entry.region == city), None
        )
        chosen = local or entry
        reply = render_entry(chosen, city)
        if chosen.region == "辽宁":
            reply = Reply(f"在{city}办理,按全省统一的规定:\n{reply.text}", reply.buttons)
        return Answer(
            reply, AnswerKind.ENTRY, replace(topic, entry=chosen.id, city=city), chosen.id
        )

    def _law_basis(self, topic: Topic) -> Answer:
        corpus = default_corpus()
        articles = [corpus.by_id(a) for a in topic.articles]
        lines = [f"· {a.citation()}" for a in articles if a is not None]
        text = "刚才的回答依据:\n" + "\n".join(lines) if lines else NO_SPECIFIC_ANSWER
        return Answer(Reply(text), AnswerKind.SECTION, topic)

    def _case_push(self, topic: Topic) -> Answer:
        entry = self.entries[CASE_PUSH_ENTRY]
        number = f"工单{topic.case}" if topic.case else "您的诉求"
        lead = (
            f"{number}的办理进度以承办单位答复为准。需要催办的,请拨打12345说明工单号,"
            "话务员会联系承办单位督办。"
        )
        reply = render_entry(entry)
        return Answer(
            Reply(f"{lead}\n{reply.text}", reply.buttons), AnswerKind.CASE_PUSH, topic, entry.id
        )

    def _siblings(self, entry: Entry) -> List[Entry]:
        """Entries about the same subject: the same service or the same topic file."""
        prefix = entry.id.split(".")[0] + "."
        same = self.by_service.get(entry.service or "", [])
        return same + [
            e for e in self.entries.values() if e.id.startswith(prefix) and e not in same
        ]

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
        named = service if service in self.by_service else self.service_named(text)
        if named and cues.section:
            answer = self._service_section(named, cues.section, text, city)
            if answer is not None:
                return answer
        if named and self._bare(text, named):
            overview = self.overview(named)
            return self._entry_answer(overview, (), city, query=text)
        if cues.section and not named and not cues.terms and _bare_section(text):
            # "流程是啥" with no topic: which service's?
            return Answer(
                Reply(ASK_WHICH.format(SECTION_LABELS[cues.section])), AnswerKind.ASK_TOPIC
            )
        query = " ".join(p for p in (text, service or "") if p)
        result = self.index.search(query, intent=intent, city=city)
        concepts = law_search.question_concepts(text)
        if self._wants_section(result, cues):
            return self._decide(result, text, cues, city, intent)
        if self._legalish(intent, result, concepts, text):
            answer = self.legal(
                query,
                concept_text=text,
                topic=None,
                plain=result,
                intent=intent,
                in_conversation=topic is not None,
            )
            if not answer.kind.declines or concepts - SERVICE_CONCEPTS:
                return answer
            # Only NLU called it legal and no article answers it ("被骗了找谁"): the guides may.
            intent = None
            result = self.index.search(query, intent=None, city=city)
        if self._uncovered(result, text, concepts):
            # A guidance answer that misses the question's legal point ("能要求听证吗" after a
            # 免罚 answer): the legal answer, if there is one that covers it.
            answer = self.legal(
                query, concept_text=text, topic=None, in_conversation=topic is not None
            )
            if not answer.kind.declines:
                return answer
        return self._decide(result, text, cues, city, intent)

    @staticmethod
    def _wants_section(result: Result, cues: Cues) -> bool:
        """A phone number, a place or a list of materials is asked, and the best entry has it."""
        best = result.best
        return (
            best is not None
            and cues.section in SERVICE_SECTIONS
            and cues.section in available_sections(best.entry)
        )

    @staticmethod
    def _uncovered(result: Result, text: str, concepts: FrozenSet[str]) -> bool:
        legal = concepts - SERVICE_CONCEPTS
        best = result.best
        return bool(legal) and (best is None or not covers(legal, text, _entry_text(best.entry)))

    def service_named(self, text: str) -> Optional[str]:
        bare = normalize_text(text).lower()
        return next((service for term, service in self._service_terms if term in bare), None)

    def _bare(self, text: str, service: str) -> bool:
        rest = normalize_text(text).lower()
        for term in self._service_words(service):
            rest = rest.replace(normalize_text(term).lower(), "")
        rest = re.sub(r"[\s,.!?;:、,。!?;:]+", "", rest)
        return not _HOW_WORDS.sub("", rest)

    def overview(self, service: str) -> Entry:
        entries = self.by_service[service]
        return next((e for e in entries if e.overview), entries[0])

    def _service_section(
        self, service: str, section: str, text: str, city: Optional[str]
    ) -> Optional[Answer]:
        entries = self.by_service[service]
        query = f"{text} {SECTION_TERMS.get(section, '')}"
        ranked = [h.entry for h in self.index.search(query, city=city, limit=10).hits]
        ordered = [e for e in ranked if e in entries] + [self.overview(service)]
        chosen = next((e for e in ordered if section in available_sections(e)), None)
        if chosen is None:
            return None
        topic = Topic("entry", chosen.id, chosen.service, city, text)
        return Answer(render_section(chosen, section), AnswerKind.SECTION, topic, chosen.id)

    def _legalish(
        self, intent: Optional[str], result: Result, concepts: FrozenSet[str], text: str
    ) -> bool:
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
        guide = best is not None and not _is_legal_question(best)
        if guide and best is not None and covers(legal, text, _entry_text(best)):
            return False
        legal_hit = any(_is_legal_question(h.entry) for h in result.hits)
        return legal_hit or intent not in GUIDANCE_INTENTS

    def _decide(
        self,
        result: Result,
        text: str,
        cues: Cues,
        city: Optional[str],
        intent: Optional[str],
    ) -> Answer:
        if not result.hits:
            return Answer(Reply(NOT_FOUND), AnswerKind.NOT_FOUND)
        best, rest = result.hits[0], result.hits[1:]
        if best.score < self.index.min_score:
            return Answer(render_choices([h.entry for h in result.hits]), AnswerKind.MENU)
        runner_up = entry_likeness(text, rest[0].entry) if rest else 0.0
        named = (
            _names_entry(text, best.entry) and entry_likeness(text, best.entry) > runner_up + 0.1
        )
        close = rest and self._genuinely_close(best, rest[0], intent)
        if not result.confident and close and not named:
            return Answer(render_choices([h.entry for h in result.hits]), AnswerKind.MENU)
        if cues.section and cues.section in available_sections(best.entry):
            topic = Topic("entry", best.entry.id, best.entry.service, city, text)
            reply = render_section(best.entry, cues.section)
            return Answer(reply, AnswerKind.SECTION, topic, best.entry.id)
        analysis = analyse(text)
        evidence: Optional[Evidence] = None
        if best.entry.kind == Kind.legal:
            evidence = self._entry_evidence(best.entry, best.score, analysis, frozenset(), False)
            own_service = intent in GUIDANCE_INTENTS and intent in best.entry.intents
            evidence = replace(evidence, service_intent=own_service)
            if not answers(best.entry, analysis, follow_up=own_service) or not self._sure(evidence):
                # The best match by words is a legal answer to another question.
                return self._not_stated(analysis, None, best.entry)
        answer = self._entry_answer(best.entry, result.hits, city, query=text, analysis=analysis)
        return replace(answer, evidence=evidence)

    @staticmethod
    def _genuinely_close(best: Hit, second: Hit, intent: Optional[str]) -> bool:
        """Close scores about different things, which the intent does not tell apart."""
        if best.entry.service and best.entry.service == second.entry.service:
            return False
        if (second.score / best.score) < 1 - MENU_MARGIN:
            return False
        return not (intent and intent in best.entry.intents and intent not in second.entry.intents)

    def _entry_answer(
        self,
        entry: Entry,
        hits: Sequence[Hit],
        city: Optional[str],
        query: str,
        analysis: Optional[Analysis] = None,
        subject: FrozenSet[str] = frozenset(),
    ) -> Answer:
        top = hits[0].score if hits else 0.0
        related = [
            h.entry for h in hits if h.entry.id != entry.id and h.score >= RELATED_SHARE * top
        ]
        text = entry.answer
        if analysis is not None and not verdict_fits(entry, analysis, subject):
            text = without_verdict(text)
        if analysis is not None and analysis.value_asked is not None:
            # The direct answer first: "劳动争议仲裁不收费" before the court-fee table.
            text = stated_first(text, analysis.value_asked, analysis.text)
        reply = with_related(render_entry(entry, city, text), related)
        topic = Topic("entry", entry.id, entry.service, city, query)
        return Answer(reply, AnswerKind.ENTRY, topic, entry.id)

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
    ) -> Answer:
        """(a) the curated entry that covers the question, (b) the articles, (c) honest none.

        Within a legal topic (`topic` given) the articles just quoted are not quoted again. A
        message within a conversation (`topic` or `in_conversation`) is judged as a follow-up:
        its few words need not name the entry's subject, and the model does not judge it.
        """
        follow_up = topic is not None or in_conversation
        analysis = analyse(concept_text)
        own = analysis.concepts
        # The legal wording of the question's concepts ("几年不要就过期了" → 时效) finds the
        # entries written in it.
        words = default_lexicon().expand(query, law_search.question_concepts(query))
        result = self.index.search(" ".join([query, *words]), intent=LEGAL_QUESTION, limit=12)
        # The follow-up's own point when it names one, else the conversation's ("我发微信催过他
        # 算不算" after a limitation-period answer is still about 诉讼时效).
        own_key = analysis.key_concepts
        concepts_from = concept_text if own_key else query
        asked = law_search.question_concepts(concepts_from)
        # What the conversation is about, besides what the message names: the topic's concepts
        # are in `query` ("交不起能缓交吗" after court fees is still about 诉讼费).
        subject = asked | own | law_search.question_concepts(query)
        # An elliptical follow-up with no legal concept of its own ("他没提前30天通知就走了呢")
        # puts a new case the entry just shown did not cover; others ("最长能定多久", "从啥时候
        # 开始算") may be answered by it again.
        shown = topic.entry if topic and not own and is_elliptical(concept_text) else None
        # NLU placing the message under a service intent names that service's entries' subject.
        own_intent = intent in GUIDANCE_INTENTS
        chosen, nearest = self._covering_entry(
            result, asked, concepts_from, shown, plain, analysis, subject, follow_up or own_intent
        )
        again = self.entries.get(topic.entry or "") if topic and not own_key and not shown else None
        # "从啥时候开始算" after the time-limit answer: that answer says it, if it does.
        if (
            again is not None
            and covers(asked, concepts_from, _entry_text(again))
            and answers(again, analysis, subject, follow_up=True)
        ):
            chosen = again
        if chosen is not None:
            score = max(h.score for h in (*hits_of(plain), *result.hits) if h.entry is chosen)
            evidence = self._entry_evidence(chosen, score, analysis, subject, follow_up)
            own_service = intent in GUIDANCE_INTENTS and intent in chosen.intents
            evidence = replace(evidence, service_intent=own_service)
            if self._sure(evidence):
                related = [h for h in result.hits if h.entry.id not in (shown, chosen.id)]
                answer = self._entry_answer(
                    chosen, related, None, query=query[-80:], analysis=analysis, subject=subject
                )
                return replace(answer, evidence=evidence)
            nearest = nearest or chosen
        articles = law_search.default_article_index().search(query)
        fresh = [h for h in articles.hits if not topic or h.article.id not in topic.articles]
        if articles.answerable and fresh and articles_state(fresh, analysis):
            evidence = _article_evidence(articles, fresh, analysis, subject, follow_up)
            if self._sure(evidence):
                text, ids = render_articles(concepts_from, replace(articles, hits=tuple(fresh)))
                new_topic = Topic("law", query=query[-80:], articles=tuple(ids))
                return Answer(Reply(text), AnswerKind.ARTICLES, new_topic, evidence=evidence)
        return self._not_stated(analysis, topic, nearest)

    def _sure(self, evidence: Evidence) -> bool:
        """The confidence model, when there is one, finds the answer likely enough right."""
        return self.model is None or self.model.answers(evidence)

    def _entry_evidence(
        self,
        entry: Entry,
        score: float,
        analysis: Analysis,
        subject: FrozenSet[str],
        follow_up: bool,
    ) -> Evidence:
        key = analysis.key_concepts or (subject - GENERIC_CONCEPTS)
        missing = default_lexicon().missing(key, _entry_text(entry)) if key else frozenset()
        value = analysis.value_asked
        return Evidence(
            is_entry=True,
            likeness=entry_likeness(analysis.text, entry),
            entry_score=log_ratio(score, self.index.min_score),
            key_concepts=len(key),
            concepts_covered=1 - len(missing) / len(key) if key else 0.0,
            point_named=not entry_point(entry) - analysis.concepts - subject,
            value_asked=value is not None,
            value_stated=value is not None and states(value, statement(entry)),
            length=len(analysis.text),
            follow_up=follow_up,
        )

    def _not_stated(
        self, analysis: Analysis, topic: Optional[Topic], nearest: Optional[Entry]
    ) -> Answer:
        """What is known, that the point asked is not in our sources, and where to ask."""
        if nearest is None and analysis.value_asked is None:
            return Answer(Reply(NO_SPECIFIC_ANSWER), AnswerKind.NO_SPECIFIC, topic)
        point = analysis.value_asked
        asked = f"您问的{point.value}" if point is not None else "您问的这一点"
        known = (
            f"相关的内容有“{nearest.title}”,可点下方按钮查看,但它没有回答{asked}。"
            if nearest
            else ""
        )
        text = NOT_STATED.format(asked=asked, known=known)
        buttons = [entry_button(nearest)] if nearest else []
        if nearest is not None and topic is None:
            # What was offered is what a follow-up ("具体是哪条规定") is about.
            topic = Topic("entry", nearest.id, nearest.service, None, analysis.text)
        return Answer(Reply(text, buttons), AnswerKind.NOT_STATED, topic)

    def _covering_entry(
        self,
        result: Result,
        asked: FrozenSet[str],
        question: str,
        shown: Optional[str],
        plain: Optional[Result],
        analysis: Analysis,
        subject: FrozenSet[str],
        follow_up: bool,
    ) -> Tuple[Optional[Entry], Optional[Entry]]:
        """The best-ranked legal entry that covers the question's concepts and answers its
        point, if any; and the best one that covers them without answering it.

        The question's own words rank first (`plain`), the search widened by the concepts'
        legal wording next; among entries that cover the key concepts, one that also covers
        the generic ones ("申请仲裁要钱吗": 收费) is preferred.
        """
        hits = [*(plain.hits if plain else ()), *result.hits]
        top = max((h.score for h in result.hits), default=0.0)
        plain_top = max((h.score for h in plain.hits), default=0.0) if plain else 0.0
        candidates: List[Entry] = []
        nearest: Optional[Entry] = None
        for hit in hits:
            entry = hit.entry
            floor = 0.3 * (plain_top if plain and hit in plain.hits else top)
            if entry.id == shown or entry.kind != Kind.legal or entry in candidates:
                continue
            if hit.score < max(self.index.min_score, floor):
                continue
            if not asked:
                confident = (plain or result).confident and hit is (plain or result).hits[0]
                if confident and answers(entry, analysis, subject, follow_up):
                    return entry, None
                return None, entry if confident else None
            if not covers(asked, question, _entry_text(entry)):
                continue
            if answers(entry, analysis, subject, follow_up):
                candidates.append(entry)
            elif nearest is None:
                nearest = entry
        full = [e for e in candidates if not law_search.missing_concepts(question, _entry_text(e))]
        ranked = full or candidates
        return (ranked[0] if ranked else None), nearest


def hits_of(result: Optional[Result]) -> Tuple[Hit, ...]:
    return result.hits if result is not None else ()


def _article_evidence(
    articles: law_search.ArticleResult,
    fresh: Sequence[law_search.ArticleHit],
    analysis: Analysis,
    subject: FrozenSet[str],
    follow_up: bool,
) -> Evidence:
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


def covers(asked: FrozenSet[str], question: str, text: str) -> bool:
    """Whether `text` covers the question's key legal concepts.

    Generic concepts (期限, 收费, 赔偿 …) are context, not the point of a question; of three or
    more specific ones, one may be context too ("起诉要回10万欠款交多少诉讼费": 诉讼费 is the
    point, 欠款 is not).
    """
    key = asked - GENERIC_CONCEPTS
    missing = law_search.missing_concepts(question, text) - GENERIC_CONCEPTS
    if not key:
        return law_search.missing_concepts(question, text) != asked
    return not missing or (len(key) >= 3 and len(missing) == 1)


def _names_entry(text: str, entry: Entry) -> bool:
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


def _follow_up_query(topic: Topic, text: str) -> str:
    """A legal follow-up searched by its own words and the topic's legal concepts.

    The whole earlier question would pull the answer back to the entry already shown ("多久能
    出认定结果" after "工伤认定要在多长时间内申请" wants the decision's time limit, not the
    application's); its concepts keep the follow-up in its subject.
    """
    earlier = law_search.question_concepts(topic.query) - GENERIC_CONCEPTS
    own = law_search.question_concepts(text) - GENERIC_CONCEPTS
    if own and earlier:
        return f"{text} {' '.join(sorted(earlier))}"
    return f"{topic.query} {text}"


def _own_words(text: str) -> str:
    """What a follow-up says besides its cue, filler, places and general words ("能匿名吗" →
    匿名); empty when nothing of substance is left."""
    rest = normalize_text(text).lower()
    for _, words in SECTION_CUES:
        for word in words:
            rest = rest.replace(word, "")
    rest = _HOW_WORDS.sub("", re.sub(r"[\W_]+", "", rest))
    rest = re.sub(FILLER_CHARS, "", rest)
    for city in known_cities():
        rest = rest.replace(city, "")
    rest = re.sub(GENERIC_WORDS, "", rest)
    return rest if len(rest) >= 2 else ""


def _full_text(entry: Entry) -> str:
    """Everything an entry says, for checking whether it speaks to a follow-up's words."""
    return " ".join([_entry_text(entry), statement(entry), entry.searchable_text()])


def _bare_section(text: str) -> bool:
    """Nothing but a section question ("流程是啥", "要带什么材料?")."""
    rest = normalize_text(text).lower()
    for _, words in SECTION_CUES:
        for word in words:
            rest = rest.replace(word, "")
    rest = _HOW_WORDS.sub("", re.sub(r"[\W_]+", "", rest))
    return len(re.sub(FILLER_CHARS, "", rest)) <= 1


def _is_legal_question(entry: Entry) -> bool:
    return LEGAL_QUESTION in entry.intents


def _entry_text(entry: Entry) -> str:
    return " ".join([entry.title, *entry.aliases, *entry.questions, entry.answer])


@lru_cache(maxsize=1)
def default_resolver() -> Resolver:
    """The process-wide resolver over the default knowledge index, with the fitted model."""
    return Resolver(default_index(), default_model())
