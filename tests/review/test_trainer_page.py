"""The /trainer page in the gateway, in headless Chromium (the system's, via Playwright)."""

from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import httpx
import pytest
import uvicorn
from playwright.sync_api import Page, expect, sync_playwright

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
PHONE = "13812345678"
FOLLOW_UP = "在哪办"
BEFORE = f"外地户口在沈阳怎么办居住证 我电话{PHONE}"
PERMIT_ANSWER = "外地户口在沈阳办居住证,需要先办理居住登记满半年。"
MENU = "您想了解哪一条?"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Gateway:
    """The real gateway app served by uvicorn in a thread, with review paths in a temp dir."""

    def __init__(self, settings: Settings, port: int) -> None:
        self.settings = settings
        self.app = create_app(settings)
        config = uvicorn.Config(self.app, host="127.0.0.1", port=port)
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


@contextmanager
def chromium_page(height: int = 900) -> Iterator[Page]:
    """A page of the system's headless Chromium."""
    if not CHROMIUM.exists():
        pytest.fail("system Chromium missing: run scripts/install-chromium.sh")
    with sync_playwright() as playwright:
        # --no-sandbox: the tests may run as root in a container, where the sandbox cannot start.
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"]
        )
        page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": height})
        page.set_default_timeout(30_000)
        yield page
        browser.close()


def log_in(page: Page, url: str, name: str = TRAINER) -> None:
    page.goto(f"{url}/trainer")
    page.fill("#name", name)
    page.fill("#password", STAFF_PASSWORD)
    page.click("#login button[type=submit]")


@pytest.fixture
def gateway(tmp_path: Path, workspace: Workspace) -> Iterator[Gateway]:
    var = tmp_path / "var"
    settings = Settings(
        var_dir=var,
        cookie_secure=False,  # plain http on loopback
        review_nlu_dir=workspace.nlu_dir,
        review_knowledge_dir=workspace.knowledge_dir,
        review_dialogue_file=tmp_path / "review_dialogues.yml",
        rasa_port=free_port(),
    )
    inbox = Inbox(settings.review_database_path)
    inbox.add(Candidate("tracker", "t:1", MESSAGE, "deny", 0.28, "fallback"))
    context = [
        {"role": "user", "text": BEFORE},
        {"role": "bot", "text": PERMIT_ANSWER},
        {"role": "user", "text": FOLLOW_UP, "current": True},
        {"role": "bot", "text": MENU},
    ]
    ranking = [{"name": "residence_permit", "confidence": 0.41}]
    inbox.add(
        Candidate(
            "tracker",
            "t:2",
            FOLLOW_UP,
            "residence_permit",
            0.41,
            "low_confidence",
            conversation="5f1c0e2a9b7d3c11",
            context=context,
            ranking=ranking,
            answer=MENU,
        )
    )
    inbox.close()
    add_account(settings, TRAINER, "trainer")
    with Gateway(settings, free_port()) as running:
        yield running


def test_api_rejects_a_visitor_and_an_unknown_intent(gateway: Gateway) -> None:
    items = httpx.get(f"{gateway.url}/api/trainer/items")
    assert items.status_code == 401
    assert items.json()["message"] == "请先登录"
    with logged_in(gateway.url, gateway.settings, "trainer") as trainer:
        groups = trainer.get("/api/trainer/items").json()["groups"]
        (item_id,) = [i["id"] for g in groups for i in g["items"] if i["text"] == MESSAGE]
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
    counted = len(load_examples(workspace.nlu_dir))
    with chromium_page() as page:
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
        # The item sits in the group of the intent the model predicted.
        expect(page.locator(".group", has=row).locator("h2")).to_contain_text("deny")
        row.locator("select[name=intent]").select_option("business_registration")
        # The list is drawn again before the label is saved (a training ending, a tab clicked):
        # the choice made stays.
        page.get_by_role("button", name="待标注", exact=True).click()
        expect(row.locator("select[name=intent]")).to_have_value("business_registration")
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

    examples = load_examples(workspace.nlu_dir)
    assert len(examples) == counted + 1
    assert any(e.intent == "business_registration" and e.text == MESSAGE for e in examples)


def _item_id(client: httpx.Client, text: str) -> int:
    groups = client.get("/api/trainer/items").json()["groups"]
    (found,) = [i["id"] for g in groups for i in g["items"] if i["text"] == text]
    return int(found)


def test_an_item_comes_with_its_conversation_and_becomes_a_dialogue_case(
    gateway: Gateway,
) -> None:
    with logged_in(gateway.url, gateway.settings, "trainer") as trainer:
        groups = trainer.get("/api/trainer/items").json()["groups"]
        (item,) = [i for g in groups for i in g["items"] if i["text"] == FOLLOW_UP]
        turns = [(t["role"], t["text"]) for t in item["conversation"]["context"]]
        assert turns[0] == ("user", "外地户口在沈阳怎么办居住证 我电话138****5678")
        assert turns[2:] == [("user", FOLLOW_UP), ("bot", MENU)]
        assert item["conversation"]["ranking"][0]["name"] == "residence_permit"

        first = trainer.post(f"/api/trainer/items/{_item_id(trainer, MESSAGE)}/followup")
        assert first.status_code == 422
        assert "之前没有用户的消息" in first.json()["message"]
        done = trainer.post(f"/api/trainer/items/{item['id']}/followup")
        assert done.status_code == 200, done.text
        assert done.json()["status"] == "followup"
        cases = gateway.settings.review_dialogue_file.read_text(encoding="utf-8")
        assert f"review_{item['id']}" in cases and PHONE not in cases
        audit = trainer.get("/api/trainer/audit").json()
        assert audit[0]["action"] == "followup"
    # Without the CSRF token a decision is refused, whoever sends it.
    with logged_in(gateway.url, gateway.settings, "trainer") as trainer:
        del trainer.headers["X-CSRF-Token"]
        refused = trainer.post(f"/api/trainer/items/{item['id']}/knowledge-gap", json={})
        assert refused.status_code == 403


def test_knowledge_gaps_are_listed_and_exported_for_trainers_only(gateway: Gateway) -> None:
    assert httpx.get(f"{gateway.url}/api/trainer/gaps").status_code == 401
    with logged_in(gateway.url, gateway.settings, "agent") as agent:
        assert agent.get("/api/trainer/gaps").status_code == 403
        assert agent.get("/api/trainer/gaps/export").status_code == 403
    with logged_in(gateway.url, gateway.settings, "trainer") as trainer:
        assert trainer.get("/api/trainer/gaps").json()["groups"] == []
        item_id = _item_id(trainer, FOLLOW_UP)
        marked = trainer.post(
            f"/api/trainer/items/{item_id}/knowledge-gap", json={"note": "没有办理地点"}
        )
        assert marked.json()["status"] == "knowledge_gap"
        (group,) = trainer.get("/api/trainer/gaps").json()["groups"]
        assert (group["question"], group["count"]) == (FOLLOW_UP, 1)
        assert group["items"][0]["conversations"][0]["context"][2]["current"] is True
        exported = trainer.get("/api/trainer/gaps/export")
        assert exported.status_code == 200
        assert "attachment" in exported.headers["content-disposition"]
        assert f"用户:{FOLLOW_UP} ←" in exported.text and PHONE not in exported.text
        assert trainer.get("/api/trainer/audit").json()[0]["action"] == "gaps_export"


def test_trainer_sees_the_conversation_and_sends_a_gap_to_the_editors_list(
    gateway: Gateway,
) -> None:
    with chromium_page() as page:
        log_in(page, gateway.url)
        row = page.locator(".item", has_text=MENU)
        # The turn before, the item itself highlighted, the answer it got, the ranking.
        expect(row.locator(".turn.user").first).to_contain_text("我电话138****5678")
        expect(row.locator(".turn.current")).to_have_text(f"用户{FOLLOW_UP}")
        expect(row.locator(".turn.bot").last).to_contain_text(MENU)
        expect(row.locator(".ranking")).to_contain_text("residence_permit 0.41")
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "trainer_conversation.png"), full_page=True)

        row.get_by_role("button", name="知识缺口").click()
        expect(page.locator("#message")).to_contain_text("已列入知识缺口")
        expect(page.locator(".item", has_text=MENU)).to_have_count(0)
        page.click("#gaps-link")
        expect(page).to_have_url(f"{gateway.url}/trainer/gaps")
        group = page.locator(".group").first
        expect(group.locator("h2")).to_have_text(FOLLOW_UP)
        expect(group).to_contain_text("提问 1 次")
        group.locator("summary").first.click()
        expect(group.locator(".turn.current")).to_have_text(f"用户:{FOLLOW_UP}")
        page.screenshot(path=str(SCREENSHOTS / "knowledge_gaps.png"), full_page=True)
        with page.expect_download() as download:
            page.click("#export")
        saved = download.value.path()
        assert f"用户:{FOLLOW_UP} ←" in Path(saved).read_text(encoding="utf-8")
