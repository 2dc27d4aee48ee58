"""One message understood once: its follow-up cues, legal concepts and the aspect it asks.

The resolver, the answerability gate and the rendering read this instead of re-deriving it from
the words. It depends on the words alone (no Rasa types, no conversation state), so the action
server and the hotline agent assist understand a message the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import FrozenSet, Optional, Tuple

from knowledge.aspects import VALUE_ASPECTS, Aspect, asked_aspects, asked_unit
from knowledge.followup import Cues, read_cues
from knowledge.legal_lexicon import default_lexicon

# Concepts that qualify a question rather than make its point (期限, 收费, 赔偿 …): the
# aspect it asks, or the evidence it has.
GENERIC_CONCEPTS = frozenset(
    ["期限", "申请期限", "收费", "计算标准", "费用负担", "损失", "赔偿", "证据"]
)


@dataclass(frozen=True)
class Analysis:
    """What one message says and asks."""

    text: str
    cues: Cues
    concepts: FrozenSet[str]
    aspects: Tuple[Aspect, ...]
    # Concepts named only as absent ("没约定违约金"): not in `concepts`, not the subject.
    denied: FrozenSet[str] = frozenset()
    # The unit a span of time is asked in ("几年": 年), if any.
    unit: Optional[str] = None

    @property
    def key_concepts(self) -> FrozenSet[str]:
        """The legal concepts that make the question's subject (not 期限, 收费 …)."""
        return self.concepts - GENERIC_CONCEPTS

    @property
    def aspect(self) -> Optional[Aspect]:
        """The question's point, if its words ask one."""
        return self.aspects[0] if self.aspects else None

    @property
    def value_asked(self) -> Optional[Aspect]:
        """The value the question asks for (a time, a fee, an amount), if it asks one."""
        return next((a for a in self.aspects if a in VALUE_ASPECTS), None)


@lru_cache(maxsize=512)
def analyse(text: str) -> Analysis:
    """The analysis of one message, computed once per text."""
    lexicon = default_lexicon()
    return Analysis(
        text=text,
        cues=read_cues(text),
        concepts=lexicon.question_concepts(text),
        aspects=asked_aspects(text),
        denied=lexicon.denied_concepts(text),
        unit=asked_unit(text),
    )
