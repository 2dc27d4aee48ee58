"""The official texts in knowledge/laws/, parsed into laws and articles (see its README).

An article is quoted only from here, with its law, version and number (docs/facts.md rule 1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence, Union

import cn2an

LAWS_DIR = Path(__file__).resolve().parent / "laws"
NATIONAL_PREFIX = "中华人民共和国"
# The Civil Code's books are split into files without a version in the name; its header says
# "2020年5月28日 … 通过", the version cited here.
UNDATED_VERSION = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_FILE_NAME = re.compile(r"^(?P<name>[^(·]+)(?:·(?P<book>[^(]+))?(?:\((?P<date>[\d-]+)\))?$")
_ARTICLE_START = re.compile(r"^第(?P<num>[零〇一二三四五六七八九十百千]+)条 +(?P<rest>.*)$")
_ARTICLE_REF = re.compile(r"^第?([零〇一二三四五六七八九十百千两]+|\d+)条?$")
_HEADING = re.compile(r"^#{2,}\s*(?P<text>.+)$")
# Judicial interpretations head their parts "一、关于主体责任的认定" instead of "第一章".
_PART = re.compile(r"^[一二三四五六七八九十]+、")
# A title in book-title marks, one nested title allowed: 《最高人民法院关于适用〈民法典〉…的解释》
# (the official form) or 《…《民法典》…》 as people type it.
LAW_TITLE = re.compile(r"《((?:[^《》]|《[^《》]*》)+)》")
_INFO_END = "<!-- INFO END -->"


@cache
def chinese_number(text: str) -> int:
    """三十七 → 37, 七百零五 → 705 (cn2an handles the 零 and 十 forms of legal numbering)."""
    return int(cn2an.cn2an(text, "smart"))


@cache
def article_label(number: int) -> str:
    """37 → 第三十七条, as the official texts write it."""
    return f"第{cn2an.an2cn(number)}条"


@dataclass(frozen=True)
class Article:
    """One article of one version of a law, its paragraphs verbatim."""

    law: str
    version: str
    number: int
    label: str
    text: str
    chapter: str = ""

    @property
    def id(self) -> str:
        return f"{self.law}#{self.number}"

    @property
    def paragraphs(self) -> List[str]:
        return self.text.split("\n")

    def citation(self) -> str:
        """《劳动合同法》(2012-12-28)第三十七条; a title inside a title takes 〈〉."""
        return f"{cited_title(self.law)}({self.version}){self.label}"


@dataclass
class Law:
    """A law or regulation in one version, with its articles in order."""

    name: str
    title: str
    version: str
    articles: List[Article] = field(default_factory=list)
    files: List[str] = field(default_factory=list)

    def article(self, number: int) -> Optional[Article]:
        return next((a for a in self.articles if a.number == number), None)


def short_name(name: str) -> str:
    """《中华人民共和国劳动合同法》 → 劳动合同法; 民法典·合同编 → 民法典;
    《最高人民法院关于适用〈中华人民共和国民法典〉合同编通则若干问题的解释》 →
    最高人民法院关于适用《民法典》合同编通则若干问题的解释 (the key the corpus uses)."""
    name = name.strip()
    if name.startswith("《") and name.endswith("》"):
        name = name[1:-1]
    name = name.strip("《》").strip().replace("〈", "《").replace("〉", "》")
    # The official titles number a series with full-width brackets, 解释（一）; people type (一).
    name = name.replace("(", "（").replace(")", "）")
    name = name.split("·")[0].replace(f"《{NATIONAL_PREFIX}", "《")
    if name.startswith(NATIONAL_PREFIX):
        name = name[len(NATIONAL_PREFIX) :]
    return name


def cited_title(law: str) -> str:
    """劳动合同法 → 《劳动合同法》; a title inside another takes 〈〉, as official texts write."""
    return "《" + law.replace("《", "〈").replace("》", "〉") + "》"


def article_number(ref: Union[str, int]) -> Optional[int]:
    """第三十七条 / 三十七 / 37 / 第37条 → 37; None when `ref` names no article."""
    if isinstance(ref, int):
        return ref
    match = _ARTICLE_REF.match(ref.strip().replace(" ", ""))
    if not match:
        return None
    digits = match.group(1)
    return int(digits) if digits.isdigit() else chinese_number(digits)


def parse_file(path: Path) -> Law:
    """One law file: title, header, `## 第X章` headings and `第N条 ` articles."""
    match = _FILE_NAME.match(path.stem)
    if not match:
        raise ValueError(f"{path.name}: file name is not 'name(date).md'")
    lines = path.read_text(encoding="utf-8").splitlines()
    title = lines[0].lstrip("#").strip()
    try:
        info_end = lines.index(_INFO_END)
    except ValueError as error:
        raise ValueError(f"{path.name}: no {_INFO_END} line") from error
    version = match.group("date") or _header_date(path.name, lines[:info_end])
    law = Law(short_name(match.group("name")), title, version, files=[path.name])
    law.articles = list(_articles(law.name, version, lines[info_end + 1 :]))
    return law


def _header_date(file_name: str, header: Sequence[str]) -> str:
    for line in header:
        found = UNDATED_VERSION.search(line)
        if found and "通过" in line:
            year, month, day = (int(g) for g in found.groups())
            return f"{year:04d}-{month:02d}-{day:02d}"
    raise ValueError(f"{file_name}: no version date in the file name or the header")


def _articles(law: str, version: str, lines: Sequence[str]) -> Iterator[Article]:
    chapter = ""
    number: Optional[int] = None
    paragraphs: List[str] = []
    chapter_of_article = ""

    def finish() -> Optional[Article]:
        if number is None:
            return None
        text = "\n".join(paragraphs)
        return Article(law, version, number, article_label(number), text, chapter_of_article)

    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        heading = _HEADING.match(line)
        start = _ARTICLE_START.match(line)
        if heading:
            text = re.sub(r"\s+", " ", heading.group("text"))
            # Sections (第一节) sit inside a chapter; the chapter is what a reader looks for.
            if "章" in text.split(" ")[0] or _PART.match(text) or not chapter:
                chapter = text
        elif start:
            done = finish()
            if done:
                yield done
            number = chinese_number(start.group("num"))
            paragraphs = [start.group("rest").strip()]
            chapter_of_article = chapter
        elif number is not None:
            paragraphs.append(line)
    done = finish()
    if done:
        yield done


class LawCorpus:
    """Every law in a directory, by short name; the Civil Code's books form one law."""

    def __init__(self, directory: Path = LAWS_DIR) -> None:
        self.laws: Dict[str, Law] = {}
        for path in sorted(directory.glob("*.md")):
            if path.name == "README.md":
                continue
            parsed = parse_file(path)
            known = self.laws.get(parsed.name)
            if known is None:
                self.laws[parsed.name] = parsed
                continue
            if known.version != parsed.version:
                raise ValueError(f"{path.name}: version {parsed.version} ≠ {known.version}")
            known.articles = sorted(known.articles + parsed.articles, key=lambda a: a.number)
            known.files.append(path.name)
        self._articles: Dict[str, Article] = {a.id: a for a in self.all_articles()}

    def law(self, name: str) -> Optional[Law]:
        """The law cited as 《中华人民共和国劳动合同法》, 《劳动合同法》 or 劳动合同法."""
        return self.laws.get(short_name(name))

    def article(self, law_name: str, ref: Union[str, int]) -> Optional[Article]:
        """The article 第三十七条 (or 37) of the law `law_name`, if both exist."""
        number = article_number(ref)
        if number is None:
            return None
        return self._articles.get(f"{short_name(law_name)}#{number}")

    def by_id(self, article_id: str) -> Optional[Article]:
        """The article "劳动合同法#37"."""
        return self._articles.get(article_id)

    def all_articles(self) -> List[Article]:
        return [article for law in self.laws.values() for article in law.articles]


@lru_cache(maxsize=1)
def default_corpus() -> LawCorpus:
    """The laws in knowledge/laws, parsed once per process."""
    return LawCorpus()
