"""Booking a service-hall appointment: the form's checks, its questions and the booking itself."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, ClassVar, Dict, List, Optional, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
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
from actions.slots import (
    Window,
    choose,
    day_note,
    describe,
    describe_window,
    next_free,
    slot_buttons,
    window_from,
)
from core.clock import now_cn
from core.masking import mask_id_number, mask_name, mask_phone
from knowledge.followup import Topic

logger = logging.getLogger(__name__)

COMMON_SERVICES = ("驾驶证补换领", "居住证办理", "营业执照办理", "社保卡办理")


async def halls_for(city: str, service: str) -> List[Dict[str, Any]]:
    body = await service_client.request(
        "GET", "/v1/halls", params={"city": city, "service": service}
    )
    return list(body.get("halls") or [])


def set_in_previous_turn(tracker: Tracker, slot: str) -> bool:
    """Whether `slot` was given a value by the reply to the message before the latest one."""
    users_seen = 0
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            users_seen += 1
            if users_seen == 2:
                return False
        elif users_seen == 1 and event.get("event") == "slot" and event.get("name") == slot:
            return event.get("value") is not None
    return False


def topic_service(tracker: Tracker) -> Optional[str]:
    """The service a booking asked for right after a knowledge answer is about.

    The answer's topic names its service by the canonical name of knowledge/services.yml, the
    name the booking's `service_item` takes, so "居住证怎么办" → "帮我预约一下" books 居住证办理
    without asking again. Only when the form starts, the topic was set by the reply just
    before, and the message names no service itself; whether the service can be booked is
    the service API's to say, in `validate_service_item`.
    """
    if (tracker.active_loop or {}).get("name") == "appointment_form":
        return None
    if next(tracker.get_latest_entity_values("service_item"), None) is not None:
        return None
    if not set_in_previous_turn(tracker, "kb_topic"):
        return None
    topic = Topic.from_slot(tracker.get_slot("kb_topic"))
    return topic.service if topic else None


class ValidateAppointmentForm(PersonChecks, OrderedFormValidation):
    """Checks each value of a booking in order and picks the slot once hall and time are known."""

    order = (
        "service_item",
        "city",
        "hall_id",
        "appointment_time",
        "person_name",
        "phone",
        "id_number",
        "booking_confirmed",
    )
    depends: ClassVar[Dict[str, Tuple[str, ...]]] = {
        "service_item": ("hall_id", "appointment_time"),
        "city": ("hall_id", "appointment_time"),
        "hall_id": ("appointment_time",),
    }
    confirmation_slot = "booking_confirmed"

    def name(self) -> str:
        return "validate_appointment_form"

    async def extract_service_item(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        """The service of the answer just given, when the booking is asked right after it."""
        service = topic_service(tracker)
        return {} if service is None else {"service_item": service}

    async def validate_service_item(
        self, value: Any, slots: Slots, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> Slots:
        try:
            await service_client.request("GET", "/v1/halls", params={"service": str(value)})
        except ServiceError as error:
            if error.code != "unknown_service":
                raise
            dispatcher.utter_message(
                text=f"“{value}”暂不支持在线预约,可以预约的有{'、'.join(COMMON_SERVICES)}等。"
                "请问您要预约哪一项?",
            )
            return {"service_item": None}
        if str(value) == topic_service(tracker):
            dispatcher.utter_message(
                text=f"好的,为您预约的事项是“{value}”。要办别的事项,直接告诉我事项名称。"
            )
        if slots.get("city") and "city" not in tracker.slots_to_validate():
            # The city came first: now that the service is known, its hall can be settled.
            known = {**slots, "service_item": str(value)}
            return {"service_item": str(value)} | await self.validate_city(
                slots["city"], known, dispatcher, tracker
            )
        return {"service_item": str(value)}

    async def validate_city(
        self, value: Any, slots: Slots, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> Slots:
        if not slots.get("service_item"):
            return {"city": str(value)}
        try:
            halls = await halls_for(str(value), slots["service_item"])
        except ServiceError as error:
            if error.code != "unknown_city":
                raise
            dispatcher.utter_message(
                text=f"目前只能预约辽宁省内14个市的政务服务大厅,“{value}”不在其中。请问您在哪个市办理?"
            )
            return {"city": None}
        if not halls:
            dispatcher.utter_message(
                text=f"{value}暂时没有可在线预约“{slots['service_item']}”的大厅,请换一个市,"
                "或拨打12345咨询。"
            )
            return {"city": None}
        return {"city": str(value), "hall_id": halls[0]["hall_id"] if len(halls) == 1 else None}

    async def validate_hall_id(
        self, value: Any, slots: Slots, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> Slots:
        if not (slots.get("city") and slots.get("service_item")):
            return {"hall_id": None}
        halls = await halls_for(slots["city"], slots["service_item"])
        if str(value) not in {hall["hall_id"] for hall in halls}:
            dispatcher.utter_message(text="请从列出的大厅中选一个。")
            return {"hall_id": None}
        return {"hall_id": str(value)}

    async def validate_appointment_time(
        self, value: Any, slots: Slots, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> Slots:
        window = window_from(value, tracker)
        if window is None:
            dispatcher.utter_message(text="没听明白是哪天几点,请说得具体些,比如“下周三上午”。")
            return {"appointment_time": None, "appointment_window": None}
        if window.end <= now_cn():
            dispatcher.utter_message(
                text=f"{describe_window(window)}已经过去了,请换一个以后的时间。"
            )
            return {"appointment_time": None, "appointment_window": None}
        # The slot is chosen after all values of this turn are known (see after_validation).
        return {"appointment_time": None, "appointment_window": window.encode()}

    async def validate_booking_confirmed(
        self, value: Any, slots: Slots, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> Slots:
        if value is not True:
            return {"booking_confirmed": None}
        # The key of this content: every retry of this booking, on any replica, sends it.
        return {"booking_confirmed": True, "booking_key": booking_key(booking_payload(slots))}

    async def after_validation(
        self, slots: Slots, incoming: Slots, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> Slots:
        window = Window.decode(slots.get("appointment_window") or "")
        if slots.get("appointment_time") or not window:
            return {}
        if not (slots.get("hall_id") and slots.get("service_item")):
            return {}
        choice = await choose(slots["hall_id"], slots["service_item"], window)
        if choice.slot:
            return {"appointment_time": choice.slot.start.isoformat(), "booking_confirmed": None}
        text = choice.problem
        if choice.alternatives:
            text += "最近还有这些时间可约,点一下就行,也可以说别的时间:"
        dispatcher.utter_message(text=text, buttons=slot_buttons(choice.alternatives) or None)
        return {"appointment_time": None, "appointment_window": None}


def booking_payload(slots: Dict[str, Any]) -> Dict[str, Any]:
    """The booking as the service API takes it: person, service, hall and slot."""
    return {
        "hall_id": slots.get("hall_id"),
        "service": slots.get("service_item"),
        "start": slots.get("appointment_time"),
        "name": slots.get("person_name"),
        "phone": slots.get("phone"),
        "id_number": slots.get("id_number"),
    }


def booking_key(payload: Dict[str, Any]) -> str:
    """The Idempotency-Key of a confirmed booking, derived from its content alone."""
    return service_client.content_key("appointment", payload)


class ActionAskHallId(Action):
    """Which hall, when the city has more than one that offers the service."""

    def name(self) -> str:
        return "action_ask_hall_id"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        try:
            halls = await halls_for(tracker.get_slot("city"), tracker.get_slot("service_item"))
        except (ServiceError, ServiceUnavailable) as error:
            service_problem(dispatcher, error)
            return []
        buttons = [
            {"title": hall["name"], "payload": intent_payload("inform", hall_id=hall["hall_id"])}
            for hall in halls
        ]
        dispatcher.utter_message(text="这个市有几个大厅可以办,请选一个:", buttons=buttons)
        return []


class ActionAskAppointmentTime(Action):
    """When, with the next free slots as buttons."""

    def name(self) -> str:
        return "action_ask_appointment_time"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        text = "您想约哪天什么时间?可以直接说,比如“下周三上午”“11月28日下午3点”。"
        try:
            free = await next_free(
                tracker.get_slot("hall_id"), tracker.get_slot("service_item"), now_cn()
            )
        except (ServiceError, ServiceUnavailable) as error:
            logger.warning("slots_unavailable", extra={"error": type(error).__name__})
            free = []
        if free:
            text += "最近可约的时间:"
        dispatcher.utter_message(text=text, buttons=slot_buttons(free) or None)
        return []


async def hall_name(hall_id: str) -> str:
    try:
        hall = await service_client.request("GET", f"/v1/halls/{hall_id}")
    except (ServiceError, ServiceUnavailable):
        return hall_id
    return str(hall.get("name") or hall_id)


async def booking_summary(tracker: Tracker) -> str:
    start = datetime.fromisoformat(tracker.get_slot("appointment_time"))
    hall_id, service = tracker.get_slot("hall_id"), tracker.get_slot("service_item")
    note = await day_note(hall_id, service, start.date())
    return (
        f"事项:{service}\n"
        f"地点:{await hall_name(hall_id)}\n"
        f"时间:{describe(start)}\n"
        f"预约人:{mask_name(tracker.get_slot('person_name') or '')}\n"
        f"手机:{mask_phone(tracker.get_slot('phone') or '')}\n"
        f"身份证:{mask_id_number(tracker.get_slot('id_number') or '')}"
        + (f"\n注意:{note}。" if note else "")
    )


class ActionAskBookingConfirmed(Action):
    """Read the booking back and ask for a yes before anything is sent."""

    def name(self) -> str:
        return "action_ask_booking_confirmed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        dispatcher.utter_message(
            text="请核对预约信息:\n" + await booking_summary(tracker) + "\n确认无误请点“确认预约”;"
            "要修改直接告诉我,比如“改成周二下午”。",
            buttons=[
                {"title": "确认预约", "payload": "/affirm"},
                {"title": "不办了", "payload": "/deny"},
            ],
        )
        return []


BOOKING_SLOTS = (
    "hall_id",
    "appointment_time",
    "appointment_window",
    "booking_confirmed",
    "booking_key",
    "id_number",
)


class ActionSubmitAppointment(Action):
    """Book the confirmed slot; a lost answer is retried with the same key, never booked twice."""

    def name(self) -> str:
        return "action_submit_appointment"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        if tracker.get_slot("booking_confirmed") is not True:
            return []
        payload = booking_payload(tracker.slots)
        try:
            booked = await service_client.request(
                "POST",
                "/v1/appointments",
                # The channel identity lets this user see and cancel the booking later.
                json={**payload, "channel_user": tracker.sender_id},
                idempotency_key=booking_key(payload),
            )
        except ServiceUnavailable:
            # The key stays: if the booking did go through, asking again returns that booking.
            dispatcher.utter_message(
                text="预约系统暂时没有响应,这次预约可能没有成功。请过一会儿说“确认预约”再试一次"
                "(不会重复预约),或拨打12345由人工帮您预约。"
            )
            return [SlotSet("booking_confirmed", None), FollowupAction("appointment_form")]
        except ServiceError as error:
            dispatcher.utter_message(text=error.message)
            if error.code == "already_booked":
                dispatcher.utter_message(text="说“查询我的预约”可以查看或取消已有的预约。")
            if error.code == "slot_full":
                retry = [SlotSet("appointment_time", None), SlotSet("booking_key", None)]
                return [
                    *retry,
                    SlotSet("booking_confirmed", None),
                    FollowupAction("appointment_form"),
                ]
            return [SlotSet(name, None) for name in BOOKING_SLOTS]
        hall = booked["hall"]
        note = booked.get("calendar_note")
        dispatcher.utter_message(
            text=f"预约成功!预约号:{booked['appointment_id']}\n"
            f"{hall['name']},{describe(datetime.fromisoformat(booked['start']))},"
            f"办理“{booked['service']}”。\n"
            + (f"注意:{note}。\n" if note else "")
            + "请带好身份证和所需材料按时到达。需要取消可以说“取消预约”并提供预约号。",
        )
        logger.info("appointment_booked", extra={"appointment_id": booked["appointment_id"]})
        return [
            *(SlotSet(name, None) for name in BOOKING_SLOTS),
            SlotSet("appointment_id", booked["appointment_id"]),
        ]
