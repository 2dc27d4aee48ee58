"""Chinese labels for the intents of docs/intents.md, shared by buttons, suggestions and reports."""

from __future__ import annotations

from typing import Dict

from knowledge.intent_groups import (
    DIALOGUE_INTENTS,
    GUIDANCE_INTENTS,
    LEGAL_INTENTS,
    TRANSACTION_INTENTS,
)

ALL_INTENTS = DIALOGUE_INTENTS + GUIDANCE_INTENTS + LEGAL_INTENTS + TRANSACTION_INTENTS

INTENT_LABELS: Dict[str, str] = {
    "greet": "打招呼",
    "goodbye": "结束对话",
    "thank": "表示感谢",
    "affirm": "确认",
    "deny": "否定或不办了",
    "bot_challenge": "问我是不是机器人",
    "human_handoff": "转人工服务",
    "inform": "提供信息",
    "out_of_scope": "其他事项",
    "residence_permit": "居住证办理",
    "yijianshi": "“一件事”集成办理",
    "driver_license": "驾驶证补换领",
    "business_registration": "营业执照与个体户登记",
    "social_security": "社保医保与社保卡",
    "enterprise_policy": "惠企政策与免申即享",
    "service_hall_info": "政务服务中心与办事大厅",
    "hotline_info": "12345热线与企业8号键",
    "legal_checkup": "企业法治体检",
    "legal_aid": "法律援助",
    "lenient_enforcement": "柔性执法与免罚清单",
    "credit_repair": "信用修复与经营异常名录",
    "legal_question": "企业法律问题咨询",
    "business_complaint": "营商环境投诉",
    "appointment_book": "预约办事",
    "appointment_query": "查询我的预约",
    "appointment_cancel": "取消预约",
    "case_status": "查询工单或办件进度",
}


def intent_label(intent: str) -> str:
    """The Chinese label of an intent, or the name itself when unknown."""
    return INTENT_LABELS.get(intent, intent)
