"""The law corpus, the article index, law answers and the citation check."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import Any, Dict, List

import pytest
import yaml

from knowledge.answer import LEGAL_DISCLAIMER
from knowledge.citations import check_entries, key_numbers
from knowledge.law_answer import NO_SPECIFIC_ANSWER, excerpt, render_articles
from knowledge.law_search import (
    ArticleIndex,
    default_article_index,
    missing_concepts,
    question_concepts,
)
from knowledge.lawtext import LAWS_DIR, LawCorpus, default_corpus
from knowledge.legal_lexicon import default_lexicon
from knowledge.schema import Entry
from tests.conftest import FIGURES

HERE = Path(__file__).parent
# Measured 0.495 / 0.814 on the reported set over the 72 texts with the fitted ranker (0.557 /
# 0.876 over the 40 texts before, 0.505 / 0.835 over the 72 in lexical order); floors below.
HIT1_FLOOR, HIT3_FLOOR = 0.47, 0.79
# Share of the reported set's unanswerable questions the index declines (measured 7 of 8).
DECLINE_FLOOR = 0.75


@pytest.fixture(scope="module")
def corpus() -> LawCorpus:
    return default_corpus()


@pytest.fixture(scope="module")
def index() -> ArticleIndex:
    return default_article_index()


def _load(name: str) -> Dict[str, Any]:
    return yaml.safe_load((HERE / name).read_text(encoding="utf-8"))


# corpus -------------------------------------------------------------------------------------


def test_all_seventy_two_files_load_into_laws(corpus: LawCorpus) -> None:
    files = sorted(p.name for p in LAWS_DIR.glob("*.md") if p.name != "README.md")
    assert len(files) == 72
    assert sorted(f for law in corpus.laws.values() for f in law.files) == files
    assert (LAWS_DIR / "README.md").exists()
    # The Civil Code's seven books are one law.
    assert len(corpus.laws) == 66
    interpretations = [name for name in corpus.laws if name.startswith("最高人民法院")]
    assert len(interpretations) == 5


def test_article_counts_are_those_of_the_official_texts(corpus: LawCorpus) -> None:
    counts = {name: len(law.articles) for name, law in corpus.laws.items()}
    assert counts["劳动合同法"] == 98
    assert counts["公司法"] == 266
    assert counts["民事诉讼法"] == 306
    assert counts["行政复议法"] == 90
    assert all(count >= 8 for count in counts.values())
    assert counts["国务院关于实施《公司法》注册资本登记管理制度的规定"] == 8
    for law in corpus.laws.values():
        numbers = [a.number for a in law.articles]
        assert numbers == sorted(set(numbers)), law.name


def test_civil_code_keeps_its_global_numbering_across_books(corpus: LawCorpus) -> None:
    code = corpus.law("中华人民共和国民法典")
    assert code is not None and code.version == "2020-05-28"
    assert len(code.files) == 7
    assert len(code.articles) >= 1250
    property_rights = corpus.article("民法典", "第二百零九条")
    assert property_rights is not None and property_rights.chapter.startswith("第二章")
    assert corpus.article("民法典", "第一千零七十九条") is not None  # 婚姻家庭编: divorce
    deposit = corpus.article("《民法典》", "第五百八十六条")
    assert deposit is not None and "百分之二十" in deposit.text
    assert deposit.chapter == "第八章 违约责任"
    limitation = corpus.article("民法典", "第一百八十八条")
    assert limitation is not None and limitation.text.startswith("向人民法院请求保护民事权利")
    lease = corpus.article("民法典", "第七百零五条")
    assert lease is not None and lease.text.startswith("租赁期限不得超过二十年")
    assert corpus.article("民法典", "第一千一百六十五条") is not None


def test_an_article_is_its_official_text_verbatim(corpus: LawCorpus) -> None:
    article = corpus.article("《中华人民共和国劳动合同法》", "第三十七条")
    assert article is not None
    assert article.text == (
        "劳动者提前三十日以书面形式通知用人单位，可以解除劳动合同。"
        "劳动者在试用期内提前三日通知用人单位，可以解除劳动合同。"
    )
    assert article.id == "劳动合同法#37"
    assert article.label == "第三十七条"
    assert article.version == "2012-12-28"
    assert article.citation() == "《劳动合同法》(2012-12-28)第三十七条"
    multi = corpus.article("劳动合同法", 19)
    assert multi is not None and len(multi.paragraphs) == 4
    assert "同一用人单位与同一劳动者只能约定一次试用期。" in multi.paragraphs


def test_judicial_interpretations_are_cited_by_full_title_and_article(
    corpus: LawCorpus,
) -> None:
    official = "《最高人民法院关于适用〈中华人民共和国民法典〉合同编通则若干问题的解释》"
    typed = "《最高人民法院关于适用《民法典》合同编通则若干问题的解释》"
    article = corpus.article(official, "第一条")
    assert article is not None and corpus.article(typed, 1) == article
    assert article.citation() == (
        "《最高人民法院关于适用〈民法典〉合同编通则若干问题的解释》(2023-12-04)第一条"
    )
    labour = corpus.article("最高人民法院关于审理劳动争议案件适用法律问题的解释（一）", 1)
    assert labour is not None and labour.text.startswith("劳动者与用人单位之间发生的下列纠纷")
    typed_labour = "《最高人民法院关于审理劳动争议案件适用法律问题的解释(一)》"
    assert corpus.article(typed_labour, "第一条") == labour
    traffic = corpus.law("最高人民法院关于审理道路交通事故损害赔偿案件适用法律若干问题的解释")
    assert traffic is not None
    assert traffic.articles[0].chapter == "一、关于主体责任的认定"


def test_articles_are_found_by_every_way_of_citing_them(corpus: LawCorpus) -> None:
    by_label = corpus.article("公司法", "第二百三十二条")
    assert by_label is not None and by_label.number == 232
    assert corpus.article("《公司法》", 232) == by_label
    assert corpus.article("公司法", "232") == by_label
    assert corpus.by_id("公司法#232") == by_label
    assert corpus.article("劳动合同法", "第九十九条") is None
    assert corpus.article("辽宁省优化营商环境条例", "第一条") is None
    assert corpus.law("劳动法") is not None and corpus.law("劳动法") != corpus.law("劳动合同法")


# article search -----------------------------------------------------------------------------

ACCEPTANCE = [
    ("试用期员工辞职要提前几天说", "劳动合同法#37"),
    ("劳动仲裁的时效是多长时间", "劳动争议调解仲裁法#27"),
    ("工伤认定要在多长时间内申请", "工伤保险条例#17"),
    ("对行政处罚不服多长时间内可以申请行政复议", "行政复议法#20"),
    ("定金最多能收多少", "民法典#586"),
]


@pytest.mark.parametrize(("question", "article_id"), ACCEPTANCE)
def test_the_article_that_answers_comes_first(
    index: ArticleIndex, question: str, article_id: str
) -> None:
    result = index.search(question)
    assert result.answerable
    assert result.hits[0].article.id == article_id


def test_the_sixty_days_of_reconsideration_are_in_the_2023_text(index: ArticleIndex) -> None:
    article = index.search("对行政处罚不服多长时间内可以申请行政复议").hits[0].article
    assert article.version == "2023-09-01"
    assert "六十日内提出行政复议申请" in article.text


def test_a_hearing_question_finds_the_hearing_articles(index: ArticleIndex) -> None:
    result = index.search("行政处罚听证")
    assert result.answerable
    assert result.hits[0].article.id in {"行政处罚法#63", "行政处罚法#64"}


def test_deducting_a_leavers_wages_finds_deductions_and_resignation(index: ArticleIndex) -> None:
    result = index.search("员工要辞职,公司能扣他工资吗")
    assert result.answerable
    assert {"扣工资", "辞职"} <= result.concepts
    ids = [hit.article.id for hit in result.hits]
    assert "劳动合同法#82" not in ids
    for hit in result.hits:
        assert hit.covers & {"扣工资", "辞职"}, hit.article.id
        assert "克扣" in hit.article.text or "解除" in hit.article.text


@pytest.mark.parametrize(
    "question", ["公司能不能给员工发比特币当工资", "火星上的劳动法", "今天天气怎么样", "你好"]
)
def test_a_question_no_article_covers_is_not_answerable(index: ArticleIndex, question: str) -> None:
    assert not index.search(question).answerable


def test_hits_are_one_to_three_and_drop_weak_tails(index: ArticleIndex) -> None:
    result = index.search("定金最多能收多少", limit=3)
    assert 1 <= len(result.hits) <= 3
    assert all(hit.score >= 0.4 * result.hits[0].score for hit in result.hits)
    assert len(index.search("定金最多能收多少", limit=1).hits) == 1


def test_question_concepts_read_colloquial_wording() -> None:
    assert {"辞退"} <= question_concepts("老板要把我炒鱿鱼")
    assert {"定金"} <= question_concepts("交的定钱能退吗")
    assert {"扣工资"} <= question_concepts("公司扣我工资")
    assert {"拖欠工资"} <= question_concepts("老板不发工资咋整")
    assert {"劳动仲裁"} <= question_concepts("勞動仲裁怎麼申請")
    assert not question_concepts("你好")


def test_missing_concepts_names_what_a_text_leaves_out(corpus: LawCorpus) -> None:
    resignation = corpus.article("劳动合同法", 37)
    assert resignation is not None
    question = "试用期辞职会被扣工资吗"
    # 工资 inside the word 扣工资 is that word, not a second concept.
    assert missing_concepts(question, resignation.text) == frozenset({"扣工资"})
    assert missing_concepts("试用期辞职要提前几天", resignation.text) == frozenset()
    # An entry's everyday wording counts as covering too.
    assert missing_concepts("被炒鱿鱼了怎么办", "被开除、炒鱿鱼时的权利") == frozenset()


def test_article_search_is_fast(index: ArticleIndex) -> None:
    questions = [item["q"] for item in _load("legal_dev.yml")["questions"]]
    samples = []
    for question in questions * 2:
        start = time.perf_counter()
        index.search(question)
        samples.append(time.perf_counter() - start)
    samples.sort()
    assert samples[int(0.95 * len(samples))] < 0.020


# law answers --------------------------------------------------------------------------------


def test_a_law_answer_quotes_the_articles_verbatim_with_their_citation(
    index: ArticleIndex, corpus: LawCorpus
) -> None:
    question = "试用期员工辞职要提前几天说"
    text, ids = render_articles(question, index.search(question))
    assert ids[0] == "劳动合同法#37"
    assert text.startswith("关于“试用期”“辞职”")
    assert "《劳动合同法》(2012-12-28)第三十七条:\n" in text
    article = corpus.by_id("劳动合同法#37")
    assert article is not None and article.text in text
    assert text.endswith(LEGAL_DISCLAIMER)
    for article_id in ids:
        quoted = corpus.by_id(article_id)
        assert quoted is not None and quoted.citation() in text


def test_a_long_article_is_cut_at_a_paragraph_boundary(corpus: LawCorpus) -> None:
    article = corpus.by_id("劳动合同法实施条例#18")
    assert article is not None and len(article.text) > 120
    text = excerpt(article, default_lexicon(), ["试用期"], limit=120)
    lines = text.split("\n")
    assert "……" in lines and lines[0] == article.paragraphs[0]
    assert "(三)劳动者在试用期内提前3日通知用人单位的；" in lines
    assert all(line == "……" or line in article.paragraphs for line in lines)
    assert len(text) < len(article.text)


def test_no_specific_answer_points_to_12348_a_lawyer_and_the_check_up() -> None:
    assert "没有找到能具体回答这个问题的规定" in NO_SPECIFIC_ANSWER
    assert "12348" in NO_SPECIFIC_ANSWER
    assert "律师" in NO_SPECIFIC_ANSWER and "法治体检" in NO_SPECIFIC_ANSWER


# citation check -----------------------------------------------------------------------------


def _entry(answer: str, basis: List[Dict[str, str]], source: List[str]) -> Entry:
    return Entry.model_validate(
        {
            "id": "legal_question.sample",
            "title": "样例",
            "kind": "legal",
            "intents": ["legal_question"],
            "answer": answer,
            "legal_basis": basis,
            "source": source,
            "department": "司法行政部门",
            "last_reviewed": date(2026, 12, 1),
            "questions": ["一", "二", "三"],
        }
    )


def test_key_numbers_read_chinese_and_arabic_alike() -> None:
    assert set(key_numbers("提前三十日")) == set(key_numbers("提前30日"))
    assert set(key_numbers("百分之八十")) == set(key_numbers("80%"))
    assert set(key_numbers("二倍工资")) == set(key_numbers("2倍"))
    assert not key_numbers("2024年7月1日起施行,见第三十七条,拨打12348")


def test_a_true_citation_passes(corpus: LawCorpus) -> None:
    entry = _entry(
        "试用期内提前3日通知即可解除,转正后提前30日书面通知。",
        [{"law": "《劳动合同法》", "article": "第三十七条"}],
        ["《劳动合同法》"],
    )
    assert check_entries([entry], corpus) == ([], [])


def test_a_wrong_article_number_fails(corpus: LawCorpus) -> None:
    entry = _entry(
        "见规定。", [{"law": "《劳动合同法》", "article": "第九十九条"}], ["《劳动合同法》"]
    )
    failures, _ = check_entries([entry], corpus)
    assert len(failures) == 1
    assert "第九十九条 does not exist" in failures[0].message


def test_a_number_not_in_the_cited_article_fails(corpus: LawCorpus) -> None:
    entry = _entry(
        "劳动者提前十五日通知即可辞职。",
        [{"law": "《劳动合同法》", "article": "第三十七条"}],
        ["《劳动合同法》"],
    )
    failures, _ = check_entries([entry], corpus)
    assert [f.entry for f in failures] == ["legal_question.sample"]
    assert "十五日" in failures[0].message and "第三十七条" in failures[0].message


def test_a_law_outside_the_corpus_is_listed_not_failed(corpus: LawCorpus) -> None:
    entry = _entry(
        "按辽宁省规定办理。",
        [{"law": "《辽宁省优化营商环境条例》", "article": "第十条"}],
        ["《辽宁省优化营商环境条例》"],
    )
    failures, warnings = check_entries([entry], corpus)
    assert failures == []
    assert [w.message for w in warnings] == [
        "《辽宁省优化营商环境条例》 is not in the corpus (not checked)"
    ]


def test_the_knowledge_base_passes_the_citation_check() -> None:
    from knowledge.store import load_entries

    failures, _ = check_entries(load_entries())
    assert failures == [], "\n".join(str(f) for f in failures)


# quality on the reported set ----------------------------------------------------------------


def _hit_rates(index: ArticleIndex, name: str) -> Dict[str, float]:
    data = _load(name)
    hit1 = hit3 = 0
    for item in data["questions"]:
        ids = [hit.article.id for hit in index.search(item["q"]).hits]
        hit1 += bool(ids) and ids[0] in item["expected"]
        hit3 += any(i in item["expected"] for i in ids[:3])
    declined = sum(not index.search(q).answerable for q in data.get("unanswerable", []))
    n = len(data["questions"])
    return {
        "n": n,
        "hit@1": hit1 / n,
        "hit@3": hit3 / n,
        "declined": declined / max(len(data.get("unanswerable", [])), 1),
    }


def test_evaluation_sets_are_large_distinct_and_cite_real_articles(corpus: LawCorpus) -> None:
    reported, dev = _load("legal_questions.yml"), _load("legal_dev.yml")
    assert len(reported["questions"]) >= 70 and len(dev["questions"]) >= 40
    asked = {item["q"] for item in reported["questions"]}
    assert not asked & {item["q"] for item in dev["questions"]}
    for item in reported["questions"] + dev["questions"]:
        assert all(corpus.by_id(a) is not None for a in item["expected"]), item


def test_article_hit_rates_on_the_reported_set(
    index: ArticleIndex, record_property: pytest.RecordProperty
) -> None:
    rates = _hit_rates(index, "legal_questions.yml")
    dev = _hit_rates(index, "legal_dev.yml")
    record_property("law_articles", rates)
    FIGURES.append(
        f"law articles on {rates['n']:.0f} questions: hit@1 {rates['hit@1']:.3f}, "
        f"hit@3 {rates['hit@3']:.3f}, unanswerable declined {rates['declined']:.2f} "
        f"(dev set: hit@1 {dev['hit@1']:.3f}, hit@3 {dev['hit@3']:.3f})"
    )
    assert rates["hit@1"] >= HIT1_FLOOR
    assert rates["hit@3"] >= HIT3_FLOOR
    assert rates["declined"] >= DECLINE_FLOOR
