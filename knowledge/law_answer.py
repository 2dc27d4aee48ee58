"""Turns the articles that answer a question into a chat answer quoting them verbatim."""

from __future__ import annotations

from typing import Iterable, List, Sequence, Tuple

from core.text import normalize_text
from knowledge.answer import LEGAL_DISCLAIMER
from knowledge.law_search import ArticleResult
from knowledge.lawtext import Article
from knowledge.legal_lexicon import Lexicon, default_lexicon

# Longer articles are cut at a paragraph boundary; a chat bubble is read on a phone.
MAX_ARTICLE_CHARS = 360
MAX_LEAD_CONCEPTS = 3
ELISION = "……"

NO_SPECIFIC_ANSWER = (
    "抱歉,知识库和法律条文里没有找到能具体回答这个问题的规定,我不想给您不准确的信息。"
    "建议拨打12348公共法律服务热线咨询,或咨询律师;企业还可以申请免费的法治体检。"
)


def render_articles(question: str, result: ArticleResult) -> Tuple[str, List[str]]:
    """The answer text quoting each hit with law, version and number, and the article ids."""
    lexicon = default_lexicon()
    covered = [name for hit in result.hits for name in sorted(hit.covers)]
    named = _in_question_order(lexicon, question, list(dict.fromkeys(covered)))
    lead = "相关法律规定如下:"
    if named:
        lead = "关于" + "".join(f"“{name}”" for name in named[:MAX_LEAD_CONCEPTS]) + "," + lead
    blocks = [lead]
    for hit in result.hits:
        body = excerpt(hit.article, lexicon, result.concepts)
        blocks.append(f"{hit.article.citation()}:\n{body}")
    blocks.append(LEGAL_DISCLAIMER)
    return "\n\n".join(blocks), [hit.article.id for hit in result.hits]


def excerpt(
    article: Article, lexicon: Lexicon, concepts: Iterable[str] = (), limit: int = MAX_ARTICLE_CHARS
) -> str:
    """The article's paragraphs verbatim; a long one keeps its first paragraph and those
    stating the asked concepts, with "……" where paragraphs are left out."""
    paragraphs = article.paragraphs
    if len(article.text) <= limit:
        return article.text
    keep = {0}
    size = len(paragraphs[0])
    wanted = [c for c in lexicon.concepts if c.name in set(concepts)]
    stating = [
        i
        for i, paragraph in enumerate(paragraphs)
        if any(c.law.search(normalize_text(paragraph)) for c in wanted)
    ]
    # First the paragraphs that state what was asked, then the article in order, within the limit.
    for index in [*stating, *range(len(paragraphs))]:
        if index not in keep and size + len(paragraphs[index]) <= limit:
            keep.add(index)
            size += len(paragraphs[index])
    lines: List[str] = []
    for index, paragraph in enumerate(paragraphs):
        if index in keep:
            lines.append(paragraph)
        elif not lines or lines[-1] != ELISION:
            lines.append(ELISION)
    return "\n".join(lines)


def _in_question_order(lexicon: Lexicon, question: str, names: Sequence[str]) -> List[str]:
    normalized = normalize_text(question).lower()
    positions = []
    for concept in lexicon.concepts:
        if concept.name in names:
            found = concept.ask.search(normalized)
            positions.append((found.start() if found else len(normalized), concept.name))
    return [name for _, name in sorted(positions)]
