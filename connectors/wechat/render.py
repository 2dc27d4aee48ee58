"""Rendering the assistant's replies as WeChat text: menu links for buttons, size-limited parts."""

from __future__ import annotations

from typing import Callable, List, Sequence

from connectors.rasa import BotMessage

# WeChat truncates a passive text reply beyond 2048 bytes; customer-service text messages are
# held to the same size so that every part arrives whole.
MAX_TEXT_BYTES = 2048
_HREF_UNSAFE = str.maketrans({"&": "和", '"': "”", "<": "《", ">": "》", "#": "号"})


def menu_link(title: str, menu_id: str) -> str:
    """A tappable menu line: tapping sends `title` back as a text message with this menu id."""
    content = title.translate(_HREF_UNSAFE)
    return (
        f'<a href="weixin://bizmsgmenu?msgmenucontent={content}&msgmenuid={menu_id}">{content}</a>'
    )


def render_messages(messages: Sequence[BotMessage], menu_id: Callable[[str, str], str]) -> str:
    """One text for a turn's replies; `menu_id(title, payload)` registers each button."""
    blocks: List[str] = []
    for message in messages:
        lines: List[str] = []
        if message.text:
            lines.append(message.text)
        if message.image:
            lines.append(message.image)
        lines += [menu_link(b["title"], menu_id(b["title"], b["payload"])) for b in message.buttons]
        if lines:
            blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def split_text(text: str, limit: int = MAX_TEXT_BYTES) -> List[str]:
    """Parts of at most `limit` UTF-8 bytes, cut at line breaks where possible."""
    parts: List[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if _size(candidate) <= limit:
            current = candidate
            continue
        if current:
            parts.append(current)
        current = ""
        while _size(line) > limit:
            head = _cut(line, limit)
            parts.append(head)
            line = line[len(head) :]
        current = line
    if current.strip():
        parts.append(current)
    return [p.strip("\n") for p in parts if p.strip()]


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def _cut(line: str, limit: int) -> str:
    """The longest prefix of `line` within `limit` bytes, preferring to end after punctuation."""
    encoded = line.encode("utf-8")[:limit]
    head = encoded.decode("utf-8", errors="ignore")
    for mark in ("。", "；", ";", "，", ",", " "):
        position = head.rfind(mark)
        if position > len(head) // 2:
            return head[: position + 1]
    return head
