"""The work-order draft (工单) an agent files after a call, filled in as the call goes on."""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence, Tuple

from .dispatch import dispatch
from .models import DepartmentChoice, WorkOrder
from .subject import CASE_URGE, answer_intent, category_label
from .summary import Summary

ENTERPRISE_INTENTS = frozenset(
    {
        "business_registration",
        "enterprise_policy",
        "legal_checkup",
        "lenient_enforcement",
        "credit_repair",
        "business_complaint",
    }
)

# What an agent needs to file each kind of work order, in the order worth asking for it.
REQUIRED: Dict[str, Tuple[str, ...]] = {
    CASE_URGE: ("case_number",),
    "business_complaint": ("enterprise_name", "city", "uscc"),
    "credit_repair": ("enterprise_name", "uscc", "city"),
    "legal_checkup": ("enterprise_name", "city", "uscc"),
    "enterprise_policy": ("enterprise_name", "city"),
    "business_registration": ("city", "enterprise_name"),
    "lenient_enforcement": ("enterprise_name", "city"),
    "case_status": ("case_number",),
    "appointment_book": ("city", "service_item", "time"),
    "appointment_query": ("phone",),
    "appointment_cancel": ("appointment_id",),
    "residence_permit": ("city",),
    "driver_license": ("city",),
    "social_security": ("city",),
    "yijianshi": ("city", "service_item"),
    "service_hall_info": ("city",),
    "legal_aid": ("city",),
    "legal_question": ("city",),
}
QUESTIONS: Dict[str, str] = {
    "enterprise_name": "请问企业的全称是什么?",
    "uscc": "请提供企业的统一社会信用代码(18位)。",
    "city": "请问您是在哪个城市办理或遇到的这个问题?",
    "district": "请问具体是哪个区县?",
    "case_number": "请提供工单号或案号,我帮您查询进度。",
    "service_item": "请问您要办理的是哪一项业务?",
    "time": "您希望预约哪一天、什么时间段?",
    "phone": "请提供预约时登记的手机号码。",
    "appointment_id": "请提供预约编号。",
}
FIELD_LABELS: Dict[str, str] = {
    "enterprise_name": "企业名称",
    "uscc": "统一社会信用代码",
    "city": "城市",
    "district": "区县",
    "case_number": "工单号/案号",
    "service_item": "事项",
    "time": "时间",
    "phone": "联系电话",
    "id_number": "身份证号",
    "appointment_id": "预约编号",
    "person": "来电人",
}
URGENT_WORDS = ("拘留", "人身安全", "威胁", "自杀", "打人", "着火", "紧急")
PRESSING_WORDS = (
    "马上",
    "今天",
    "明天",
    "来不及",
    "截止",
    "到期",
    "急",
    "欠薪",
    "拖欠",
    "停产",
    "停业",
)


def required_fields(category: Optional[str]) -> Tuple[str, ...]:
    """The fields a work order of `category` needs (a category key of subject.py)."""
    if not category:
        return ()
    return REQUIRED.get(category) or REQUIRED.get(answer_intent(category) or "", ())


def missing_fields(category: Optional[str], entities: Dict[str, str]) -> List[str]:
    return [name for name in required_fields(category) if not entities.get(name)]


def next_question(category: Optional[str], entities: Dict[str, str]) -> str:
    """What the agent should ask next to complete the work order, or "" when nothing is missing."""
    missing = missing_fields(category, entities)
    return QUESTIONS[missing[0]] if missing else ""


def urgency(intent: Optional[str], caller_texts: Sequence[str]) -> str:
    text = "".join(caller_texts)
    if any(word in text for word in URGENT_WORDS):
        return "紧急"
    if intent == "business_complaint" or any(word in text for word in PRESSING_WORDS):
        return "较急"
    return "一般"


def draft(
    intent: Optional[str],
    caller_texts: Sequence[str],
    entities: Dict[str, str],
    summary: Summary,
    pinned: bool = False,
) -> WorkOrder:
    """The work order as far as the call has filled it in; `intent` is the call's category key."""
    fields = {FIELD_LABELS.get(k, k): v for k, v in entities.items()}
    route = dispatch(intent, " ".join(caller_texts), entities.get("city"))
    return WorkOrder(
        category=category_label(intent),
        intent=intent or "",
        pinned=pinned,
        summary=summary.text,
        summary_edited=summary.edited,
        summary_composed=summary.composed,
        department=route.department,
        department_confidence=route.confidence,
        runners_up=[
            DepartmentChoice(department=c.department, score=c.score, verified=c.verified)
            for c in route.runners_up
        ],
        urgency=urgency(intent, caller_texts),  # type: ignore[arg-type]
        fields=fields,
        missing=[FIELD_LABELS.get(m, m) for m in missing_fields(intent, entities)],
    )
