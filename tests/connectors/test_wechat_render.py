"""Rendering replies for WeChat: menu links for buttons, parts within WeChat's size limit."""

from __future__ import annotations

from connectors.rasa import BotMessage
from connectors.wechat.menu import menu_payload
from connectors.wechat.render import MAX_TEXT_BYTES, render_messages, split_text


def test_buttons_become_bizmsgmenu_links() -> None:
    registered = {}

    def register(title: str, payload: str) -> str:
        registered[str(len(registered) + 1)] = payload
        return str(len(registered))

    text = render_messages(
        [BotMessage(text="请选择:", buttons=[{"title": "A&B", "payload": "/legal_aid"}])], register
    )
    assert text == (
        '请选择:\n<a href="weixin://bizmsgmenu?msgmenucontent=A和B&msgmenuid=1">A和B</a>'
    )
    assert registered == {"1": "/legal_aid"}


def test_long_text_is_split_at_line_breaks_within_the_limit() -> None:
    lines = [f"第{i}行:营业执照变更需要提交变更登记申请书和相关材料。" for i in range(200)]
    parts = split_text("\n".join(lines))
    assert len(parts) > 1
    assert all(len(p.encode()) <= MAX_TEXT_BYTES for p in parts)
    assert "\n".join(parts) == "\n".join(lines)


def test_a_single_overlong_line_is_cut_between_characters() -> None:
    line = "居住证" * 1000
    parts = split_text(line)
    assert all(len(p.encode()) <= MAX_TEXT_BYTES for p in parts)
    assert "".join(parts) == line


def test_menu_keys_map_to_intents() -> None:
    assert menu_payload("legal_aid") == "/legal_aid"
    assert menu_payload("CASE_STATUS") == "/case_status"
    assert menu_payload("NOT_A_KEY") == ""
