"""Whole conversations through the REST channel of a running assistant."""

from __future__ import annotations

import uuid

import pytest

from tests.assistant import Assistant, buttons, texts

pytestmark = pytest.mark.rasa


def test_greeting_offers_a_menu(assistant: Assistant) -> None:
    replies = assistant.send("你好")
    assert "居住证" in texts(replies)
    titles = [b["title"] for b in buttons(replies)]
    assert "企业法治体检" in titles and len(titles) >= 4


def test_out_of_scope_points_to_12345(assistant: Assistant) -> None:
    assert "12345" in texts(assistant.send("大连哪天开始供暖"))


def test_bot_challenge_is_answered_honestly(assistant: Assistant) -> None:
    assert "不是真人" in texts(assistant.send("你是真人吗"))


def test_handoff_is_marked_for_connectors(assistant: Assistant) -> None:
    sender = uuid.uuid4().hex
    replies = assistant.send("转人工", sender)
    assert "12345" in texts(replies)
    assert any((m.get("custom") or {}).get("handoff") is True for m in replies)
    assert assistant.tracker(sender)["slots"]["handoff_requested"] is True


# Vague messages that name nothing. Which of them neither NLU nor the knowledge base can place
# varies with the training data, so the fallback tests use the first that gets the fallback's
# "which one?" offer from the served assistant.
VAGUE = (
    "那个东西弄完了没有呢",
    "就是上回说的那个事儿",
    "就那个呗还能是啥",
    "嗯嗯那个啥来着",
    "呃就是那啥",
    "你猜我想问啥",
    "这个咋弄啊",
    "那玩意儿到底行不行啊",
)


@pytest.fixture(scope="module")
def unclear(assistant: Assistant) -> str:
    for text in VAGUE:
        offered = buttons(assistant.send(text, uuid.uuid4().hex))
        if offered and offered[-1]["title"] == "都不是":
            return text
    raise AssertionError(f"no vague message gets the fallback offer: {VAGUE}")


def test_unclear_message_offers_two_topics_and_none_of_them(
    assistant: Assistant, unclear: str
) -> None:
    replies = assistant.send(unclear)
    options = buttons(replies)
    assert options[-1] == {"title": "都不是", "payload": "/out_of_scope"}
    assert len(options) == 3
    assert all(o["payload"].startswith("/") for o in options)


def test_choosing_a_topic_after_the_fallback_answers_it(assistant: Assistant, unclear: str) -> None:
    sender = uuid.uuid4().hex
    first = assistant.send(unclear, sender)
    topic = buttons(first)[0]["payload"]
    answer = assistant.send(topic, sender)
    assert texts(answer).strip()
    assert "没太明白" not in texts(answer)


def test_none_of_them_asks_to_rephrase_then_gives_up_politely(
    assistant: Assistant, unclear: str
) -> None:
    sender = uuid.uuid4().hex
    assistant.send(unclear, sender)
    assert "换个说法" in texts(assistant.send("/out_of_scope", sender))
    final = assistant.send("就是那个呗你懂的", sender)
    # Asked once more which topic, or pointed to 12345: never a dead end.
    offered = [b["title"] for b in buttons(final)]
    assert "12345" in texts(final) or "都不是" in offered


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "没有收到文字内容"),
        ("   \n\t ", "没有收到文字内容"),
        ("😀😀😀", "没有收到文字内容"),
        ("<script>alert(1)</script><b>hi</b>", ""),
        ("How do I apply for a residence permit?", ""),
        ("我想问一下" + "居住证怎么办理" * 715, ""),
    ],
    ids=["empty", "whitespace", "emoji", "html", "english", "5000-chars"],
)
def test_bad_input_gets_a_sensible_reply(assistant: Assistant, text: str, expected: str) -> None:
    replies = assistant.send(text)
    reply = texts(replies)
    assert reply.strip(), "every message gets an answer"
    assert expected in reply
    assert "<script>" not in reply
