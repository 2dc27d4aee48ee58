"""Whether a message continues the conversation's topic or names a subject of its own.

The topic is what the last answer was about (`Topic`: an entry or articles, its service, city and
question). A message follows up on it when its words add nothing the topic does not know ("要带
什么材料", "那…呢"); it moves to another subject when its own words name one the knowledge base
has ("检察院的电话是多少" after a legal-aid answer).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from core.text import normalize_text
from knowledge import law_search
from knowledge.analysis import GENERIC_CONCEPTS
from knowledge.candidates import HOW_WORDS, Candidates, entry_text, is_legal_question
from knowledge.followup import SECTION_CUES, Cues, Topic, known_cities
from knowledge.lawtext import default_corpus
from knowledge.schema import Entry
from knowledge.thresholds import OTHER_SUBJECT_SCORE

# Characters left over around a follow-up's cue that say nothing of its subject.
FILLER_CHARS = r"[那是多少什么啥呢吗哪得能还也都就吧的在有这个]"
# Words too general to name a subject of their own.
GENERIC_WORDS = r"法律|规定|政策|问题|情况|办理|部门|手续"


class Continuity:
    """Topic memory read against the knowledge base; holds no per-conversation state."""

    def __init__(self, candidates: Candidates) -> None:
        self.candidates = candidates

    def names_other_service(self, text: str, service: Optional[str], topic: Topic) -> bool:
        """NLU found a service in the message's own words, and it is not the topic's."""
        return (
            service in self.candidates.by_service
            and service != topic.service
            and self.candidates.service_named(text) == service
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
        if any(not self.in_topic(term, topic) for term in cues.terms):
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
        own = law_search.question_concepts(text) - GENERIC_CONCEPTS
        return self.legal_topic(topic) and not cues.terms and not own

    def legal_topic(self, topic: Topic) -> bool:
        """The topic is law articles or an entry answering a legal question."""
        entry = self.candidates.entries.get(topic.entry or "")
        return topic.kind == "law" or (entry is not None and is_legal_question(entry))

    # Asked by the resolver and again by follows() for the same message: searched once.
    @lru_cache(maxsize=256)  # noqa: B019 - one process-wide resolver, never released
    def other_subject(self, topic: Topic, text: str) -> Optional[Entry]:
        """Besides the cue, the words name something the topic does not know ("检察院的电话
        是多少" after a legal-aid answer), and the knowledge base does."""
        entry = self.candidates.entries.get(topic.entry or "")
        if entry is None or not text:
            return None
        rest = own_words(text)
        if not rest:
            return None
        context = normalize_text(" ".join([entry.title, entry.searchable_text()])).lower()
        if any(rest[i : i + 2] in context for i in range(len(rest) - 1)):
            return None
        # A legal concept the topic's entry states is the topic's ("我发微信催过他算不算" after
        # the limitation period: a demand for payment interrupts it), whatever else is named.
        if law_search.question_concepts(text) and not law_search.missing_concepts(
            text, entry_text(entry)
        ):
            return None
        index = self.candidates.index
        found = index.search(rest, limit=1, ordered=False).best
        # The leftover words must name that other entry's subject, as its title says it.
        title = normalize_text(found.entry.title).lower() if found else ""
        tokens = [t for t in index.tokenize(rest) if not t.startswith("#") and len(t) >= 2]
        other = (
            found is not None
            and any(token in title for token in tokens)
            and found.entry.id != entry.id
            and not (entry.service and found.entry.service == entry.service)
            and found.score >= OTHER_SUBJECT_SCORE * index.min_score
        )
        return found.entry if found is not None and other else None

    def in_topic(self, term: str, topic: Topic) -> bool:
        """The topic's subject (its service's entries, its articles) says the term."""
        entry = self.candidates.entries.get(topic.entry or "")
        context = topic.query
        if entry:
            # The whole subject counts: "援助律师" is about 法律援助 even if this entry never
            # says it.
            by_service = self.candidates.by_service
            same = by_service.get(entry.service or "", [entry]) if entry.service else [entry]
            for known in same:
                context += " ".join([known.title, known.service or "", *known.aliases])
                context += known.searchable_text()
        if topic.kind == "law":
            corpus = default_corpus()
            found = (corpus.by_id(a) for a in topic.articles)
            context += " ".join(article.text for article in found if article is not None)
        return term in normalize_text(context).lower()


def follow_up_query(topic: Topic, text: str) -> str:
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


def _without_cues(text: str) -> str:
    rest = normalize_text(text).lower()
    for _, words in SECTION_CUES:
        for word in words:
            rest = rest.replace(word, "")
    rest = HOW_WORDS.sub("", re.sub(r"[\W_]+", "", rest))
    return re.sub(FILLER_CHARS, "", rest)


def own_words(text: str) -> str:
    """What a follow-up says besides its cue, filler, places and general words ("能匿名吗" →
    匿名); empty when nothing of substance is left."""
    rest = _without_cues(text)
    for city in known_cities():
        rest = rest.replace(city, "")
    rest = re.sub(GENERIC_WORDS, "", rest)
    return rest if len(rest) >= 2 else ""


def bare_section(text: str) -> bool:
    """Nothing but a section question ("流程是啥", "要带什么材料?")."""
    return len(_without_cues(text)) <= 1
