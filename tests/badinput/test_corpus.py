"""The bad-input corpus (cases.py), sent to the running gateway and service API.

Each case must get its status, error code and Chinese message; a refused request must leave
the surface's stored state as it was, and a valid request right after must still be served.
No response to bad input is HTML, and whatever a page shows comes back from its JSON API as
data, never as markup.
"""

from __future__ import annotations

from collections import Counter
from contextlib import ExitStack
from typing import Any, Callable, Dict, Iterator, List

import pytest

from tests.conftest import FIGURES

from .cases import CDATA_BREAK, IMG, SCRIPT, SURFACES, Case
from .surfaces import Context, Outcome, World, build_world

CORPUS = [
    pytest.param(surface, case, id=f"{surface}-{case.id}")
    for surface, (_, cases) in SURFACES.items()
    for case in cases
]
HELD: Counter[str] = Counter()
HTML_SINKS = ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with ExitStack() as stack:
        yield build_world(stack, tmp_path_factory.mktemp("badinput"))
    held = sum(HELD.values())
    by_surface = ", ".join(f"{SURFACES[s][0]} {HELD[s]}" for s in SURFACES)
    FIGURES.append(f"bad-input corpus: {len(CORPUS)} cases, {held} held ({by_surface})")


def _strings(value: Any) -> List[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _json_data(outcome: Any) -> Any:
    media_type = outcome.headers.get("content-type", "").split(";")[0].strip()
    assert media_type == "application/json", outcome.headers
    return outcome.json()


def new_web_session(world: World, outcome: Outcome, ctx: Context) -> None:
    """The browser gets a conversation of the gateway's choosing, not the one it claimed."""
    assert "banshi_chat=" in outcome.headers.get("set-cookie", "")
    assert world.rasa.senders[-1].startswith("web:")
    assert "victim123" not in world.rasa.senders[-1]


def web_echo(world: World, outcome: Outcome, ctx: Context) -> None:
    assert _json_data(outcome)["messages"][0]["text"] == "收到:" + SCRIPT


def wechat_echo(world: World, outcome: Outcome, ctx: Context) -> None:
    """The reply's text is exactly what was said: the CDATA break did not become markup."""
    reply = world.peer.reply(_as_response(outcome))
    assert reply is not None
    assert reply["Content"] == "收到:" + CDATA_BREAK, reply


def desk_shows_line(world: World, outcome: Outcome, ctx: Context) -> None:
    calls = _json_data(world.admin.get("/api/agent/calls"))
    call = next(c for c in calls if c["call_id"] == ctx.call + "x")
    assert call["line"] == IMG
    assert SCRIPT not in _strings(call) or call.get("caller") == SCRIPT


def desk_shows_text(world: World, outcome: Outcome, ctx: Context) -> None:
    calls = _json_data(world.admin.get("/api/agent/calls"))
    call = next(c for c in calls if c["call_id"] == ctx.call)
    assert [line["text"] for line in call["transcript"]] == [SCRIPT]


def trainer_shows_text(world: World, outcome: Outcome, ctx: Context) -> None:
    groups = _json_data(outcome)["groups"]
    assert SCRIPT in [i["text"] for g in groups for i in g["items"]]


def served_as_markdown(world: World, outcome: Outcome, ctx: Context) -> None:
    assert outcome.media_type == "text/markdown"


def no_html_sinks(world: World, outcome: Outcome, ctx: Context) -> None:
    """The page's script puts stored text in with textContent, never as HTML."""
    assert outcome.media_type == "text/javascript"
    assert "textContent" in outcome.text
    assert [s for s in HTML_SINKS if s in outcome.text] == []


def nothing_applied(world: World, outcome: Outcome, ctx: Context) -> None:
    assert "summary" in _json_data(outcome)
    assert all(o.get("status") != "applied" for o in outcome.json()["outcomes"])


def service_echo(world: World, outcome: Outcome, ctx: Context) -> None:
    created = _json_data(outcome)
    assert created["enterprise_name"] == SCRIPT + "有限公司"
    again = world.service.get(
        f"/v1/legal-checkups/{created['request_id']}", headers={"X-API-Key": "test-api-key"}
    )
    assert again.headers["content-type"].startswith("application/json")
    assert again.json()["enterprise_name"] == SCRIPT + "有限公司"


CHECKS: Dict[str, Callable[[World, Outcome, Context], None]] = {
    "new-web-session": new_web_session,
    "web-echo": web_echo,
    "wechat-echo": wechat_echo,
    "desk-shows-line": desk_shows_line,
    "desk-shows-text": desk_shows_text,
    "trainer-shows-text": trainer_shows_text,
    "served-as-markdown": served_as_markdown,
    "no-html-sinks": no_html_sinks,
    "nothing-applied": nothing_applied,
    "service-echo": service_echo,
}


def _as_response(outcome: Outcome) -> Any:
    import httpx

    return httpx.Response(outcome.status, headers=outcome.headers, text=outcome.text)


@pytest.mark.parametrize(("surface", "case"), CORPUS)
def test_bad_input_is_refused_and_changes_nothing(world: World, surface: str, case: Case) -> None:
    ctx = world.prepare(surface, case)
    before = world.stored(surface)
    outcome = world.send(surface, case, ctx)

    assert outcome.status == case.status, outcome.text[:500]
    assert outcome.media_type != "text/html", outcome.headers
    if outcome.status >= 400 and not case.raw:
        body = _json_data(outcome)
        assert body["message"] and isinstance(body["message"], str)
        if case.error:
            assert body["error"] == case.error, body
        if case.says:
            assert case.says in body["message"], body
    if case.then:
        CHECKS[case.then](world, outcome, ctx)
    if not case.stores:
        assert world.stored(surface) == before
    world.follow_up(surface, case, ctx)
    HELD[surface] += 1
