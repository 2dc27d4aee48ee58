"""A typed reply that picks one of the buttons just offered, as a click on it would.

On WeChat people type rather than tap, so "演示沈阳市政务服务中心", "第一个", "中心那个" or the
hall's short name must choose the option as its button would. A match must be unambiguous: a
message that could mean two options, or says more than an option's name ("中心在哪"), is no
choice, and the dialogue reads it as any other message.

Options are told apart by what distinguishes their titles: among "演示沈阳市政务服务中心" and
"演示沈阳市政务服务分中心", "中心" names the first and "分中心" the second.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Optional, Sequence

import cn2an

# Words around a choice that do not name an option: "我选第一个吧", "就中心那个", "去分中心办".
FILLERS = re.compile(
    r"^(?:那?我|咱们?)?(?:就|还是)?(?:选|要|约|去|在|定)?"
    r"|(?:那个|这个|那家|这家|那里|这里|的那个|的|吧|呗|啊|呀|哈|好了|就行|就好|办|可以)+$"
)
ORDINAL = re.compile(r"^第?([0-9]+|[一二三四五六七八九十两]+)(?:个|家|项|条|号)?$")
LAST = re.compile(r"^(?:最后|倒数第一)(?:一)?(?:个|家|项|条)?$")
PUNCTUATION = re.compile(r"[\s\W_]+")
# A name part shorter than this must match an option's distinguishing part exactly.
MIN_PART = 2


@dataclass(frozen=True)
class Payload:
    """A button payload as Rasa reads it: "/intent" with optional JSON entities."""

    intent: str
    entities: dict[str, Any]


PAYLOAD = re.compile(r"^/(?P<intent>[A-Za-z0-9_]+)(?:@[0-9.]+)?(?P<entities>\{.*\})?$", re.S)


def parse_payload(payload: str) -> Optional[Payload]:
    """The intent and entities of a "/intent{...}" payload; None for anything else."""
    found = PAYLOAD.match(payload.strip())
    if not found:
        return None
    entities: dict[str, Any] = {}
    if found.group("entities"):
        try:
            decoded = json.loads(found.group("entities"))
        except ValueError:
            return None
        if not isinstance(decoded, dict):
            return None
        entities = decoded
    return Payload(found.group("intent"), entities)


def _normal(text: str) -> str:
    return PUNCTUATION.sub("", unicodedata.normalize("NFKC", text)).lower()


def _core(text: str) -> str:
    """The part of a reply that names an option, without the words around it."""
    core = _normal(text)
    previous = None
    while previous != core:
        previous, core = core, FILLERS.sub("", core)
    return core


def _ordinal(core: str, count: int) -> Optional[int]:
    if LAST.match(core):
        return count - 1
    found = ORDINAL.match(core)
    if not found:
        return None
    # A bare Chinese numeral ("二") is too easily part of something else; digits and "第二"/"二个"
    # are choices.
    if not found.group(1).isdigit() and core == found.group(1):
        return None
    try:
        number = int(cn2an.cn2an(found.group(1), "smart"))
    except ValueError:
        return None
    return number - 1 if 1 <= number <= count else None


def _shared_start(texts: Sequence[str]) -> int:
    """How many leading characters all `texts` share."""
    length = 0
    for chars in zip(*texts, strict=False):
        if len(set(chars)) > 1:
            break
        length += 1
    return length


def _distinguishing(titles: Sequence[str]) -> list[str]:
    """Each title without the beginning and end every title shares."""
    if len(titles) < 2:
        return list(titles)
    prefix = _shared_start(titles)
    suffix = _shared_start([t[::-1] for t in titles])
    parts = []
    for title in titles:
        end = max(prefix, len(title) - suffix)
        part = title[prefix:end]
        # When one title is the others' shared text plus a part ("中心" / "分中心"), the shared
        # end is what names it.
        parts.append(part or title[max(0, len(title) - suffix) :] or title)
    return parts


def _subsequence(short: str, long: str) -> bool:
    rest = iter(long)
    return all(char in rest for char in short)


def match_choice(text: str, titles: Sequence[str]) -> Optional[int]:
    """The index of the option `text` picks among `titles`, or None when it picks none or
    could mean more than one."""
    if not titles or not text.strip():
        return None
    normal = [_normal(title) for title in titles]
    typed = _normal(text)
    if typed in normal and normal.count(typed) == 1:
        return normal.index(typed)
    core = _core(text)
    if not core:
        return None
    ordinal = _ordinal(core, len(titles))
    if ordinal is not None:
        return ordinal
    parts = _distinguishing(normal)
    exact = [i for i, part in enumerate(parts) if part == core]
    if len(exact) == 1:
        return exact[0]
    if len(core) < MIN_PART:
        return None
    # The typed name as a short form: its characters in order within one title ("沈阳中心").
    named = [i for i, title in enumerate(normal) if _subsequence(core, title)]
    if len(named) > 1:
        # Several titles contain it; keep those whose distinguishing part it states.
        named = [i for i in named if parts[i] in core]
    return named[0] if len(named) == 1 else None
