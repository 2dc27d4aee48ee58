"""Checking a trainer's label before it is stored: only names of the contract are accepted."""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence

from core import intents as contract

from . import taxonomy
from .inbox import Inbox, Item
from .nludata import AnnotationError, annotate


class LabelError(ValueError):
    """A label the trainer has to correct; the message says how, in Chinese."""


def check_label(
    item: Item, intent: str, entities: Sequence[Dict[str, str]], kb_entry: str
) -> List[Dict[str, str]]:
    """Validate a label for `item`; returns the cleaned entities."""
    if not intent and not kb_entry:
        raise LabelError("请选择一个意图,或填写知识条目编号")
    if intent and intent not in contract.intents():
        raise LabelError(f"未知意图“{intent}”,意图名称见 docs/intents.md")
    if kb_entry and kb_entry not in taxonomy.knowledge_entries():
        raise LabelError(f"没有编号为“{kb_entry}”的知识条目")
    if entities and not intent:
        raise LabelError("标注实体时也要选择意图")
    cleaned: List[Dict[str, str]] = []
    for entity in entities:
        name = str(entity.get("entity", "")).strip()
        surface = str(entity.get("text", "")).strip()
        value = str(entity.get("value", "") or "").strip()
        if name not in contract.entities():
            raise LabelError(f"未知实体类型“{name}”,实体名称见 docs/intents.md")
        if "*" in surface:
            raise LabelError(f"“{surface}”是脱敏后的内容,不能标注为实体")
        cleaned.append({"entity": name, "text": surface, **({"value": value} if value else {})})
    try:
        annotate(item.text, cleaned)
    except AnnotationError as error:
        raise LabelError(str(error)) from error
    return cleaned


def label_item(
    inbox: Inbox,
    item_id: int,
    actor: str,
    intent: str = "",
    entities: Optional[Sequence[Dict[str, str]]] = None,
    kb_entry: str = "",
) -> Item:
    """Store a checked label; the item waits for `apply`."""
    item = inbox.get(item_id)
    if item.status == "applied":
        raise LabelError(f"第 {item_id} 条已经应用到训练数据,不能再修改")
    cleaned = check_label(item, intent, entities or [], kb_entry)
    return inbox.update(
        item_id,
        "label",
        actor,
        status="labelled",
        label_intent=intent,
        label_entities=cleaned,
        label_kb_entry=kb_entry,
        note="",
    )


def dismiss_item(inbox: Inbox, item_id: int, actor: str, note: str = "") -> Item:
    """Nothing to learn from this one (noise, a test message)."""
    if inbox.get(item_id).status == "applied":
        raise LabelError(f"第 {item_id} 条已经应用到训练数据,不能忽略")
    return inbox.update(item_id, "dismiss", actor, status="dismissed", note=note)
