"""A whole 12345 call on the agent desk in headless Chromium: the work order at the call's end."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timezone

from playwright.sync_api import Page, expect

from tests.gateway.fixtures import STAFF_PASSWORD, RunningGateway, add_account
from tests.gateway.test_browser import browser, page, pytestmark, screenshot

__all__ = ["browser", "page", "pytestmark"]

NUMBER = "13912345678"


def start(gateway: RunningGateway, call_id: str) -> None:
    now = datetime.now(timezone.utc).isoformat()
    body = {"call_id": call_id, "caller_number": NUMBER, "started_at": now}
    assert gateway.hotline("call-started", body).status_code == 200


def say(gateway: RunningGateway, call_id: str, speaker: str, words: str) -> None:
    body = {"call_id": call_id, "speaker": speaker, "text": words}
    assert gateway.hotline("utterance", body).status_code == 200


def test_a_whole_call_ends_with_a_dispatchable_work_order(
    gateway: RunningGateway, page: Page
) -> None:
    # The same number called last week about another matter.
    earlier = "earlier-" + uuid.uuid4().hex[:8]
    start(gateway, earlier)
    say(gateway, earlier, "caller", "营业执照经营范围变更要什么材料")
    gateway.hotline(
        "call-ended", {"call_id": earlier, "ended_at": datetime.now(timezone.utc).isoformat()}
    )

    name = "desk-" + uuid.uuid4().hex[:6]
    add_account(gateway.settings, name, "agent")
    page.goto(f"{gateway.url}/login?next=/agent")
    page.fill("#name", name)
    page.fill("#password", STAFF_PASSWORD)
    page.click("#login button[type=submit]")
    expect(page.locator("#status")).to_contain_text("已连接")

    call_id = "whole-" + uuid.uuid4().hex[:8]
    start(gateway, call_id)
    expect(page.locator("#earlier")).to_contain_text("营业执照与个体户登记")
    say(gateway, call_id, "agent", "您好,12345热线,请讲")
    say(
        gateway, call_id, "caller", "我们是沈阳市宏达机械有限公司,公司被列入经营异常名录了,咋移出来"
    )
    say(gateway, call_id, "agent", "请问是因为什么原因被列入的?")
    # Details that NLU alone reads as other matters: the call's subject stays.
    say(gateway, call_id, "caller", "去年的年报忘了报了")
    say(gateway, call_id, "caller", "下周就要签合同了,对方要查我们信用")
    say(gateway, call_id, "caller", "信用代码91210102MA0P5K8C75")

    order = page.locator("#workorder")
    expect(order).to_contain_text("信用修复与经营异常名录")
    expect(order).to_contain_text("沈阳市市场监督管理局")
    expect(page.locator("#entities")).to_contain_text("91210102MA0P5K8C75")
    expect(page.locator("#summary")).to_have_value(re.compile("沈阳市宏达机械有限公司"))
    expect(page.locator("#suggestions .card").first).to_contain_text("异常")
    assert gateway.hotline("call-ended", {"call_id": call_id}).status_code == 200
    expect(page.locator("#call-title")).to_contain_text("已结束")

    # The agent sends the order elsewhere with one click, and writes the summary their way.
    runner_up = page.locator("#runners-up button.runner-up").first
    other = (runner_up.text_content() or "").removeprefix("改派:").split("(")[0]
    runner_up.click()
    expect(order).to_contain_text(f"{other}(坐席选定)")
    page.fill("#summary", "沈阳市宏达机械有限公司因未报2025年度年报被列入经营异常名录,申请移出。")
    page.click("#summary-save")
    expect(page.locator("#summary-composed")).to_contain_text("系统摘要")
    screenshot(page, "agent_desk_whole_call")

    with gateway.login("agent") as desk:
        call = next(c for c in desk.get("/api/agent/calls").json() if c["call_id"] == call_id)
    filed = call["assist"]["work_order"]
    assert filed["department"] == other and filed["department_pinned"]
    assert filed["summary_edited"] and filed["summary"].startswith("沈阳市宏达机械有限公司因")
    assert NUMBER not in str(call)
