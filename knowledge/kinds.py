"""The kinds of answer the resolver gives, one name each for the actions, the agent assist and
the benchmarks."""

from __future__ import annotations

from enum import Enum


class AnswerKind(str, Enum):
    """What an answer is; a `str` so that logs and slots carry the plain name."""

    ENTRY = "entry"  # a knowledge entry's answer
    SECTION = "section"  # one section of an entry (材料, 流程 …)
    ARTICLES = "articles"  # law articles quoted verbatim
    NOT_STATED = "not_stated"  # the subject is known, the point asked is in none of our sources
    NO_SPECIFIC = "no_specific"  # a legal question nothing in our sources answers
    MENU = "menu"  # candidates to choose from
    NOT_FOUND = "not_found"  # nothing fits
    ASK_TOPIC = "ask_topic"  # a section asked with no subject: which service?
    CASE_PUSH = "case_push"  # asks to hurry a work order

    def __str__(self) -> str:
        return self.value

    @property
    def declines(self) -> bool:
        """The answer says honestly that the point is not in our sources."""
        return self in (AnswerKind.NOT_STATED, AnswerKind.NO_SPECIFIC, AnswerKind.NOT_FOUND)
