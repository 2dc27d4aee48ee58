"""How often a legal question gets the right article, an honest "I don't know", or a wrong answer.

Two sets, each measured twice — on the article index alone and on the reply a user reads:
- STARD (/work/shared/stard, real questions with the articles that answer them): the questions
  whose every answering article is in knowledge/laws ("shipped");
- the reported legal set (tests/knowledge/legal_questions.yml) and its unanswerable questions.

A reply *cites a right article* when one of its citations (《劳动合同法》第三十七条, or an
entry's 依据 line) is a gold article; it *declines* when it says the point is not in our
sources; it *asks back* when it offers candidates or asks to rephrase; anything else *answers
without a right article* — the figure to drive down. Of those,
a reply that opens with a verdict (可以。不合法。…) is *confidently wrong*.

    python -m bench.legal_answers [--split dev] [--assistant]

Without `--assistant` the replies come from the resolver in this process (intent
legal_question); with it, from a running assistant started on free ports (NLU, actions and all).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, FrozenSet, Iterable, List, Optional, Sequence, Tuple

import yaml

from knowledge.lawtext import LAW_TITLE, LawCorpus, article_number, default_corpus, short_name

ROOT = Path(__file__).resolve().parents[1]
# STARD's files (train.jsonl, dev.jsonl): not shipped with the project, see its README.
STARD = Path(os.environ.get("STARD_DIR", "/work/shared/stard"))
LEGAL_SET = ROOT / "tests" / "knowledge" / "legal_questions.yml"
# Laws added to knowledge/laws in December 2026 (its README): the questions answered by the
# other laws alone are the set the figures before that were measured on.
SECOND_BATCH = frozenset(
    [
        "专利法",
        "著作权法",
        "企业破产法",
        "合伙企业法",
        "个人独资企业法",
        "招标投标法",
        "电子商务法",
        "安全生产法",
        "就业促进法",
        "职业病防治法",
        "产品质量法",
        "价格法",
        "广告法",
        "税收征收管理法",
        "反垄断法",
        "消防法",
        "环境保护法",
        "行政强制法",
        "食品安全法",
        "城市房地产管理法",
        "国家赔偿法",
        "女职工劳动保护特别规定",
        "国务院关于实施《公司法》注册资本登记管理制度的规定",
        "最高人民法院关于审理劳动争议案件适用法律问题的解释（一）",
        "最高人民法院关于审理民间借贷案件适用法律若干问题的规定",
        "最高人民法院关于审理人身损害赔偿案件适用法律若干问题的解释",
        "最高人民法院关于审理道路交通事故损害赔偿案件适用法律若干问题的解释",
        "最高人民法院关于适用《民法典》合同编通则若干问题的解释",
    ]
)

# A citation as replies write it: 《劳动合同法》(2012-12-28)第三十七条, 《劳动合同法》第三十七条、
# 第三十八条, or a bare 第N条 after a law named earlier in the same clause.
_LAW = re.compile(rf"{LAW_TITLE.pattern}(?:\([^)]*\))?")
_ARTICLE = re.compile(r"第([零〇一二三四五六七八九十百千两\d]+)条")
# The opening of a reply that decides the question for the user: a short first sentence
# ("可以。", "不合法。", "只能选一个。", "可以拒绝。").
VERDICT = re.compile(r"^[^。,,!?;\n]{1,8}[。!]")
# How a reply says it does not know the specific point.
DECLINES = (
    "没有找到能具体回答",
    "暂时没有能准确回答",
    "没有写明",
    "没有找到明确",
    "不在我能解答的范围",
)
# How a reply asks back instead of answering: a menu of candidates, a request to rephrase.
ASKS = (
    "您想了解哪一条",
    "我不太确定您想问的是哪一项",
    "请问您想办理或咨询什么事情",
    "没太明白",
    "没能理解",
    "换个说法",
)


def cited_articles(text: str, corpus: LawCorpus) -> List[str]:
    """The article ids a reply cites, in order of appearance."""
    found: List[str] = []
    for line in re.split(r"[\n;;]", text):
        law: Optional[str] = None
        position = 0
        while True:
            law_match = _LAW.search(line, position)
            art_match = _ARTICLE.search(line, position)
            if art_match is None:
                break
            if law_match is not None and law_match.start() < art_match.start():
                law = short_name(law_match.group(1))
                position = law_match.end()
                continue
            number = article_number(art_match.group(1))
            if law is not None and number is not None:
                article_id = f"{law}#{number}"
                if corpus.by_id(article_id) is not None and article_id not in found:
                    found.append(article_id)
            position = art_match.end()
    return found


@dataclass
class Outcome:
    """The counts of one set."""

    n: int = 0
    right: int = 0
    right_first: int = 0
    declined: int = 0
    asked: int = 0
    wrong: int = 0
    confident_wrong: int = 0
    examples: List[Tuple[str, str]] = field(default_factory=list)

    def add(self, question: str, reply: str, gold: FrozenSet[str], corpus: LawCorpus) -> None:
        self.n += 1
        cited = cited_articles(reply, corpus)
        if gold & set(cited):
            self.right += 1
            self.right_first += cited[0] in gold
        elif any(phrase in reply for phrase in DECLINES):
            self.declined += 1
        elif any(phrase in reply for phrase in ASKS):
            self.asked += 1
        else:
            self.wrong += 1
            confident = bool(VERDICT.match(reply.strip()))
            self.confident_wrong += confident
            if len(self.examples) < 12:
                self.examples.append((question, reply.split("\n")[0][:70]))

    def line(self, name: str) -> str:
        n = max(self.n, 1)
        return (
            f"{name}: {self.n} questions — right article cited {self.right / n:.3f} "
            f"(first {self.right_first / n:.3f}), declined {self.declined / n:.3f}, "
            f"asked back {self.asked / n:.3f}, "
            f"answered without a right article {self.wrong / n:.3f} "
            f"(confidently wrong: {self.confident_wrong})"
        )


def load_stard(split: str, corpus: LawCorpus) -> List[Tuple[str, FrozenSet[str]]]:
    """The split's questions whose every answering law is in knowledge/laws, with their gold ids.

    A law counts as shipped when any of it is (the Civil Code's books are one law), as the
    figures of the issue count it.
    """
    items = []
    for line in (STARD / f"{split}.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        gold = set()
        for article in record["gold"]:
            number = article_number(article["article"])
            gold.add(f"{short_name(article['law'])}#{number}")
        laws = {article.split("#")[0] for article in gold}
        if gold and all(corpus.law(law) is not None for law in laws):
            items.append((str(record["question"]), frozenset(gold)))
    return items


def load_legal_set() -> Tuple[List[Tuple[str, FrozenSet[str]]], List[str]]:
    data = yaml.safe_load(LEGAL_SET.read_text(encoding="utf-8"))
    answerable = [(str(q["q"]), frozenset(q["expected"])) for q in data["questions"]]
    return answerable, [str(q) for q in data.get("unanswerable", [])]


def index_rates(items: Sequence[Tuple[str, FrozenSet[str]]]) -> Dict[str, float]:
    from knowledge.law_search import default_article_index

    index = default_article_index()
    hit1 = hit3 = answerable_wrong = 0
    for question, gold in items:
        result = index.search(question)
        ids = [hit.article.id for hit in result.hits]
        hit1 += bool(ids) and ids[0] in gold
        hit3 += bool(gold & set(ids[:3]))
        answerable_wrong += result.answerable and not gold & set(ids)
    n = max(len(items), 1)
    return {"hit@1": hit1 / n, "hit@3": hit3 / n, "answerable_wrong": answerable_wrong / n}


Reply = Callable[[str], str]


def resolver_reply() -> Reply:
    from knowledge.resolve import default_resolver

    resolver = default_resolver()
    return lambda question: resolver.respond(question, intent="legal_question").reply.text


def assistant_reply(stack: List[Callable[[], None]]) -> Reply:
    from bench.common import free_port
    from bot.model import train
    from tests.assistant import start_assistant, texts

    # A port block given in the environment (RASA_PORT, ACTION_PORT, SERVICE_API_PORT) is used
    # as is, so runs beside each other on one machine do not collide; else free ports.
    ports = [
        int(os.environ.get(name) or free_port())
        for name in ("RASA_PORT", "ACTION_PORT", "SERVICE_API_PORT")
    ]
    assistant = start_assistant(train(), Path(tempfile.mkdtemp()), *ports)
    stack.append(assistant.stop)
    return lambda question: texts(assistant.send(question, uuid.uuid4().hex))


def measure(
    items: Iterable[Tuple[str, FrozenSet[str]]], reply: Reply, corpus: LawCorpus
) -> Tuple[Outcome, List[float]]:
    outcome, timings = Outcome(), []
    for question, gold in items:
        began = time.perf_counter()
        text = reply(question)
        timings.append((time.perf_counter() - began) * 1000)
        outcome.add(question, text, gold, corpus)
    return outcome, timings


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", default="dev", help="STARD split: dev (reported) or train")
    parser.add_argument("--assistant", action="store_true", help="through a running assistant")
    parser.add_argument("--examples", action="store_true", help="print wrong answers")
    args = parser.parse_args(argv)
    corpus = default_corpus()
    if not (STARD / f"{args.split}.jsonl").exists():
        print(f"STARD not found in {STARD} (set STARD_DIR): only the reported legal set")
    stard = load_stard(args.split, corpus) if (STARD / f"{args.split}.jsonl").exists() else []
    legal, unanswerable = load_legal_set()

    first = [item for item in stard if not {g.split("#")[0] for g in item[1]} & SECOND_BATCH]
    rates = index_rates(first)
    print(
        f"STARD {args.split}, article index, {len(first)} questions whose laws we shipped before "
        f"the December texts: hit@1 {rates['hit@1']:.3f}, hit@3 {rates['hit@3']:.3f}"
    )
    rates = index_rates(stard)
    print(
        f"STARD {args.split}, article index, {len(stard)} questions whose articles we ship: "
        f"hit@1 {rates['hit@1']:.3f}, hit@3 {rates['hit@3']:.3f}, "
        f"answerable but wrong {rates['answerable_wrong']:.3f}"
    )
    stops: List[Callable[[], None]] = []
    try:
        reply = assistant_reply(stops) if args.assistant else resolver_reply()
        path = "assistant" if args.assistant else "resolver"
        outcome, timings = measure(stard, reply, corpus)
        print(outcome.line(f"STARD {args.split}, {path} replies"))
        shown: List[Outcome] = [outcome]
        legal_outcome, more = measure(legal, reply, corpus)
        timings += more
        print(legal_outcome.line(f"reported legal set, {path} replies"))
        shown.append(legal_outcome)
        declined = sum(
            not VERDICT.match(text) or any(p in text for p in DECLINES)
            for text in map(reply, unanswerable)
        )
        print(f"reported legal set, unanswerable: {declined}/{len(unanswerable)} given no verdict")
        ordered = sorted(timings)
        print(f"reply time p95 {ordered[int(0.95 * (len(ordered) - 1))]:.1f} ms")
        if args.examples:
            for result in shown:
                for question, text in result.examples:
                    print(f"  {question} → {text}")
    finally:
        for stop in stops:
            stop()


if __name__ == "__main__":
    main()
