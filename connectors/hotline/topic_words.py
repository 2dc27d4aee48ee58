"""Which category a caller's words point to, learnt from the knowledge base's own wording.

NLU reads a line as a whole and may misread it ("我们公司新来的员工,社保怎么给他增员" as a legal
question); the words that name the matter (社保, 居住证, 驾照, 注销, 免罚) still say where it
belongs. Every knowledge entry is filed under its categories (intents) and says how people
ask for it: its title, service, aliases and sample questions. A word's category distribution
is how often each category's entries use it, relative to the category's size (a category with
many entries does not win every common word); a word counts as evidence only when one
category dominates it (`DOMINANT`), so 公司, 员工 or 问题, used everywhere, say nothing.
Words are jieba's, with the desk's subject terms (knowledge/followup.py: 经营异常, 免罚 …)
kept whole. A line's evidence is the mean distribution of the naming words it holds.
"""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache
from typing import Dict, Iterable, List, Tuple

from core.text import normalize_text
from knowledge.followup import terms_in, topic_terms
from knowledge.schema import Entry
from knowledge.search import _FILLER, STOPWORDS, load_tokenizer
from knowledge.store import default_entries, load_services

# A word names a category when this share of the entries using it are filed under it.
DOMINANT = 0.8
# Entries a word must occur in: a word of one entry is that entry's, not its category's.
MIN_ENTRIES = 2


class TopicWords:
    """Word → category distribution over the entries of a knowledge base."""

    def __init__(self, entries: Iterable[Entry], categories: Iterable[str]) -> None:
        self.tokenizer = load_tokenizer()
        wanted = frozenset(categories)
        counts: Dict[str, Dict[str, float]] = defaultdict(lambda: defaultdict(float))
        documents: Dict[str, int] = defaultdict(int)
        sizes: Dict[str, float] = defaultdict(float)
        for entry in entries:
            intents = [i for i in entry.intents if i in wanted]
            if not intents:
                continue
            for intent in intents:
                sizes[intent] += 1 / len(intents)
            text = " ".join([entry.title, entry.service or "", *entry.aliases, *entry.questions])
            # Every subject term the entry holds, the shorter inside the longer too: a caller
            # says 经营异常 where the entry says 经营异常名录.
            bare = normalize_text(text).lower()
            held = [t for t in topic_terms() if t in bare]
            for word in dict.fromkeys([*self.words(text), *held]):
                documents[word] += 1
                for intent in intents:
                    counts[word][intent] += 1 / len(intents)
        self.distributions: Dict[str, Dict[str, float]] = {}
        for word, by_category in counts.items():
            # Likewise a category's one entry using a word ("拿着居住证能在本地考驾照吗" of the
            # permit's benefits) does not make the word that category's too.
            rates = {c: n / sizes[c] for c, n in by_category.items() if n >= MIN_ENTRIES}
            if not rates:
                continue
            total = sum(rates.values())
            if documents[word] < MIN_ENTRIES or max(rates.values()) < DOMINANT * total:
                continue
            self.distributions[word] = {c: r / total for c, r in rates.items()}
        self.services = tuple(
            sorted(
                {
                    normalize_text(name).lower()
                    for service in load_services()
                    for name in (service.name, *service.aliases)
                    if len(name) >= 2
                },
                key=len,
                reverse=True,
            )
        )

    def names_service(self, text: str) -> bool:
        """The text names a service of knowledge/services.yml by its name or an alias."""
        bare = normalize_text(text).lower()
        return any(name in bare for name in self.services)

    def words(self, text: str) -> List[str]:
        """The distinct content words of a text: jieba's (with the project's dictionary) and
        the subject terms it holds."""
        tokens = self.tokenizer.lcut(normalize_text(text).lower())
        # A word holding a character of questions and grammar (不了, 但是, 还有) names nothing.
        found = [
            t
            for t in tokens
            if len(t) >= 2 and t not in STOPWORDS and not t.isdigit() and not _FILLER & set(t)
        ]
        return list(dict.fromkeys([*found, *sorted(terms_in(text))]))

    def evidence(self, text: str) -> List[Tuple[str, float]]:
        """The categories the text's naming words point to, with their mean share, highest
        first; empty when it holds none."""
        naming = [self.distributions[w] for w in self.words(text) if w in self.distributions]
        total: Dict[str, float] = defaultdict(float)
        for distribution in naming:
            for category, share in distribution.items():
                total[category] += share / len(naming)
        return sorted(((c, round(s, 4)) for c, s in total.items()), key=lambda x: -x[1])


@lru_cache(maxsize=1)
def default_topic_words() -> TopicWords:
    from .subject import categories  # the categories a work order can be filed under

    return TopicWords(default_entries(), categories())
