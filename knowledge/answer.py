"""Turns a knowledge entry into a chat answer: text, source line, disclaimer, section buttons."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional

from knowledge.schema import SECTION_LABELS, Entry, Kind

LEGAL_DISCLAIMER = (
    "以上是一般性法律信息,不是针对您具体情况的法律意见。具体问题可拨打12348公共法律服务热线"
    "或咨询律师;企业还可以申请免费的法治体检。"
)
LEGAL_INTENTS = {"legal_question", "legal_aid", "lenient_enforcement", "credit_repair"}
# Words that show an entry's text says whether the person must come themselves.
IN_PERSON_WORDS = (
    "代办",
    "代为",
    "委托",
    "代理",
    "近亲属",
    "监护人",
    "亲自",
    "本人到场",
    "本人前往",
)


@dataclass
class Reply:
    text: str
    buttons: List[Dict[str, str]] = field(default_factory=list)


def needs_disclaimer(entry: Entry) -> bool:
    return entry.kind == Kind.legal or bool(LEGAL_INTENTS & set(entry.intents))


def available_sections(entry: Entry) -> List[str]:
    s = entry.sections
    present = {
        "materials": bool(s.materials),
        "steps": bool(s.steps),
        "where": bool(s.where or s.online or s.contacts),
        "conditions": bool(s.conditions),
        "time_limit": bool(s.time_limit),
        "fees": bool(s.fees),
        "online": bool(s.online),
        "contacts": bool(s.contacts),
        "legal_basis": bool(entry.legal_basis),
        "in_person": bool(in_person_lines(entry)),
    }
    return [name for name in SECTION_LABELS if present[name]]


def in_person_lines(entry: Entry) -> List[str]:
    """What the entry says about coming in person or sending someone else."""
    s = entry.sections
    candidates = [f"{m.name}:{m.note}" if m.note else m.name for m in s.materials]
    candidates += s.conditions + s.steps
    candidates += [part + "。" for part in entry.answer.split("。") if part.strip()]
    return [line for line in candidates if any(w in line for w in IN_PERSON_WORDS)][:3]


# Words that show a sentence of an answer speaks to a section the entry has no field for.
SECTION_WORDS: Dict[str, tuple] = {
    "fees": ("收费", "费用", "免费", "工本费", "不收", "交纳"),
    "materials": ("材料", "证件", "身份证", "证明", "提交", "提供"),
    "where": ("窗口", "派出所", "车辆管理所", "车管所", "大厅", "政务服务中心", "部门"),
    "online": ("网上", "线上", "APP", "app", "小程序", "政务服务网", "12123"),
    "contacts": ("热线", "电话", "拨打"),
    "conditions": ("符合", "条件", "可以申请", "应当具备"),
    "steps": ("先", "再", "然后", "申请", "办理"),
}


TIME_SPAN = re.compile(r"[0-9一二三四五六七八九十两半]+?个?(日|天|周(?!岁)|月|年|分钟|小时|工作日)")


# The words that leave no doubt a sentence is about the section.
STRONG_SECTION_WORDS: Dict[str, tuple] = {
    "fees": ("收费", "费用", "免费", "工本费"),
    "materials": ("材料",),
    "online": ("网上", "线上", "政务服务网", "APP"),
    "contacts": ("热线", "电话"),
}


def section_sentences(entry: Entry, section: str, strict: bool = False) -> Optional[Reply]:
    """The sentences of an entry's answer that speak to a section it has no field for.

    `strict` keeps only sentences that name the section outright ("所需材料因事项而异…").
    """
    if strict and section not in STRONG_SECTION_WORDS:
        return None
    parts = [part + "。" for part in entry.answer.split("。") if part.strip()]
    if section == "time_limit":
        # A sentence says how long only when it names a span ("最短公示3个月", "7至15个工作日").
        said = [part for part in parts if TIME_SPAN.search(part)]
    else:
        table = STRONG_SECTION_WORDS if strict else SECTION_WORDS
        said = [part for part in parts if any(w in part for w in table.get(section, ()))]
    if not said:
        return None
    label = SECTION_LABELS.get(section, section)
    body = "".join(said[:3])
    return Reply(f"{entry.title} · {label}\n{body}\n{_footer(entry)}", section_buttons(entry))


def _footer(entry: Entry) -> str:
    lines = [entry.sources_line()]
    if entry.kind == Kind.policy and entry.source_date:
        lines.append(f"(政策信息时间:{entry.source_date.year}年,以最新发布为准)")
    if needs_disclaimer(entry):
        lines.append(LEGAL_DISCLAIMER)
    return "\n".join(lines)


def section_buttons(entry: Entry, exclude: Optional[str] = None) -> List[Dict[str, str]]:
    return [
        {
            "title": SECTION_LABELS[name],
            "payload": f'/inform{{"kb_entry": "{entry.id}", "kb_section": "{name}"}}',
        }
        for name in available_sections(entry)
        # Buttons offer what a citizen is likely to ask next; the rarer sections stay reachable
        # by asking.
        if name != exclude and name not in ("in_person", "online", "contacts")
    ][:4]


def render_entry(entry: Entry, city: Optional[str] = None, answer: Optional[str] = None) -> Reply:
    """The concise answer of an entry (or `answer`, its sentences reordered), with its sources
    and follow-up buttons."""
    text = (answer or entry.answer).strip()
    if entry.region != "辽宁" and entry.region != city:
        text = f"【{entry.region}】{text}"
    return Reply(f"{text}\n{_footer(entry)}", section_buttons(entry))


def render_section(entry: Entry, section: str) -> Reply:
    """One section of an entry (所需材料, 办理流程, …) as a list."""
    s = entry.sections
    label = SECTION_LABELS.get(section, section)
    lines: List[str] = []
    if section == "materials":
        for m in s.materials:
            flag = "必需" if m.required else "视情况"
            lines.append(f"· {m.name}({flag}){'—' + m.note if m.note else ''}")
    elif section == "steps":
        lines = [f"{i}. {step}" for i, step in enumerate(s.steps, 1)]
    elif section == "where":
        if s.where:
            lines.append(s.where)
        if s.online:
            lines.append("线上渠道:" + "、".join(s.online))
        lines += [f"{c.name}:{c.number}" for c in s.contacts]
    elif section == "legal_basis":
        lines = [f"· {b.cite()}" for b in entry.legal_basis]
    elif section == "conditions":
        lines = [f"· {c}" for c in s.conditions]
    elif section == "time_limit" and s.time_limit:
        lines = [s.time_limit]
    elif section == "fees" and s.fees:
        lines = [s.fees]
    elif section == "online" and s.online:
        lines = ["线上渠道:" + "、".join(s.online)]
    elif section == "contacts":
        lines = [f"{c.name}:{c.number}" for c in s.contacts]
    elif section == "in_person":
        lines = [f"· {line}" for line in in_person_lines(entry)]
    if not lines:
        return Reply(
            f"“{entry.title}”暂时没有{label}的详细信息,具体以当地窗口公布为准,可拨打12345咨询。"
        )
    body = "\n".join(lines)
    return Reply(
        f"{entry.title} · {label}\n{body}\n{_footer(entry)}", section_buttons(entry, section)
    )


def entry_button(entry: Entry) -> Dict[str, str]:
    return {"title": entry.title, "payload": f'/inform{{"kb_entry": "{entry.id}"}}'}


def with_related(reply: Reply, related: List[Entry]) -> Reply:
    """The answer first, then up to three related entries to go on with."""
    if not related:
        return reply
    titles = "、".join(f"“{e.title}”" for e in related[:3])
    return Reply(
        f"{reply.text}\n相关问题:{titles}",
        [*reply.buttons, *(entry_button(e) for e in related[:3])],
    )


CHOICES_TEXT = "我找到几条可能相关的内容,您想了解哪一条?"


def render_choices(entries: List[Entry]) -> Reply:
    """A clarifying question offering candidate entries instead of guessing."""
    return Reply(CHOICES_TEXT, [entry_button(e) for e in entries])


NOT_FOUND = (
    "抱歉,我的知识库里暂时没有能准确回答这个问题的内容,我不想给您不准确的信息。"
    "建议拨打12345政务服务便民热线咨询,或在辽事通APP、辽宁政务服务网查询。"
)
