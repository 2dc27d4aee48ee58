"""What the transaction forms share: ordered validation, service errors, stopping a form.

Rasa validates each extracted slot on its own; a booking needs them in order (the hall depends on
the city, the slot on the hall and the time), and one message often carries several values
("下周三上午在沈阳办驾照"). `OrderedFormValidation` therefore validates the values of a turn in the
form's order, each step seeing the results of the steps before it.
"""

from __future__ import annotations

import json
import logging
from abc import abstractmethod
from typing import Any, Awaitable, Callable, ClassVar, Dict, List, Optional, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT, FormValidationAction
from rasa_sdk.types import DomainDict

from actions.service_client import ServiceError, ServiceUnavailable
from core.choices import Payload, match_choice, parse_payload
from core.validation import Checked, check_id_number, check_person_name, check_phone

logger = logging.getLogger(__name__)

UNAVAILABLE = (
    "抱歉,业务系统暂时连接不上,这一步没有办成,您填写的内容不会丢失。请稍后再说一次,"
    "或拨打12345政务服务便民热线由人工帮您办理。"
)

Slots = Dict[str, Any]
# A step gets the value and the slots so far, and returns the slots it changes.
Step = Callable[[Any, Slots, CollectingDispatcher, Tracker], Awaitable[Slots]]


def intent_payload(intent: str, **entities: str) -> str:
    """A button payload that sends `intent` with `entities`, as Rasa parses "/intent{...}"."""
    return f"/{intent}{json.dumps(entities, ensure_ascii=False)}"


def service_problem(dispatcher: CollectingDispatcher, error: Exception) -> None:
    """Tell the user what went wrong with a service call, in words they can act on."""
    if isinstance(error, ServiceError):
        dispatcher.utter_message(text=error.message)
    else:
        dispatcher.utter_message(text=UNAVAILABLE)


class OrderedFormValidation(FormValidationAction):
    """Validates a turn's values in `order`; subclasses define `validate_<slot>` coroutines."""

    order: ClassVar[Tuple[str, ...]] = ()
    # Changing one of these keys clears the slots listed for it (a new city needs a new hall).
    depends: ClassVar[Dict[str, Tuple[str, ...]]] = {}
    confirmation_slot: ClassVar[Optional[str]] = None

    @abstractmethod
    def name(self) -> str:
        """The validation action's name, validate_<form>."""

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        """Rasa's extraction, plus a typed reply that names one of the buttons just offered:
        it fills the slots the button's payload would have filled."""
        events = await super().get_extraction_events(dispatcher, tracker, domain)
        chosen = typed_choice(tracker)
        if chosen is None:
            return events
        required = await self.required_slots(self.domain_slots(domain), dispatcher, tracker, domain)
        requested = tracker.get_slot(REQUESTED_SLOT)
        values = slots_from_payload(chosen, domain, required, self.form_name(), requested)
        if values:
            logger.info("form_typed_choice", extra={"form": self.name(), "slots": sorted(values)})
            tracker.slots.update(values)
        return [*events, *(SlotSet(name, value) for name, value in values.items())]

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        incoming = tracker.slots_to_validate()
        slots: Slots = {**tracker.slots, **incoming}
        changes: Slots = {}
        for name in self.order:
            if name not in incoming or incoming[name] is None:
                continue
            for cleared in self.depends.get(name, ()):
                if cleared not in incoming:
                    slots[cleared] = changes[cleared] = None
            step = getattr(self, f"validate_{name}", None)
            try:
                result = await step(incoming[name], slots, dispatcher, tracker) if step else {}
            except (ServiceError, ServiceUnavailable) as error:
                logger.warning("form_service_error", extra={"form": self.name(), "slot": name})
                service_problem(dispatcher, error)
                result = {name: None}
            if name not in result:
                result[name] = incoming[name]
            slots.update(result)
            changes.update(result)
        changes.update(await self.after_validation(slots, incoming, dispatcher, tracker))
        confirming = self.confirmation_slot
        if confirming and incoming and confirming not in incoming:
            # Anything changed after the summary was shown must be confirmed again.
            changes[confirming] = None
        return [SlotSet(name, value) for name, value in changes.items()]

    async def after_validation(
        self, slots: Slots, incoming: Slots, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> Slots:
        """Work that needs several validated slots at once; nothing by default."""
        return {}


def offered_buttons(tracker: Tracker) -> List[Dict[str, Any]]:
    """The buttons of the assistant's last message that had any, in the turn just answered."""
    seen_current = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_current:
                break
            seen_current = True
        elif seen_current and event.get("event") == "bot":
            buttons = (event.get("data") or {}).get("buttons") or []
            if buttons:
                return [b for b in buttons if isinstance(b, dict)]
    return []


def typed_choice(tracker: Tracker) -> Optional[Payload]:
    """The payload of the offered button the latest message names by typing, if exactly one."""
    text = str(tracker.latest_message.get("text") or "")
    if not text or text.startswith("/"):
        return None  # empty, or a click: Rasa has read the payload itself
    buttons = offered_buttons(tracker)
    index = match_choice(text, [str(b.get("title") or "") for b in buttons])
    return None if index is None else parse_payload(str(buttons[index].get("payload") or ""))


def slots_from_payload(
    payload: Payload,
    domain: DomainDict,
    slot_names: List[str],
    form: str,
    requested: Optional[str],
) -> Dict[str, Any]:
    """What the domain's slot mappings would fill from a click on `payload` while `form` asks
    for `requested`, for `slot_names`."""
    values: Dict[str, Any] = {}
    for name in slot_names:
        for mapping in (domain.get("slots") or {}).get(name, {}).get("mappings") or []:
            if not _intent_allowed(mapping, payload.intent):
                continue
            if not _conditions_hold(mapping, form, requested):
                continue
            kind = mapping.get("type")
            if kind == "from_entity" and mapping.get("entity") in payload.entities:
                values[name] = payload.entities[mapping["entity"]]
                break
            if kind == "from_intent":
                values[name] = mapping.get("value")
                break
    return values


def _conditions_hold(mapping: Dict[str, Any], form: str, requested: Optional[str]) -> bool:
    conditions = mapping.get("conditions") or []
    return not conditions or any(
        c.get("active_loop") in (None, form) and c.get("requested_slot") in (None, requested)
        for c in conditions
    )


def _intent_allowed(mapping: Dict[str, Any], intent: str) -> bool:
    def names(key: str) -> List[str]:
        value = mapping.get(key) or []
        return [value] if isinstance(value, str) else list(value)

    wanted, refused = names("intent"), names("not_intent")
    return (not wanted or intent in wanted) and intent not in refused


def checked_slot(
    slot: str,
    value: Any,
    check: Callable[[str], Checked],
    dispatcher: CollectingDispatcher,
    problem: str = "",
) -> Slots:
    """The slot set to the cleaned value, or emptied with the reason told to the user."""
    result = check(str(value))
    if not result.ok:
        dispatcher.utter_message(text=problem or result.problem)
    return {slot: result.value}


class PersonChecks:
    """Checks of the personal details several forms ask for."""

    async def validate_person_name(
        self, value: Any, slots: Slots, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> Slots:
        return checked_slot("person_name", value, check_person_name, dispatcher)

    async def validate_phone(
        self, value: Any, slots: Slots, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> Slots:
        return checked_slot("phone", value, check_phone, dispatcher)

    async def validate_id_number(
        self, value: Any, slots: Slots, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> Slots:
        return checked_slot("id_number", value, check_id_number, dispatcher)


FORM_SLOTS: Dict[str, Tuple[str, ...]] = {
    "appointment_form": (
        "hall_id",
        "appointment_time",
        "appointment_window",
        "person_name",
        "booking_confirmed",
        "booking_key",
    ),
    "appointment_query_form": (),
    "appointment_cancel_form": ("cancel_confirmed",),
    "case_status_form": (),
    "legal_checkup_form": ("checkup_topics", "checkup_confirmed", "checkup_key"),
}
FORM_NAMES = {
    "appointment_form": "预约",
    "appointment_query_form": "预约查询",
    "appointment_cancel_form": "取消预约",
    "case_status_form": "进度查询",
    "legal_checkup_form": "法治体检申请",
}


class ActionStopForm(Action):
    """The user said no or "不办了" mid-form: stop, submit nothing, forget what was typed."""

    def name(self) -> str:
        return "action_stop_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        form = (tracker.active_loop or {}).get("name") or ""
        label = FORM_NAMES.get(form, "办理")
        dispatcher.utter_message(text=f"好的,已停止{label},没有提交任何信息。需要时随时再找我。")
        cleared = [SlotSet(slot, None) for slot in FORM_SLOTS.get(form, ())]
        # ID numbers are asked for one task only; they are not kept once it ends.
        cleared.append(SlotSet("id_number", None))
        return [ActiveLoop(None), SlotSet(REQUESTED_SLOT, None), *cleared]
