"""Checks every entry's legal basis against the official texts in knowledge/laws.

A cited law must be in the corpus (or is listed as not checked), a cited article must exist
in that version, and every key number of the answer (三十日, 3个月, 二倍, 50%, 5000元 …) must
appear in at least one of the entry's cited articles (docs/facts.md rule 1).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Set, Tuple

import cn2an

from knowledge.lawtext import (
    LAW_TITLE,
    Article,
    LawCorpus,
    article_number,
    default_corpus,
    short_name,
)
from knowledge.schema import SEED_FILE, Entry

_NUMBER = r"[0-9]+(?:\.[0-9]+)?|[零〇一二两三四五六七八九十百千万半]+"
# Longer units first, so "个工作日" is not read as "日" and "周岁" not as "周".
_UNIT = r"个工作日|工作日|个月|周岁|小时|日|天|周|年|倍|%|万元|元"
_QUANTITY = re.compile(rf"(?<![第0-9零〇一二两三四五六七八九十百千万])({_NUMBER})({_UNIT})")
_PERCENT = re.compile(rf"百分之({_NUMBER})")
# A law's name, or an article label; a label belongs to the law named last before it.
_NAMED = re.compile(rf"{LAW_TITLE.pattern}|(第[零〇一二两三四五六七八九十百千]+条)")
_SAME_UNIT = {"天": "日", "周岁": "岁", "万元": "元"}
# A four-digit year ("2026年") dates a policy; it is not a period the law sets.
_CALENDAR_YEAR = 1900


@dataclass(frozen=True)
class Quantity:
    """A number with its unit, in one canonical form: 30日 == 三十日 == 30天."""

    value: float
    unit: str

    def __str__(self) -> str:
        value = int(self.value) if self.value == int(self.value) else self.value
        return f"{value}{self.unit}"


@dataclass(frozen=True)
class Finding:
    """One problem in one entry's citations; warnings are reported but do not fail the check."""

    entry: str
    message: str
    warning: bool = False

    def __str__(self) -> str:
        return f"entry {self.entry}: {self.message}"


def _value(text: str) -> Optional[float]:
    if text == "半":
        return 0.5
    try:
        return float(text) if text[0].isdigit() else float(cn2an.cn2an(text, "smart"))
    except (ValueError, KeyError, IndexError):
        return None


def key_numbers(text: str) -> Dict[Quantity, str]:
    """The periods, multiples, percentages and amounts in `text`, each with its first wording."""
    text = unicodedata.normalize("NFKC", text)
    found: Dict[Quantity, str] = {}
    for match in _QUANTITY.finditer(text):
        number, unit = match.groups()
        value = _value(number)
        if value is None or (unit == "年" and value >= _CALENDAR_YEAR):
            continue
        if unit == "日" and text[max(match.start() - 1, 0)] == "月":
            continue  # a day of the month ("7月1日"), not a period
        if unit == "万元":
            value *= 10000
        found.setdefault(Quantity(value, _SAME_UNIT.get(unit, unit)), match.group())
    for match in _PERCENT.finditer(text):
        value = _value(match.group(1))
        if value is not None:
            found.setdefault(Quantity(value, "%"), match.group())
    return found


def law_name(cited: str) -> str:
    """《劳动合同法》(2012年修正) → 劳动合同法; the short name the corpus uses."""
    match = LAW_TITLE.search(cited)
    return short_name(match.group(1) if match else cited)


def check_entry(entry: Entry, corpus: LawCorpus) -> List[Finding]:
    """Unknown laws (warnings), missing articles and unsupported numbers of one entry."""
    findings: List[Finding] = []
    cited: List[Article] = []
    unknown: Set[str] = set()
    for basis in entry.legal_basis:
        name = law_name(basis.law)
        law = corpus.law(name)
        if law is None:
            if name not in unknown:
                unknown.add(name)
                findings.append(
                    Finding(entry.id, f"《{name}》 is not in the corpus (not checked)", True)
                )
            continue
        if not basis.article.strip():
            continue
        number = article_number(_article_part(basis.article))
        article = corpus.article(name, number) if number is not None else None
        if article is None:
            numbers = [a.number for a in law.articles]
            findings.append(
                Finding(
                    entry.id,
                    f"《{name}》{basis.article} does not exist in the {law.version} text "
                    f"(articles {min(numbers)}–{max(numbers)})",
                )
            )
        else:
            cited.append(article)
    for source in entry.source:
        name = law_name(source)
        if "《" in source and name not in unknown and corpus.law(name) is None:
            unknown.add(name)
            findings.append(
                Finding(entry.id, f"《{name}》 is not in the corpus (not checked)", True)
            )
    findings += _named_in_answer(entry, corpus)
    if cited:
        findings += _unsupported_numbers(entry, cited)
    return findings


def _named_in_answer(entry: Entry, corpus: LawCorpus) -> List[Finding]:
    """Articles the answer names that do not exist: 《X》第N条, or 第N条 after 《X》 was named.

    A bare 第N条 that the entry's legal basis cites is taken to mean that article ("…实施条例
    第二十条,并依第四十六条" pointing back to 《劳动合同法》).
    """
    findings = []
    current: Optional[str] = None
    based = {_article_part(basis.article) for basis in entry.legal_basis}
    for match in _NAMED.finditer(entry.answer):
        if match.group(1):
            current = law_name(f"《{match.group(1)}》")
            continue
        label = match.group(2)
        if label in based and match.start() > 0 and entry.answer[match.start() - 1] != "》":
            continue
        known = current is not None and corpus.law(current) is not None
        if known and corpus.article(str(current), label) is None:
            findings.append(Finding(entry.id, f"the answer names 《{current}》{label}, absent"))
    return findings


def _article_part(article: str) -> str:
    """第二十三条第二款 → 第二十三条: the article a paragraph reference belongs to."""
    match = re.match(r"\s*(第[^条]+条)", article)
    return match.group(1) if match else article


def _unsupported_numbers(entry: Entry, cited: Sequence[Article]) -> List[Finding]:
    """Numbers of the answer in none of the cited articles.

    An entry that also rests on a seed document may take a figure from it (a local processing
    time, a statistic); that is reported as a warning, since the seed is not checked here.
    """
    in_articles: Set[Quantity] = set()
    for article in cited:
        in_articles |= set(key_numbers(article.text))
    names = "、".join(a.citation() for a in cited)
    seeded = any(SEED_FILE.match(source) for source in entry.source)
    where = " or its seed document" if seeded else ""
    return [
        Finding(
            entry.id,
            f"“{wording}” in the answer is in none of its cited articles ({names}){where}",
            seeded,
        )
        for quantity, wording in key_numbers(entry.answer).items()
        if quantity not in in_articles
    ]


def check_entries(
    entries: Sequence[Entry], corpus: Optional[LawCorpus] = None
) -> Tuple[List[Finding], List[Finding]]:
    """(failures, warnings) over all entries."""
    corpus = corpus or default_corpus()
    findings = [finding for entry in entries for finding in check_entry(entry, corpus)]
    return [f for f in findings if not f.warning], [f for f in findings if f.warning]
