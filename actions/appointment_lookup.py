"""Looking up and cancelling appointments.

The service API shows or cancels an appointment only to whoever gives the phone number, the ID
number or the channel identity (sender id) it was booked with. The booker's own conversation
therefore needs nothing more than the appointment number; anyone else is asked for the phone.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime
from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
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


PHONE_NEEDED = "为保护预约人的信息,查看或取消预约{appointment_id}需要核对预约时留的手机号。"


def proof(tracker: Tracker, phone: Optional[str] = None) -> Dict[str, str]:
    """What shows the service API that this user booked: the sender id, and the phone if given."""
    values = {"channel_user": tracker.sender_id}
    phone = phone or tracker.get_slot("phone")
    if phone:
        values["phone"] = phone
    return values


async def visible_appointment(
    appointment_id: str, tracker: Tracker, phone: Optional[str] = None
) -> Optional[Dict[str, Any]]:
    """The appointment if this user may see it, else None (unknown and not theirs look alike)."""
    try:
        return await service_client.request(
            "GET", f"/v1/appointments/{appointment_id}", params=proof(tracker, phone)
        )
    except ServiceError as error:
        if error.status in (403, 404):
            return None
        raise


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
        appointment_id = tracker.get_slot("appointment_id")
        if not appointment_id:
            return ["phone", "id_number"]
        if tracker.get_slot("phone"):
            return []
        try:
            if await visible_appointment(appointment_id, tracker) is not None:
                return []
        except ServiceUnavailable:
            return []  # the lookup itself tells the user the system is not answering
        if tracker.get_slot(REQUESTED_SLOT) != "phone":
            dispatcher.utter_message(text=PHONE_NEEDED.format(appointment_id=appointment_id))
        return ["phone"]

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
                found = [
                    await service_client.request(
                        "GET", f"/v1/appointments/{appointment_id}", params=proof(tracker)
                    )
                ]
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
            cleared = [SlotSet("appointment_id", None), SlotSet("id_number", None)]
            if isinstance(error, ServiceError) and error.status == 404:
                # A phone that did not match is not kept for the next lookup.
                cleared.append(SlotSet("phone", None))
            return cleared
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


class ValidateAppointmentCancelForm(PersonChecks, OrderedFormValidation):
    """Cancelling needs the appointment id, the phone unless this user booked it, and a yes."""

    order = ("appointment_id", "phone", "cancel_confirmed")
    confirmation_slot = "cancel_confirmed"

    def name(self) -> str:
        return "validate_appointment_cancel_form"

    async def required_slots(
        self,
        domain_slots: List[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[str]:
        appointment_id = tracker.get_slot("appointment_id")
        if appointment_id and not tracker.get_slot("phone"):
            try:
                visible = await visible_appointment(appointment_id, tracker)
            except ServiceUnavailable:
                visible = {}  # the cancellation itself reports the outage
            if visible is None:
                return ["appointment_id", "phone", "cancel_confirmed"]
        return domain_slots

    async def validate_appointment_id(
        self, value: Any, slots: Slots, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> Slots:
        found = check_appointment_id(value)
        if not found:
            return _bad_id(dispatcher)
        appointment = await visible_appointment(found, tracker)
        if appointment is None:
            if tracker.get_slot("phone"):
                dispatcher.utter_message(
                    text=f"没有找到与您留的手机号相符的预约{found}。请核对预约号和预约时留的手机号。"
                )
                return {"appointment_id": None, "phone": None}
            dispatcher.utter_message(text=PHONE_NEEDED.format(appointment_id=found))
            return {"appointment_id": found}
        if appointment["status"] == "cancelled":
            dispatcher.utter_message(text=f"预约{found}已经是取消状态,不用再取消。")
            return {"appointment_id": None}
        return {"appointment_id": found}

    async def validate_phone(
        self, value: Any, slots: Slots, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> Slots:
        checked = await super().validate_phone(value, slots, dispatcher, tracker)
        appointment_id = slots.get("appointment_id")
        if not (checked["phone"] and appointment_id):
            return checked
        if await visible_appointment(appointment_id, tracker, checked["phone"]) is None:
            dispatcher.utter_message(
                text=f"这个手机号与预约{appointment_id}登记的不一致,请核对预约号和预约时留的手机号。"
            )
            return {"phone": None, "appointment_id": None}
        return checked

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
            appointment = await visible_appointment(appointment_id, tracker)
        except (ServiceError, ServiceUnavailable):
            appointment = None
        line = appointment_line(appointment) if appointment else appointment_id
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
                "POST", f"/v1/appointments/{appointment_id}/cancel", json=proof(tracker)
            )
        except ServiceUnavailable:
            dispatcher.utter_message(
                text=f"系统暂时没有响应,预约{appointment_id}可能还没有取消。请稍后再说一次"
                "“取消预约”,或拨打12345。"
            )
            return done
        except ServiceError as error:
            dispatcher.utter_message(text=error.message)
            return [*done, SlotSet("phone", None)] if error.status == 404 else done
        dispatcher.utter_message(text="已取消:" + appointment_line(cancelled))
        logger.info("appointment_cancelled", extra={"appointment_id": appointment_id})
        return done
