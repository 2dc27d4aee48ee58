"""Plays the multi-turn dialogues of test.yml / dev.yml against a running assistant.

    python -m tests.dialogue.multiturn.runner --url http://127.0.0.1:5005 --set test \
        [--report var/multiturn_test.txt] [--only DIALOGUE_ID ...]

Every dialogue gets its own sender id and is sent turn by turn to the REST channel
(`POST {url}/webhooks/rest/webhook`). Each reply (all bot messages of the turn, joined) is
checked against the turn's `expect` and `reject` lists; the file format is documented at the top
of test.yml. The phrases that identify a menu, a fallback, a goodbye and the other named failure
kinds are read from domain.yml and the code that sends them, so they follow the texts when the
texts change.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
import unicodedata
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Set, Union

import yaml

ROOT = Path(__file__).resolve().parents[3]
HERE = Path(__file__).resolve().parent
SETS = {"test": HERE / "test.yml", "dev": HERE / "dev.yml"}

Message = Dict[str, Any]
Send = Callable[[str, str], List[Message]]
Expectation = Union[str, List[str]]

TURN_KINDS = ("knowledge", "form", "lookup", "control")

# Hallmark phrases, used in addition to those read from domain.yml and the code (a reworded
# text is still caught by the structural check on buttons below).
STATIC_PHRASES: Dict[str, List[str]] = {
    "menu": ["您想了解哪一条", "我找到几条可能相关", "我不太确定您想问的是哪一项"],
    "fallback": ["没能理解", "没太明白", "换个说法"],
    "goodbye": [],
    "greeting": [],
    "not_found": ["知识库里暂时没有能准确回答"],
    "out_of_scope": ["不在我能解答的范围内"],
    "ask_topic": ["请问您想办理或咨询什么事情"],
    "form_unclear": ["没有找到我需要的信息"],
    "stopped": ["没有提交任何信息"],
    "acknowledged": [],
}
# Which domain.yml responses show which failure kind.
DOMAIN_RESPONSES: Dict[str, List[str]] = {
    "fallback": ["utter_ask_rephrase", "utter_default"],
    "goodbye": ["utter_goodbye"],
    "greeting": ["utter_greet"],
    "out_of_scope": ["utter_out_of_scope"],
    "ask_topic": ["utter_ask_topic"],
    "form_unclear": ["utter_form_unclear"],
    "acknowledged": ["utter_ok"],
}
FAILURE_KINDS = tuple(STATIC_PHRASES)

# Button payloads: a knowledge-entry choice (no section) and a bare intent ("/residence_permit").
ENTRY_CHOICE = re.compile(r'^/inform\{[^}]*"kb_entry"')
BARE_INTENT = re.compile(r"^/([a-z_]+)$")
CONTROL_INTENTS = {"affirm", "deny", "out_of_scope", "goodbye", "thank", "greet"}
# A reply whose own text is this short and that offers choices is a menu, however it is worded.
MENU_TEXT_MAX = 60

WEEKDAYS = "一二三四五六日"
PLACEHOLDER = re.compile(r"\{workday:([^}]+)\}")
DATE_PLACEHOLDER = re.compile(r"\{date:([^}]+)\}")


def normalise(text: str) -> str:
    """Width-folded (NFKC), lower-case, without whitespace: how replies and items are compared."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


# --- the dialogue files -------------------------------------------------------------------


@dataclass
class Turn:
    user: Optional[str] = None
    payload: Optional[str] = None
    click: Optional[str] = None
    expect: List[Expectation] = field(default_factory=list)
    reject: List[str] = field(default_factory=list)
    kind: str = "knowledge"

    @property
    def shown(self) -> str:
        """What the user did, for reports."""
        if self.click is not None:
            return f"[点击按钮 {self.click}]"
        return self.user if self.user is not None else str(self.payload)


@dataclass
class Dialogue:
    id: str
    turns: List[Turn]
    note: str = ""


class DialogueFileError(ValueError):
    pass


def _strings(value: Any, where: str, nested: bool) -> List[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise DialogueFileError(f"{where}: must be a list")
    items: List[Any] = []
    for item in value:
        if isinstance(item, list) and nested:
            if not item or not all(isinstance(i, (str, int)) for i in item):
                raise DialogueFileError(f"{where}: an alternative list must hold strings")
            items.append([str(i) for i in item])
        elif isinstance(item, (str, int)) and str(item).strip():
            items.append(str(item))
        else:
            raise DialogueFileError(f"{where}: bad item {item!r}")
    return items


def parse_turn(raw: Any, where: str) -> Turn:
    if not isinstance(raw, dict):
        raise DialogueFileError(f"{where}: a turn must be a mapping")
    unknown = set(raw) - {"user", "payload", "click", "expect", "reject", "kind"}
    if unknown:
        raise DialogueFileError(f"{where}: unknown keys {sorted(unknown)}")
    sends = [k for k in ("user", "payload", "click") if raw.get(k) is not None]
    if len(sends) != 1:
        raise DialogueFileError(f"{where}: exactly one of user / payload / click is needed")
    turn = Turn(
        user=str(raw["user"]) if raw.get("user") is not None else None,
        payload=str(raw["payload"]) if raw.get("payload") is not None else None,
        click=str(raw["click"]) if raw.get("click") is not None else None,
        expect=_strings(raw.get("expect"), f"{where} expect", nested=True),
        reject=_strings(raw.get("reject"), f"{where} reject", nested=False),
        kind=str(raw.get("kind") or "knowledge"),
    )
    if turn.kind not in TURN_KINDS:
        raise DialogueFileError(f"{where}: kind must be one of {TURN_KINDS}")
    if turn.payload is not None and not turn.payload.startswith("/"):
        raise DialogueFileError(f"{where}: a payload starts with /")
    if not (turn.expect or turn.reject):
        raise DialogueFileError(f"{where}: needs an expect or a reject")
    return turn


def parse_dialogues(data: Any, source: str = "<data>") -> List[Dialogue]:
    if not isinstance(data, dict) or not isinstance(data.get("dialogues"), list):
        raise DialogueFileError(f"{source}: top level must be a mapping with a `dialogues` list")
    dialogues: List[Dialogue] = []
    seen: Set[str] = set()
    for index, raw in enumerate(data["dialogues"]):
        if not isinstance(raw, dict) or not raw.get("id") or not raw.get("turns"):
            raise DialogueFileError(f"{source} dialogue #{index}: needs an id and turns")
        dialogue_id = str(raw["id"])
        if dialogue_id in seen:
            raise DialogueFileError(f"{source}: dialogue id {dialogue_id} appears twice")
        seen.add(dialogue_id)
        turns = [
            parse_turn(t, f"{source} {dialogue_id} turn {n}") for n, t in enumerate(raw["turns"], 1)
        ]
        if turns[0].click is not None:
            raise DialogueFileError(f"{source} {dialogue_id}: the first turn cannot be a click")
        dialogues.append(Dialogue(dialogue_id, turns, str(raw.get("note") or "")))
    return dialogues


def load(name_or_path: Union[str, Path]) -> List[Dialogue]:
    """The dialogues of a set ("test", "dev") or of a file."""
    path = SETS.get(str(name_or_path), Path(name_or_path))
    return parse_dialogues(yaml.safe_load(path.read_text(encoding="utf-8")), str(path))


# --- dates ----------------------------------------------------------------------------------


def _is_workday(day: date) -> bool:
    try:
        from core.workcalendar import default_calendar
    except ImportError:  # the Rasa environment has no calendar library
        return day.weekday() < 5
    return default_calendar().status(day).working


def named_day(phrase: str, today: date) -> date:
    """The day 下周三 / 明天 / 后天 names, counted from `today`."""
    if phrase in ("明天", "后天"):
        return today + timedelta(days=1 if phrase == "明天" else 2)
    found = re.fullmatch(r"下(?:周|星期|礼拜)([一二三四五六日天])", phrase)
    if not found:
        raise DialogueFileError(f"unsupported date placeholder {phrase!r}")
    weekday = WEEKDAYS.index(found.group(1).replace("天", "日"))
    return today - timedelta(days=today.weekday()) + timedelta(days=7 + weekday)


def workday(phrase: str, today: Optional[date] = None) -> date:
    """The day `phrase` names, or the first working day after it when it is not one."""
    day = named_day(phrase, today or date.today())
    while not _is_workday(day):
        day += timedelta(days=1)
    return day


def workday_phrase(phrase: str, today: Optional[date] = None) -> str:
    """`phrase` itself when it names a working day, else that next working day as 12月9日."""
    today = today or date.today()
    day = workday(phrase, today)
    return phrase if day == named_day(phrase, today) else f"{day.month}月{day.day}日"


def expand(text: str, today: Optional[date] = None) -> str:
    """User text: `{workday:下周三}` → 下周三, or the next working day (12月10日)."""
    return PLACEHOLDER.sub(lambda m: workday_phrase(m.group(1), today), text)


def expand_expected(text: str, today: Optional[date] = None) -> str:
    """Expected text: `{date:下周三}` → that working day as the bot writes it (12月9日)."""

    def render(match: re.Match) -> str:
        day = workday(match.group(1), today)
        return f"{day.month}月{day.day}日"

    return DATE_PLACEHOLDER.sub(render, text)


# --- failure kinds --------------------------------------------------------------------------


def _lead(text: str) -> str:
    """The opening of a response text: enough of it to recognise, little enough to survive an
    appended sentence (its first sentence, or two when the first is very short)."""
    norm = normalise(text)
    parts = re.split(r"(?<=[。!?])", norm)
    lead = ""
    for part in parts:
        lead += part
        if len(lead) >= 5:
            break
    return lead.strip()


def _domain_responses(root: Path) -> Dict[str, List[str]]:
    files = [root / "domain.yml"] if (root / "domain.yml").exists() else []
    if (root / "domain").is_dir():
        files += sorted((root / "domain").rglob("*.yml"))
    responses: Dict[str, List[str]] = {}
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for name, variants in (data.get("responses") or {}).items():
            for variant in variants or []:
                if isinstance(variant, dict) and variant.get("text"):
                    responses.setdefault(name, []).append(str(variant["text"]))
    return responses


def _literal_texts(path: Path, class_hint: str) -> List[str]:
    """String literals passed as `text=` to utter_message inside classes named like
    `class_hint` in a source file."""
    if not path.exists():
        return []
    found: List[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.ClassDef) and class_hint in node.name):
            continue
        for call in ast.walk(node):
            if not isinstance(call, ast.Call):
                continue
            for keyword in call.keywords:
                value = keyword.value
                if keyword.arg == "text" and isinstance(value, ast.Constant):
                    found.append(str(value.value))
    return found


def _code_phrases(root: Path) -> Dict[str, List[str]]:
    phrases: Dict[str, List[str]] = {"menu": [], "not_found": []}
    try:
        from knowledge import answer

        phrases["menu"].append(answer.render_choices([]).text)
        phrases["not_found"].append(answer.NOT_FOUND)
    except Exception:  # the module is being reworked; the static phrases still apply
        pass
    phrases["menu"] += _literal_texts(root / "actions" / "dialogue.py", "AskAffirmation")
    return phrases


@dataclass
class Phrases:
    """Per failure kind, the normalised phrases whose presence in a reply shows it."""

    by_kind: Dict[str, List[str]]

    @classmethod
    def from_project(cls, root: Path = ROOT) -> Phrases:
        by_kind = {kind: [normalise(p) for p in words] for kind, words in STATIC_PHRASES.items()}
        responses = _domain_responses(root)
        for kind, names in DOMAIN_RESPONSES.items():
            for name in names:
                by_kind[kind] += [_lead(text) for text in responses.get(name, [])]
        for kind, texts in _code_phrases(root).items():
            by_kind[kind] += [_lead(text) for text in texts]
        return cls({k: sorted({p for p in v if p}) for k, v in by_kind.items()})


def reply_text(messages: Sequence[Message]) -> str:
    return "\n".join(str(m.get("text") or "") for m in messages)


def _disclaimers() -> List[str]:
    try:
        from knowledge import answer

        return [str(answer.LEGAL_DISCLAIMER)]
    except Exception:  # renamed or moved: the hallmark lines below still apply
        return []


DISCLAIMERS = _disclaimers()
# Every legal answer ends with a disclaimer naming 12348, lawyers and the free 法治体检; a line
# with these hallmarks is boilerplate, not an answer, and is left out when matching `expect`.
DISCLAIMER_HALLMARKS = ("一般性法律信息", "不是针对您具体情况", "不构成法律意见")


def answer_text(messages: Sequence[Message]) -> str:
    """The reply without its legal disclaimer: what `expect` and literal `reject` items see."""
    text = reply_text(messages)
    for disclaimer in DISCLAIMERS:
        text = text.replace(disclaimer, "")
    lines = text.split("\n")
    return "\n".join(line for line in lines if not any(h in line for h in DISCLAIMER_HALLMARKS))


def reply_buttons(messages: Sequence[Message]) -> List[Dict[str, str]]:
    return [b for m in messages for b in m.get("buttons") or []]


def is_choice_menu(messages: Sequence[Message]) -> bool:
    """A short question offering several knowledge entries or topics to pick from."""
    for message in messages:
        payloads = [str(b.get("payload") or "") for b in message.get("buttons") or []]
        entries = [p for p in payloads if ENTRY_CHOICE.match(p) and '"kb_section"' not in p]
        intents = [
            m.group(1)
            for m in (BARE_INTENT.match(p) for p in payloads)
            if m and m.group(1) not in CONTROL_INTENTS
        ]
        short = len(normalise(str(message.get("text") or ""))) <= MENU_TEXT_MAX
        if short and (len(entries) >= 2 or (intents and "/out_of_scope" in payloads)):
            return True
    return False


def shown_kinds(messages: Sequence[Message], phrases: Phrases) -> Set[str]:
    """The failure kinds a reply shows."""
    text = normalise(reply_text(messages))
    kinds = {k for k, words in phrases.by_kind.items() if any(w in text for w in words)}
    if is_choice_menu(messages):
        kinds.add("menu")
    return kinds


def _present(item: str, text: str) -> bool:
    if item.startswith("re:"):
        return re.search(item[3:], text) is not None
    return normalise(item) in text


def check(
    turn: Turn, messages: Sequence[Message], phrases: Phrases, today: Optional[date] = None
) -> List[str]:
    """What is wrong with the reply to `turn`; empty when the turn passes."""
    text = normalise(answer_text(messages))
    problems: List[str] = []
    if not normalise(reply_text(messages)):
        problems.append("empty reply")
    for item in turn.expect:
        alternatives = item if isinstance(item, list) else [item]
        alternatives = [expand_expected(a, today) for a in alternatives]
        if not any(_present(a, text) for a in alternatives):
            problems.append("missing " + " | ".join(alternatives))
    kinds = shown_kinds(messages, phrases)
    for item in turn.reject:
        if item in FAILURE_KINDS:
            if item in kinds:
                problems.append(f"shows {item}")
        elif _present(expand_expected(item, today), text):
            problems.append(f"contains rejected {item}")
    return problems


def click_payload(title: str, messages: Sequence[Message]) -> Optional[str]:
    """The payload of the button titled `title` (exactly, else the first containing it)."""
    buttons = reply_buttons(messages)
    for wanted in (lambda t: t == title, lambda t: title in t):
        for button in buttons:
            if wanted(str(button.get("title") or "")):
                return str(button.get("payload") or "")
    return None


# --- playing ---------------------------------------------------------------------------------


CAUSES = (
    ("missing ", "missing expected text"),
    ("contains rejected ", "contains rejected text"),
    ("no button titled ", "button to click not offered"),
    ("request failed", "request failed"),
)


def cause_of(problem: str) -> str:
    """The kind of a problem, for the summary: "shows menu", "missing expected text", …"""
    return next((cause for prefix, cause in CAUSES if problem.startswith(prefix)), problem)


@dataclass
class Failure:
    dialogue: str
    turn: int
    user: str
    reply: str
    problems: List[str]
    shown: List[str] = field(default_factory=list)

    @property
    def reply_kind(self) -> str:
        """What the user got instead: a named failure kind, or an answer lacking the point."""
        if not self.reply.strip():
            return "no reply"
        return ", ".join(self.shown) or "an answer without what was expected"

    def render(self) -> str:
        reply = self.reply.strip().replace("\n", "\n      ") or "(nothing)"
        return (
            f"[{self.dialogue}] turn {self.turn}: {self.user}\n"
            f"  failed: {'; '.join(self.problems)}\n"
            f"  got:    {self.reply_kind}\n"
            f"  reply:  {reply}"
        )


@dataclass
class Result:
    turns_total: int = 0
    turns_passed: int = 0
    dialogues_total: int = 0
    dialogues_passed: int = 0
    knowledge_turns: int = 0
    knowledge_menus: int = 0
    failures: List[Failure] = field(default_factory=list)

    @property
    def turn_rate(self) -> float:
        return self.turns_passed / self.turns_total if self.turns_total else 0.0

    @property
    def dialogue_rate(self) -> float:
        return self.dialogues_passed / self.dialogues_total if self.dialogues_total else 0.0

    @property
    def menu_share(self) -> float:
        return self.knowledge_menus / self.knowledge_turns if self.knowledge_turns else 0.0

    def summary(self) -> str:
        return (
            f"multi-turn dialogues: turn pass rate {self.turn_rate:.3f} "
            f"({self.turns_passed}/{self.turns_total}), dialogue success "
            f"{self.dialogue_rate:.3f} ({self.dialogues_passed}/{self.dialogues_total}), "
            f"menu share {self.menu_share:.3f} ({self.knowledge_menus}/{self.knowledge_turns})"
        )

    def causes(self) -> Counter:
        """Failed turns per cause (a turn may have several)."""
        counts: Counter = Counter()
        for failure in self.failures:
            counts.update({cause_of(problem) for problem in failure.problems})
        return counts

    def reply_kinds(self) -> Counter:
        """Failed turns by what the reply was (menu, fallback, …, or a wrong answer)."""
        return Counter(failure.reply_kind for failure in self.failures)

    def breakdown(self) -> List[str]:
        lines = ["failed turns by cause:"]
        lines += [f"  {cause}: {n}" for cause, n in self.causes().most_common()]
        lines += ["failed turns by what the reply was:"]
        lines += [f"  {kind}: {n}" for kind, n in self.reply_kinds().most_common()]
        return lines

    def report(self) -> str:
        lines = [self.summary(), "", *self.breakdown()]
        lines += ["", *(f.render() + "\n" for f in self.failures)]
        return "\n".join(lines)


def play(
    dialogues: Iterable[Dialogue],
    send: Send,
    phrases: Optional[Phrases] = None,
    today: Optional[date] = None,
    tag: str = "mt",
    show: Optional[Callable[[str], None]] = None,
) -> Result:
    """Play every dialogue with its own sender id through `send(sender, message)`."""
    phrases = phrases or Phrases.from_project()
    result = Result()
    run_id = uuid.uuid4().hex[:8]
    for dialogue in dialogues:
        sender = f"{tag}-{dialogue.id}-{run_id}"
        result.dialogues_total += 1
        passed_all = True
        previous: List[Message] = []
        for number, turn in enumerate(dialogue.turns, 1):
            result.turns_total += 1
            problems: List[str] = []
            messages: List[Message] = []
            if turn.click is not None:
                message = click_payload(turn.click, previous)
                if message is None:
                    problems.append(f"no button titled {turn.click} in the previous reply")
            else:
                message = expand(turn.user, today) if turn.user is not None else turn.payload
            if message is not None:
                try:
                    messages = send(sender, message)
                except Exception as error:  # a broken turn is reported, the run goes on
                    problems.append(f"request failed: {type(error).__name__}: {error}")
                problems += check(turn, messages, phrases, today) if not problems else []
            if turn.kind == "knowledge":
                result.knowledge_turns += 1
                if "menu" in shown_kinds(messages, phrases):
                    result.knowledge_menus += 1
            if show:
                verdict = "FAIL " + "; ".join(problems) if problems else "ok"
                show(f"[{dialogue.id}] {number} {turn.shown} -> {verdict}")
                show("    " + reply_text(messages).replace("\n", "\n    "))
            if problems:
                passed_all = False
                shown = sorted(shown_kinds(messages, phrases))
                result.failures.append(
                    Failure(dialogue.id, number, turn.shown, reply_text(messages), problems, shown)
                )
            else:
                result.turns_passed += 1
            previous = messages
        result.dialogues_passed += passed_all
    return result


def rest_sender(url: str, timeout: float = 60) -> Send:
    """`send` for a running Rasa server's REST channel."""
    import httpx

    client = httpx.Client(timeout=timeout)

    def send(sender: str, message: str) -> List[Message]:
        response = client.post(
            f"{url.rstrip('/')}/webhooks/rest/webhook",
            json={"sender": sender, "message": message},
        )
        response.raise_for_status()
        return list(response.json())

    return send


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:5005", help="the Rasa server")
    parser.add_argument("--set", default="test", help="test, dev, or a dialogue file")
    parser.add_argument("--report", type=Path, help="write every failure to this file")
    parser.add_argument("--only", nargs="*", help="play only these dialogue ids")
    parser.add_argument("--show", action="store_true", help="print every turn and reply")
    args = parser.parse_args(argv)
    dialogues = load(args.set)
    if args.only:
        dialogues = [d for d in dialogues if d.id in set(args.only)]
    tag = "mt-" + re.sub(r"[^a-z0-9]", "", Path(args.set).stem.lower())[:8]
    result = play(dialogues, rest_sender(args.url), tag=tag, show=print if args.show else None)
    print(result.summary())
    print("\n".join(result.breakdown()))
    if args.report:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(result.report(), encoding="utf-8")
        print(f"failures written to {args.report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
