"""Chinese text normalisation that keeps track of where each output character came from.

Normalisation changes lengths (whitespace collapsed, NFKC expanding a few symbols), so entity
offsets annotated on the raw text are remapped through `Normalized.map_span`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import List, Tuple

import opencc

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_MEANINGFUL = re.compile(r"[0-9A-Za-z\u3400-\u9fff]")


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@dataclass(frozen=True)
class Normalized:
    """Normalised text plus, for each of its characters, the index of the source character."""

    text: str
    sources: Tuple[int, ...]

    def map_span(self, start: int, end: int) -> Tuple[int, int]:
        """Map a [start, end) span of the source text onto the normalised text."""
        new_start = next((i for i, s in enumerate(self.sources) if s >= start), len(self.text))
        new_end = new_start
        for i in range(new_start, len(self.sources)):
            if self.sources[i] >= end:
                break
            new_end = i + 1
        return new_start, new_end


def _to_simplified(text: str) -> str:
    converted = _t2s().convert(text)
    if len(converted) == len(text):
        return converted
    # Phrase-level conversions may change length; per character keeps offsets aligned.
    return "".join(_t2s().convert(ch) or ch for ch in text)


def normalize(text: str) -> Normalized:
    """Traditional → Simplified, full-width → half-width (NFKC), whitespace tidied.

    Whitespace between two Chinese characters is dropped ("居住 证" → "居住证"), other runs of
    whitespace become one space, and the ends are stripped.
    """
    simplified = _to_simplified(text)
    chars: List[str] = []
    sources: List[int] = []
    for index, ch in enumerate(simplified):
        for out in unicodedata.normalize("NFKC", ch):
            if out.isspace():
                out = " "
            chars.append(out)
            sources.append(index)

    kept_chars: List[str] = []
    kept_sources: List[int] = []
    for i, ch in enumerate(chars):
        if ch == " ":
            previous = kept_chars[-1] if kept_chars else ""
            following = next((c for c in chars[i + 1 :] if c != " "), "")
            if not previous or not following or previous == " ":
                continue
            if _CJK.match(previous) and _CJK.match(following):
                continue
        kept_chars.append(ch)
        kept_sources.append(sources[i])
    return Normalized("".join(kept_chars), tuple(kept_sources))


@lru_cache(maxsize=16384)
def normalize_text(text: str) -> str:
    """The normalised text alone; the same entry, article and question texts are normalised
    again and again while one message is answered, so the results are kept."""
    return normalize(text).text


def has_content(text: str) -> bool:
    """True when the text has a letter, digit or Chinese character (not only emoji or marks)."""
    return bool(_MEANINGFUL.search(text or ""))
