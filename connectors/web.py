"""Rendering the assistant's replies for the web chat page."""

from __future__ import annotations

from typing import Dict, List, Sequence, Tuple

from pydantic import BaseModel

from connectors.rasa import NO_REPLY_TEXT, BotMessage, handoff_requested


class WebMessage(BaseModel):
    text: str = ""
    buttons: List[Dict[str, str]] = []
    image: str = ""


def render_web(replies: Sequence[BotMessage]) -> Tuple[List[WebMessage], bool]:
    """The messages the page shows, and whether the user is being handed to a person.

    A turn with nothing to show still gets a reply, so no message goes unanswered."""
    messages = [
        WebMessage(text=r.text, buttons=r.buttons, image=r.image)
        for r in replies
        if r.text or r.buttons or r.image
    ] or [WebMessage(text=NO_REPLY_TEXT)]
    return messages, handoff_requested(replies)
