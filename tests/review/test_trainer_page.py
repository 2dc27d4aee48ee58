"""The /trainer page in the gateway, in headless Chromium (the system's, via Playwright)."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path
from typing import Iterator

import httpx
import pytest
import uvicorn
from playwright.sync_api import expect, sync_playwright

from bot.gateway.app import create_app
from bot.review.apply import Workspace
from bot.review.inbox import Candidate, Inbox
from bot.review.nludata import load_examples
from bot.settings import Settings
from tests.gateway.fixtures import STAFF_PASSWORD, add_account, logged_in

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"
TRAINER = "zhang.wei"
MESSAGE = "俺那铺子不想干了咋把证销了"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Gateway:
    """The real gateway app served by uvicorn in a thread, with review paths in a temp dir."""

    def __init__(self, settings: Settings, port: int) -> None:
        self.settings = settings
        config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.url = f"http://127.0.0.1:{port}"

    def __enter__(self) -> Gateway:
        self.thread.start()
        deadline = time.monotonic() + 90
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("gateway did not start")
            time.sleep(0.1)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


@pytest.fixture
def gateway(tmp_path: Path, workspace: Workspace) -> Iterator[Gateway]:
    var = tmp_path / "var"
    settings = Settings(
        var_dir=var,
        cookie_secure=False,  # plain http on loopback
        review_nlu_dir=workspace.nlu_dir,
        review_knowledge_dir=workspace.knowledge_dir,
        rasa_port=free_port(),
    )
    inbox = Inbox(settings.review_database_path)
    inbox.add(Candidate("tracker", "t:1", MESSAGE, "deny", 0.28, "fallback"))
    inbox.close()
    add_account(settings, TRAINER, "trainer")
    with Gateway(settings, free_port()) as running:
        yield running


def test_api_rejects_a_visitor_and_an_unknown_intent(gateway: Gateway) -> None:
    items = httpx.get(f"{gateway.url}/api/trainer/items")
    assert items.status_code == 401
    assert items.json()["message"] == "请先登录"
    with logged_in(gateway.url, gateway.settings, "trainer") as trainer:
        (group,) = trainer.get("/api/trainer/items").json()["groups"]
        item_id = group["items"][0]["id"]
        response = trainer.post(
            f"/api/trainer/items/{item_id}/label", json={"intent": "shop_closing"}
        )
        assert response.status_code == 422
        assert "未知意图" in response.json()["message"]
        missing = trainer.post("/api/trainer/items/999/label", json={"intent": "deny"})
        assert missing.status_code == 404


def test_trainer_logs_in_labels_an_item_and_applies_it(
    gateway: Gateway, workspace: Workspace
) -> None:
    if not CHROMIUM.exists():
        pytest.fail("system Chromium missing: run scripts/install-chromium.sh")
    counted = len(load_examples(workspace.nlu_dir))
    with sync_playwright() as playwright:
        # --no-sandbox: the tests may run as root in a container, where the sandbox cannot start.
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"]
        )
        page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 900})
        page.set_default_timeout(30_000)
        page.goto(f"{gateway.url}/trainer")
        page.fill("#name", TRAINER)
        page.fill("#password", "wrong-password")
        page.click("#login button[type=submit]")
        expect(page.locator("#login-error")).to_have_text("用户名或密码错误")

        page.fill("#password", STAFF_PASSWORD)
        page.click("#login button[type=submit]")
        expect(page).to_have_url(f"{gateway.url}/trainer")
        row = page.locator(".item", has_text=MESSAGE)
        expect(row).to_be_visible()
        expect(page.locator(".group h2")).to_contain_text("deny")
        row.locator("select[name=intent]").select_option("business_registration")
        row.locator("button[type=submit]").click()
        expect(page.locator("#message")).to_contain_text("已标注")

        page.click("#apply")
        expect(page.locator("#message")).to_contain_text("已应用 1 条")
        page.get_by_role("button", name="已应用").click()
        expect(page.locator(".item", has_text=MESSAGE)).to_contain_text("business_registration")
        expect(page.locator("#audit")).to_contain_text("apply")
        # The audit trail names the trainer who labelled and applied, not a shared token.
        expect(page.locator("#audit tr", has_text="apply").first).to_contain_text(TRAINER)
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "trainer.png"), full_page=True)
        browser.close()

    examples = load_examples(workspace.nlu_dir)
    assert len(examples) == counted + 1
    assert any(e.intent == "business_registration" and e.text == MESSAGE for e in examples)
