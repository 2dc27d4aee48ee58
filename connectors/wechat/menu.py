"""The official account's custom menu (CLICK keys) and the replies that need no dialogue."""

from __future__ import annotations

from typing import Dict

# CLICK keys of the account's menu → intents of docs/intents.md. The keys are what the menu
# definition in the WeChat console (or the menu API) must use.
MENU_INTENTS: Dict[str, str] = {
    "RESIDENCE_PERMIT": "residence_permit",
    "YIJIANSHI": "yijianshi",
    "DRIVER_LICENSE": "driver_license",
    "BUSINESS_REGISTRATION": "business_registration",
    "SOCIAL_SECURITY": "social_security",
    "ENTERPRISE_POLICY": "enterprise_policy",
    "SERVICE_HALL": "service_hall_info",
    "HOTLINE": "hotline_info",
    "LEGAL_CHECKUP": "legal_checkup",
    "LEGAL_AID": "legal_aid",
    "LENIENT_ENFORCEMENT": "lenient_enforcement",
    "CREDIT_REPAIR": "credit_repair",
    "COMPLAINT": "business_complaint",
    "APPOINTMENT_BOOK": "appointment_book",
    "APPOINTMENT_QUERY": "appointment_query",
    "CASE_STATUS": "case_status",
    "HUMAN": "human_handoff",
}


def menu_payload(key: str) -> str:
    """The Rasa payload ("/intent") of a CLICK key, or "" for a key this account does not know."""
    intent = MENU_INTENTS.get(key.strip().upper())
    return f"/{intent}" if intent else ""


# Replies for messages the assistant cannot read; each says what to do instead.
VOICE_UNRECOGNISED = (
    "抱歉,这条语音我没能识别出文字。请您直接打字告诉我要办的事,比如“居住证怎么办”。"
)
IMAGE_REPLY = (
    "收到您的图片,不过我暂时看不懂图片内容。请用文字描述您的问题;"
    "如需提交材料,请通过辽事通APP或到办事窗口办理。"
)
LOCATION_REPLY = (
    "收到您的位置。请告诉我您所在的城市和要办的事,比如“沈阳 居住证怎么办”,"
    "我来说明在哪里办、怎么办。"
)
LINK_REPLY = "收到您分享的链接,我暂时不能打开链接。请用文字说说您想了解什么,我来帮您解答。"
OTHER_REPLY = "抱歉,我暂时只能处理文字和语音消息。请用文字告诉我您要办的事。"
UNKNOWN_MENU_REPLY = "这个菜单项暂时不可用,请直接用文字告诉我您要办的事。"
RASA_DOWN_REPLY = "抱歉,系统暂时繁忙,请稍后再试。急事可拨打12345政务服务便民热线。"
# The shared store (Redis) is unreachable: the message was not taken, so the user resends it.
STORE_DOWN_REPLY = (
    "抱歉,系统暂时繁忙,这条消息没能处理,请稍后再发一次。急事可拨打12345政务服务便民热线。"
)
# The answer was not ready within WeChat's five seconds; it follows as a separate message.
LATER_REPLY = "消息已收到,正在为您查询,稍后回复您。"
