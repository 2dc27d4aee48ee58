"""Which candidate answers: one entry rather than a menu, a legal entry only when it fits."""

from __future__ import annotations

from dataclasses import replace

from knowledge.analysis import analyse
from knowledge.followup import read_cues
from knowledge.kinds import AnswerKind
from knowledge.ranking import Ranker, genuinely_close, legalish, names_entry, uncovered
from knowledge.search import Hit, Result, default_index


def ranker() -> Ranker:
    return Ranker(default_index())


def entry(entry_id: str):  # type: ignore[no-untyped-def]
    return next(e for e in default_index().entries if e.id == entry_id)


def test_close_scores_about_different_services_are_genuinely_close() -> None:
    permit, licence = entry("residence_permit.overview"), entry("driver_license.lost")
    assert genuinely_close(Hit(permit, 10.0), Hit(licence, 9.5), None)
    assert not genuinely_close(Hit(permit, 10.0), Hit(licence, 7.0), None)
    # The intent tells them apart, or they are one service's entries: no menu.
    assert not genuinely_close(Hit(permit, 10.0), Hit(licence, 9.5), permit.intents[0])
    fees = entry("residence_permit.fees")
    assert not genuinely_close(Hit(permit, 10.0), Hit(fees, 9.9), None)


def test_a_close_tie_goes_to_the_service_the_conversation_is_about() -> None:
    permit, licence = entry("residence_permit.overview"), entry("driver_license.lost")
    tie = Result((Hit(permit, 10.0), Hit(licence, 9.5)), False)
    text = "这个咋整"
    assert ranker().decide(tie, text, read_cues(text), None).kind == AnswerKind.MENU
    # Within a conversation about driving licences, the licence entry continues it.
    choice = ranker().decide(tie, text, read_cues(text), None, licence.service)
    assert choice.kind == AnswerKind.ENTRY and choice.entry == licence
    assert [h.entry for h in choice.hits] == [licence, permit]
    # A conversation about a third service breaks no tie.
    other = ranker().decide(tie, text, read_cues(text), None, "12345热线")
    assert other.kind == AnswerKind.MENU


def test_a_question_worded_like_an_entrys_sample_question_names_it() -> None:
    permit = entry("residence_permit.overview")
    assert names_entry(permit.questions[0], permit)
    assert not names_entry("公司拖欠工资怎么办", permit)


def test_nothing_found_and_weak_matches_are_not_answered() -> None:
    cues = read_cues("随便问问")
    assert ranker().decide(Result((), False), "随便问问", cues, None).kind == AnswerKind.NOT_FOUND
    permit, licence = entry("residence_permit.overview"), entry("driver_license.lost")
    weak = Result((Hit(permit, 0.1), Hit(licence, 0.09)), False)
    choice = ranker().decide(weak, "随便问问", cues, None)
    assert choice.kind == AnswerKind.MENU
    assert [h.entry for h in choice.hits] == [permit, licence]


def test_the_best_entry_answers_with_the_others_as_related() -> None:
    text = "外地户口在沈阳怎么办居住证"
    result = default_index().search(text)
    choice = ranker().decide(result, text, read_cues(text), None)
    assert choice.kind == AnswerKind.ENTRY
    assert choice.entry is not None and choice.entry.id.startswith("residence_permit.")


def test_a_legal_entry_that_answers_another_question_is_not_given() -> None:
    # The entry on ID cards and deposits opens with "不合法。", a verdict on another question.
    text = "入职两个月了公司还不跟我签合同,能要什么赔偿"
    choice = ranker().decide(
        Result((Hit(entry("legal_labour.deposit_id_card"), 50.0),), True),
        text,
        read_cues(text),
        None,
    )
    assert choice.kind == AnswerKind.NOT_STATED
    assert choice.nearest is not None and choice.nearest.id == "legal_labour.deposit_id_card"


def test_a_legal_question_gets_the_entry_that_covers_its_concepts() -> None:
    text = "入职两个月了公司还不跟我签合同,能要什么赔偿"
    index = default_index()
    result = index.search(text, intent="legal_question", limit=12)
    choice = ranker().legal(
        result,
        text,
        analyse(text),
        shown=None,
        again=None,
        quoted=(),
        plain=None,
        follow_up=False,
        own_intent=False,
        intent="legal_question",
    )
    assert choice.kind == AnswerKind.ENTRY
    assert choice.entry is not None and "二倍工资" in choice.entry.answer
    assert choice.evidence is not None and choice.evidence.is_entry


def test_the_entry_just_shown_is_not_given_again_for_a_new_case() -> None:
    text = "入职两个月了公司还不跟我签合同,能要什么赔偿"
    result = default_index().search(text, intent="legal_question", limit=12)
    common = dict(again=None, quoted=(), plain=None, own_intent=False, intent="legal_question")
    first = ranker().legal(result, text, analyse(text), shown=None, follow_up=False, **common)
    assert first.entry is not None
    second = ranker().legal(
        result, text, analyse(text), shown=first.entry.id, follow_up=True, **common
    )
    assert second.entry is None or second.entry.id != first.entry.id


def test_a_legal_point_is_told_from_a_service_question() -> None:
    service = "居住证要带什么材料"
    result = default_index().search(service)
    assert not legalish(None, result, analyse(service).concepts, service)
    assert legalish("legal_question", result, analyse(service).concepts, service)
    legal = "公司不给交社保,我能马上辞职吗"
    found = default_index().search(legal)
    assert legalish(None, found, analyse(legal).concepts, legal)
    guide = replace(found, hits=(Hit(entry("residence_permit.overview"), 30.0),))
    assert uncovered(guide, legal, analyse(legal).concepts)
