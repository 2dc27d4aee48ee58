"""The work order's summary: who, where, what happened and what the caller asks for.

`compose(facts, category, caller_text)` is rebuilt from the call's extracted facts on every
caller line. It states only those facts (enterprise, person, city and district, amounts,
durations, dates and deadlines, numbers) and fixed phrases of summary.yml chosen by cue words,
so it cannot say anything the caller did not. `summarize(…, agent_text=…)` keeps an agent's
edit: once the agent has written the summary, their text is filed as is for the rest of the
call, and the freshly composed one is returned beside it for the desk to offer; an empty edit
hands the summary back to the composer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional

import yaml

from core.text import normalize_text
from knowledge.labels import intent_label

from .dispatch import category_label
from .facts import CallFacts

PHRASES_FILE = Path(__file__).with_name("summary.yml")
MAX_ISSUES = 3
MAX_VALUES = 3
# Categories that are about the call's own business with the hotline, not a matter of its own.
NO_TOPIC = frozenset({"", "greet", "goodbye", "thank", "affirm", "deny", "inform", "nlu_fallback"})


@dataclass(frozen=True)
class Summary:
    """What the work order files, whether the agent wrote it, and what the facts say now."""

    text: str
    edited: bool
    composed: str


@lru_cache(maxsize=1)
def phrases() -> Dict[str, object]:
    data: Dict[str, object] = yaml.safe_load(PHRASES_FILE.read_text(encoding="utf-8"))
    return data


def _heard(table: object, text: str) -> List[str]:
    found = []
    for item in table:  # type: ignore[attr-defined]
        if any(re.search(str(cue), text) for cue in item["cues"]):
            found.append(str(item["phrase"]))
    return found


def person_name(name: str) -> str:
    """A name as a work order writes it: a family name alone becomes 王某."""
    return f"{name}某" if len(name) == 1 else name


def who(facts: CallFacts) -> str:
    """The enterprise and the caller's name, either alone, or 来电人."""
    caller = facts.caller()
    person = f"来电人{person_name(caller)}" if caller else ""
    enterprise = facts.enterprise
    if enterprise and person:
        return f"{enterprise}({person})"
    return enterprise or person or "来电人"


def others(facts: CallFacts) -> List[str]:
    """People named who are not the caller (李科长, 刘某); "姓钱" then "钱经理" is one."""
    names = [f.value for f in facts.facts if f.kind == "person" and not f.role]
    caller = facts.caller()
    return [
        person_name(name)
        for name in names
        if name != caller
        and not (len(name) == 1 and any(len(o) > 1 and o.startswith(name) for o in names))
    ]


def where(facts: CallFacts) -> str:
    """沈阳市浑南区; empty when the enterprise's name already says all of it."""
    city, district = facts.city, facts.district
    place = f"{city}市" if city else ""
    if district and district.startswith(city):
        place = ""
    text = f"{place}{district}"
    enterprise = facts.enterprise
    if (
        enterprise
        and text
        and (enterprise.startswith(text) or (text == f"{city}市" and enterprise.startswith(city)))
    ):
        return ""
    return text


def topic(category: Optional[str]) -> str:
    if not category or category in NO_TOPIC:
        return ""
    return category_label(category) or intent_label(category)


def details(facts: CallFacts) -> str:
    """Amounts, durations, dates and deadlines as extracted, each with its fixed label."""
    parts = []
    for kind, label in (
        ("amount", "涉及金额"),
        ("duration", "时长"),
        ("date", "时间"),
        ("deadline", "期限"),
    ):
        values = facts.values(kind)[:MAX_VALUES]
        if values:
            parts.append(f"{label}{'、'.join(values)}")
    named = list(dict.fromkeys(others(facts)))[:MAX_VALUES]
    if named:
        parts.append(f"涉及人员{'、'.join(named)}")
    return ";".join(parts)


def references(facts: CallFacts) -> str:
    parts = []
    for kind, label in (
        ("case_number", "工单号/案号"),
        ("uscc", "统一社会信用代码"),
        ("phone", "联系电话"),
    ):
        values = facts.values(kind)[:MAX_VALUES]
        if values:
            parts.append(f"{label}{'、'.join(values)}")
    return ";".join(parts)


def compose(facts: CallFacts, category: Optional[str], caller_text: str = "") -> str:
    """One or two sentences an agent can file, from the facts and fixed phrases only."""
    data = phrases()
    caller_text = normalize_text(caller_text)
    subject = who(facts)
    place = where(facts)
    if place:
        subject = f"{subject}({place})" if "(" not in subject else f"{subject[:-1]};{place})"
    issues = _heard(data["issues"], caller_text)[:MAX_ISSUES]
    label = topic(category)
    what = "、".join(issues) or (f"{label}事项" if label else "相关事项")
    if label and issues:
        what = f"{label}:{what}"
    detail = details(facts)
    requests = _heard(data["requests"], caller_text)
    by_category: Dict[str, str] = data["by_category"]  # type: ignore[assignment]
    ask = requests[0] if requests else by_category.get(category or "", "")
    verb = "咨询" if not issues and category in data["asking"] else "反映"  # type: ignore[operator]
    if verb == "咨询" and ask.startswith("咨询"):
        ask = f"具体为{ask[2:]}"
    first = f"{subject}{verb}{what}"
    if detail:
        first += f"({detail})"
    first += f",{ask}。" if ask else "。"
    refs = references(facts)
    return first + (f"{refs}。" if refs else "")


def summarize(
    facts: CallFacts,
    category: Optional[str],
    caller_text: str = "",
    agent_text: Optional[str] = None,
) -> Summary:
    """The summary to file: the agent's text when they wrote one, else the composed one."""
    composed = compose(facts, category, caller_text)
    if agent_text and agent_text.strip():
        return Summary(text=agent_text.strip(), edited=True, composed=composed)
    return Summary(text=composed, edited=False, composed=composed)
