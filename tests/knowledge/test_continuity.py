"""Whether a message continues the topic, and what a follow-up says of its own."""

from __future__ import annotations

from knowledge.candidates import Candidates
from knowledge.continuity import Continuity, bare_section, follow_up_query, own_words
from knowledge.followup import Topic, read_cues
from knowledge.search import default_index

RESIDENCE = Topic("entry", "residence_permit.overview", "居住证办理", None, "居住证怎么办")
INJURY = Topic("entry", "legal_question.work_injury", None, None, "工伤认定要在多长时间内申请")


def continuity() -> Continuity:
    return Continuity(Candidates(default_index()))


def follows(topic: Topic, text: str, intent: str | None = None) -> bool:
    return continuity().follows(topic, read_cues(text), intent, text)


def test_a_section_question_follows_the_topic() -> None:
    assert follows(RESIDENCE, "要带什么材料")
    assert follows(RESIDENCE, "在大连呢")


def test_clearing_words_and_thanks_do_not_follow_the_topic() -> None:
    assert not follows(RESIDENCE, "换个问题,驾照怎么换")
    assert not follows(RESIDENCE, "好的谢谢")


def test_a_legal_question_with_no_subject_of_its_own_is_about_the_last_legal_answer() -> None:
    assert follows(INJURY, "从啥时候开始算")
    assert continuity().legal_topic(INJURY)
    assert not continuity().legal_topic(RESIDENCE)


def test_a_message_naming_another_service_in_its_own_words_leaves_the_topic() -> None:
    found = continuity()
    assert found.names_other_service("驾驶证到期换证要什么", "驾驶证补换领", RESIDENCE)
    # NLU's service alone does not move the topic: the words must name it.
    assert not found.names_other_service("要带什么材料", "驾驶证补换领", RESIDENCE)
    assert not found.names_other_service("居住证要带什么材料", "居住证办理", RESIDENCE)


def test_words_naming_another_entry_of_the_knowledge_base_are_another_subject() -> None:
    found = continuity()
    other = found.other_subject(RESIDENCE, "企业开办一件事能在网上办吗")
    assert other is not None and other.id == "yijianshi.enterprise_startup"
    assert not follows(RESIDENCE, "企业开办一件事能在网上办吗")
    assert found.other_subject(RESIDENCE, "网上能办吗") is None


def test_a_term_belongs_to_the_topic_when_its_subject_says_it() -> None:
    found = continuity()
    assert found.in_topic("派出所", RESIDENCE)
    assert not found.in_topic("仲裁委员会", RESIDENCE)


def test_a_follow_up_own_words_leave_out_cue_filler_and_places() -> None:
    assert own_words("能匿名吗") == "匿名"
    assert own_words("那要钱吗") == ""
    assert own_words("在大连呢") == ""
    assert bare_section("流程是啥")
    assert not bare_section("居住证流程是啥")


def test_a_legal_follow_up_is_searched_with_the_topics_concepts_not_its_question() -> None:
    own = follow_up_query(INJURY, "工伤认定结果多久能出来")
    assert own.startswith("工伤认定结果多久能出来")
    assert INJURY.query not in own
    # Nothing of its own: the earlier question carries the subject.
    assert follow_up_query(INJURY, "从啥时候开始算") == f"{INJURY.query} 从啥时候开始算"
