"""The agent desk and the web chat in headless Chromium (the system's, via Playwright)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from sqlalchemy import create_engine, text

from tests.gateway.fixtures import STAFF_PASSWORD, RunningGateway, add_account

pytestmark = pytest.mark.rasa

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail("system Chromium missing: run scripts/install-chromium.sh (make test does)")
    with sync_playwright() as playwright:
        # --no-sandbox: the tests may run as root in a container, where the sandbox cannot start.
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"]
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_agent_desk_shows_a_live_call_and_records_feedback(
    gateway: RunningGateway, page: Page
) -> None:
    name = "desk-" + uuid.uuid4().hex[:6]
    add_account(gateway.settings, name, "agent")
    page.goto(f"{gateway.url}/agent")
    # An anonymous visitor lands on the login page, and comes back to the desk after it.
    expect(page).to_have_url(f"{gateway.url}/login?next=/agent")
    page.fill("#name", name)
    page.fill("#password", "wrong-password")
    page.click("#login button[type=submit]")
    expect(page.locator("#login-error")).to_have_text("用户名或密码错误")
    page.fill("#password", STAFF_PASSWORD)
    page.click("#login button[type=submit]")
    expect(page.locator("#who-am-i")).to_contain_text(name)
    expect(page.locator("#status")).to_contain_text("已连接")
    call_id = "desk-" + uuid.uuid4().hex[:8]
    gateway.hotline("call-started", {"call_id": call_id, "caller_number": "13812345678"})
    words = {"call_id": call_id, "speaker": "caller", "text": "企业怎么申请免费的法治体检"}
    assert gateway.hotline("utterance", words).status_code == 200

    expect(page.locator("#transcript")).to_contain_text("法治体检")
    expect(page.locator(".call.active")).to_contain_text("138****5678")
    cards = page.locator("#suggestions .card")
    expect(cards.first).to_be_visible()
    expect(cards.first.locator(".source")).to_contain_text("依据")
    expect(page.locator("#next")).to_contain_text("建议追问")
    expect(page.locator("#workorder")).to_contain_text("企业法治体检")
    suggestion_id = cards.first.get_attribute("data-suggestion-id")

    cards.first.locator("button.use").click()
    expect(cards.first).to_contain_text("已采用并复制")
    screenshot(page, "agent_desk")

    engine = create_engine(gateway.settings.resolved_feedback_database_url())
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT suggestion_id, action, agent FROM agent_feedback WHERE call_id = :c"),
            {"c": call_id},
        ).all()
    engine.dispose()
    assert [tuple(row) for row in rows] == [(suggestion_id, "used", name)]


def test_web_chat_conversation_with_a_button(gateway: RunningGateway, page: Page) -> None:
    page.goto(gateway.url + "/")
    page.fill("#input", "你好")
    page.click("#send")
    # The first bot message is the page's own welcome; the second is the assistant's greeting.
    greeting = page.locator(".msg.bot").nth(1)
    button = greeting.get_by_role("button", name="法律援助", exact=True)
    expect(button).to_be_visible()
    button.click()
    expect(page.locator(".msg.user").last).to_have_text("法律援助")
    expect(page.locator(".msg.bot").last).to_contain_text("法律援助")
    expect(page.locator(".msg.system")).to_have_count(0)
    assert button.is_disabled()
    screenshot(page, "web_chat")
