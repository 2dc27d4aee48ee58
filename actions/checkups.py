"""An enterprise's request for a free 企业法治体检, submitted to the legal-checkup API."""

from __future__ import annotations

import logging
import re
import uuid
from typing import Any, Dict, List, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import service_client
from actions.forms import OrderedFormValidation, PersonChecks, Slots, checked_slot
from actions.service_client import ServiceError, ServiceUnavailable
from core.masking import mask_name, mask_phone
from core.validation import check_enterprise_name, check_person_name, check_uscc

logger = logging.getLogger(__name__)

# The API's topic names (its contract lists them) and the words people use for each.
TOPIC_WORDS: Tuple[Tuple[str, str], ...] = (
    ("合同管理", r"合同|协议|买卖|采购|供货"),
    ("劳动用工", r"劳动|用工|员工|工资|社保|辞退|加班|工伤"),
    ("知识产权", r"商标|专利|版权|著作权|知识产权|侵权"),
    ("公司治理", r"股东|股权|治理|章程|董事"),
    ("税务合规", r"税|发票"),
    ("行政许可与执法", r"许可|执法|处罚|检查|审批"),
    ("生态环境合规", r"环保|环境|排污|污染|环评"),
    ("数据与个人信息保护", r"数据|个人信息|隐私|网络安全"),
    ("债权债务与融资", r"债|欠款|账款|融资|贷款|担保"),
)
ALL_WORDS = re.compile(r"全面|都(看|查|要)|全部|全都")
SKIP_WORDS = re.compile(r"不知道|说不好|都行|随便|不清楚|其他|别的")


def topics_from(text: str) -> List[str]:
    """The check-up topics a free-text answer names; 其他 when it names none."""
    if ALL_WORDS.search(text):
        return [topic for topic, _ in TOPIC_WORDS]
    found = [topic for topic, words in TOPIC_WORDS if re.search(words, text)]
    return found or ["其他"]


class ValidateLegalCheckupForm(PersonChecks, OrderedFormValidation):
    order = (
        "enterprise_name",
        "uscc",
        "person_name",
        "phone",
        "city",
        "checkup_topics",
        "checkup_confirmed",
    )
    confirmation_slot = "checkup_confirmed"

    def name(self) -> str:
        return "validate_legal_checkup_form"

    async def validate_enterprise_name(
        self, value: Any, slots: Slots, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> Slots:
        return checked_slot("enterprise_name", value, check_enterprise_name, dispatcher)

    async def validate_uscc(
        self, value: Any, slots: Slots, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> Slots:
        return checked_slot("uscc", value, check_uscc, dispatcher)

    async def validate_person_name(
        self, value: Any, slots: Slots, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> Slots:
        problem = "请告诉我联系人的姓名,例如“王芳”。"
        return checked_slot("person_name", value, check_person_name, dispatcher, problem)

    async def validate_city(
        self, value: Any, slots: Slots, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> Slots:
        try:
            await service_client.request("GET", "/v1/halls", params={"city": str(value)})
        except ServiceError as error:
            if error.code != "unknown_city":
                raise
            dispatcher.utter_message(
                text=f"法治体检由辽宁省内各市司法行政部门组织,“{value}”不在其中。请问企业在哪个市?"
            )
            return {"city": None}
        return {"city": str(value)}

    async def validate_checkup_topics(
        self, value: Any, slots: Slots, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> Slots:
        text = " ".join(value) if isinstance(value, list) else str(value)
        return {"checkup_topics": topics_from(text)}

    async def validate_checkup_confirmed(
        self, value: Any, slots: Slots, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> Slots:
        if value is not True:
            return {"checkup_confirmed": None}
        return {
            "checkup_confirmed": True,
            "checkup_key": slots.get("checkup_key") or str(uuid.uuid4()),
        }


class ActionAskCheckupConfirmed(Action):
    def name(self) -> str:
        return "action_ask_checkup_confirmed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        slot = tracker.get_slot
        dispatcher.utter_message(
            text="请核对法治体检申请:\n"
            f"企业:{slot('enterprise_name')}\n统一社会信用代码:{slot('uscc')}\n"
            f"联系人:{mask_name(slot('person_name') or '')} {mask_phone(slot('phone') or '')}\n"
            f"所在市:{slot('city')}\n体检事项:{'、'.join(slot('checkup_topics') or [])}\n"
            "确认提交吗?要修改直接告诉我新的内容。",
            buttons=[
                {"title": "确认提交", "payload": "/affirm"},
                {"title": "不申请了", "payload": "/deny"},
            ],
        )
        return []


CHECKUP_SLOTS = ("checkup_topics", "checkup_confirmed", "checkup_key")


class ActionSubmitLegalCheckup(Action):
    def name(self) -> str:
        return "action_submit_legal_checkup"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        slot = tracker.get_slot
        if slot("checkup_confirmed") is not True:
            return []
        payload: Dict[str, Any] = {
            "enterprise_name": slot("enterprise_name"),
            "uscc": slot("uscc"),
            "contact_name": slot("person_name"),
            "contact_phone": slot("phone"),
            "city": slot("city"),
            "topics": slot("checkup_topics") or ["其他"],
        }
        try:
            created = await service_client.request(
                "POST", "/v1/legal-checkups", json=payload, idempotency_key=slot("checkup_key")
            )
        except ServiceUnavailable:
            dispatcher.utter_message(
                text="申请系统暂时没有响应,申请可能没有提交成功。请稍后说“提交法治体检申请”再试"
                "(不会重复提交),或拨打12345企业专线(按8号键)。"
            )
            return [SlotSet("checkup_confirmed", None)]
        except ServiceError as error:
            dispatcher.utter_message(text=error.message)
            return [SlotSet(name, None) for name in CHECKUP_SLOTS]
        dispatcher.utter_message(
            text=f"法治体检申请已提交,申请编号:{created['request_id']},状态:{created['status']}。"
            "后续安排以当地司法行政部门联系为准,体检不收费。"
        )
        logger.info("legal_checkup_requested", extra={"request_id": created["request_id"]})
        return [SlotSet(name, None) for name in CHECKUP_SLOTS]
