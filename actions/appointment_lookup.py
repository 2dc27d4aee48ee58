"""Looking up and cancelling appointments."""

from __future__ import annotations

import logging
import re
from datetime import datetime
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import service_client
from actions.forms import (
    OrderedFormValidation,
    PersonChecks,
    Slots,
    intent_payload,
    service_problem,
)
from actions.service_client import ServiceError, ServiceUnavailable
from actions.slots import describe

logger = logging.getLogger(__name__)

APPOINTMENT_ID = re.compile(r"AP[0-9A-HJ-NP-Z]{8}")
STATUS_LABELS = {"booked": "已预约", "cancelled": "已取消"}


def check_appointment_id(raw: Any) -> str:
    """The appointment id in upper case, or "" when it is not one."""
    text = re.sub(r"\s+", "", str(raw)).upper()
    found = APPOINTMENT_ID.search(text)
    return found.group() if found else ""


def appointment_line(appointment: Dict[str, Any]) -> str:
    start = datetime.fromisoformat(appointment["start"])
    status = STATUS_LABELS.get(appointment["status"], appointment["status"])
    return (
        f"{appointment['appointment_id']} [{status}] {describe(start)} "
        f"{appointment['hall']['name']} · {appointment['service']}"
    )


def _bad_id(dispatcher: CollectingDispatcher) -> Slots:
    dispatcher.utter_message(
        text="预约号是AP开头的10位编号(如AP7K3M9Q2X),在预约成功的消息里可以找到,请核对后再发给我。"
    )
    return {"appointment_id": None}


class ValidateAppointmentQueryForm(PersonChecks, OrderedFormValidation):
    """A lookup needs the appointment id, or the phone number and ID number used to book."""

    order = ("appointment_id", "phone", "id_number")

    def name(self) -> str:
        return "validate_appointment_query_form"

    async def required_slots(
        self,
        domain_slots: List[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[str]:
        if tracker.get_slot("appointment_id"):
            return []
        return ["phone", "id_number"]

    async def validate_appointment_id(
        self, value: Any, slots: Slots, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> Slots:
        found = check_appointment_id(value)
        return {"appointment_id": found} if found else _bad_id(dispatcher)


class ActionQueryAppointment(Action):
    """Show the appointment asked for, or all of the person's appointments."""

    def name(self) -> str:
        return "action_query_appointment"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        appointment_id = tracker.get_slot("appointment_id")
        try:
            if appointment_id:
                found = [await service_client.request("GET", f"/v1/appointments/{appointment_id}")]
            else:
                body = await service_client.request(
                    "GET",
                    "/v1/appointments",
                    params={
                        "phone": tracker.get_slot("phone") or "",
                        "id_number": tracker.get_slot("id_number") or "",
                    },
                )
                found = list(body.get("appointments") or [])
        except (ServiceError, ServiceUnavailable) as error:
            service_problem(dispatcher, error)
            return [SlotSet("appointment_id", None), SlotSet("id_number", None)]
        if not found:
            dispatcher.utter_message(
                text="没有查到您名下的预约。请核对手机号和身份证号是否与预约时一致。"
            )
            return [SlotSet("id_number", None)]
        booked = [a for a in found if a["status"] == "booked"]
        dispatcher.utter_message(
            text="查到以下预约:\n" + "\n".join(appointment_line(a) for a in found[:5]),
            buttons=[
                {
                    "title": f"取消 {a['appointment_id']}",
                    "payload": intent_payload(
                        "appointment_cancel", appointment_id=a["appointment_id"]
                    ),
                }
                for a in booked[:3]
            ]
            or None,
        )
        return [SlotSet("id_number", None), SlotSet("appointment_id", None)]


class ValidateAppointmentCancelForm(OrderedFormValidation):
    """Cancelling needs the appointment id, shown back, and a yes."""

    order = ("appointment_id", "cancel_confirmed")
    confirmation_slot = "cancel_confirmed"

    def name(self) -> str:
        return "validate_appointment_cancel_form"

    async def validate_appointment_id(
        self, value: Any, slots: Slots, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> Slots:
        found = check_appointment_id(value)
        if not found:
            return _bad_id(dispatcher)
        appointment = await service_client.request("GET", f"/v1/appointments/{found}")
        if appointment["status"] == "cancelled":
            dispatcher.utter_message(text=f"预约{found}已经是取消状态,不用再取消。")
            return {"appointment_id": None}
        return {"appointment_id": found}

    async def validate_cancel_confirmed(
        self, value: Any, slots: Slots, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> Slots:
        return {"cancel_confirmed": True if value is True else None}


class ActionAskCancelConfirmed(Action):
    def name(self) -> str:
        return "action_ask_cancel_confirmed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        appointment_id = tracker.get_slot("appointment_id")
        try:
            appointment = await service_client.request("GET", f"/v1/appointments/{appointment_id}")
            line = appointment_line(appointment)
        except (ServiceError, ServiceUnavailable):
            line = appointment_id
        dispatcher.utter_message(
            text=f"要取消这个预约吗?\n{line}",
            buttons=[
                {"title": "确认取消", "payload": "/affirm"},
                {"title": "不取消了", "payload": "/deny"},
            ],
        )
        return []


class ActionCancelAppointment(Action):
    """Cancel once confirmed; cancelling twice is harmless by the API's contract."""

    def name(self) -> str:
        return "action_cancel_appointment"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        appointment_id = tracker.get_slot("appointment_id")
        done = [SlotSet("cancel_confirmed", None), SlotSet("appointment_id", None)]
        if tracker.get_slot("cancel_confirmed") is not True or not appointment_id:
            return done
        try:
            cancelled = await service_client.request(
                "POST", f"/v1/appointments/{appointment_id}/cancel"
            )
        except ServiceUnavailable:
            dispatcher.utter_message(
                text=f"系统暂时没有响应,预约{appointment_id}可能还没有取消。请稍后再说一次"
                "“取消预约”,或拨打12345。"
            )
            return done
        except ServiceError as error:
            dispatcher.utter_message(text=error.message)
            return done
        dispatcher.utter_message(text="已取消:" + appointment_line(cancelled))
        logger.info("appointment_cancelled", extra={"appointment_id": appointment_id})
        return done
