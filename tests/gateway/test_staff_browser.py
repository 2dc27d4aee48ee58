"""The login page, the agent desk and the web chat in Chromium, against a stand-in Rasa."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from .desk import PASSWORD, Desk
from .test_desk_access import feedback_rows

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture
def page() -> Iterator[Page]:
    if not CHROMIUM.exists():
        pytest.fail("system Chromium missing: run scripts/install-chromium.sh (make test does)")
    with sync_playwright() as playwright:
        # --no-sandbox: the tests may run as root in a container, where the sandbox cannot start.
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"]
        )
        context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900})
        opened = context.new_page()
        opened.set_default_timeout(30_000)
        yield opened
        browser.close()


def test_an_agent_logs_in_follows_a_call_and_gives_feedback(desk: Desk, page: Page) -> None:
    name = "desk-" + uuid.uuid4().hex[:6]
    desk.add_account(name, "agent")
    page.goto(f"{desk.url}/agent")
    expect(page).to_have_url(f"{desk.url}/login?next=/agent")
    page.fill("#name", name)
    page.fill("#password", PASSWORD)
    page.click("#login button[type=submit]")
    expect(page.locator("#who-am-i")).to_contain_text(name)
    expect(page.locator("#status")).to_contain_text("已连接")

    call_id = "desk-" + uuid.uuid4().hex[:8]
    desk.hotline("call-started", {"call_id": call_id, "caller_number": "13812345678"})
    words = {"call_id": call_id, "speaker": "caller", "text": "公司被列入经营异常名录怎么移出"}
    assert desk.hotline("utterance", words).status_code == 200
    card = page.locator("#suggestions .card").first
    expect(card).to_be_visible()
    suggestion_id = card.get_attribute("data-suggestion-id")
    card.locator("button.reject").click()
    expect(card).to_contain_text("已标记不适用")
    rows = feedback_rows(desk, call_id)
    assert [(r.suggestion_id, r.action, r.agent) for r in rows] == [
        (suggestion_id, "rejected", name)
    ]

    page.click("#logout")
    expect(page).to_have_url(f"{desk.url}/login?next=%2Fagent")


def test_the_web_chat_keeps_one_conversation_through_its_cookie(desk: Desk, page: Page) -> None:
    page.goto(desk.url + "/")
    for text in ("你好", "居住证怎么办"):
        page.fill("#input", text)
        page.click("#send")
        expect(page.locator(".msg.bot").last).to_have_text(f"收到:{text}")
    expect(page.locator(".msg.system")).to_have_count(0)
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["banshi_chat"]["httpOnly"] is True
