"""Where a 12345 work order, a service application (办件) or a court case stands."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Dict, List
from urllib.parse import quote

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import service_client
from actions.forms import OrderedFormValidation, Slots, service_problem
from actions.service_client import ServiceError, ServiceUnavailable
from core.clock import CN_TZ
from core.formats import check_case_number
from knowledge.followup import Topic

# A bare code someone typed as a case number: letters, digits and the punctuation of case numbers.
CODE_LIKE = re.compile(r"[A-Za-z0-9()()\-_/]{5,40}")


class ValidateCaseStatusForm(OrderedFormValidation):
    order = ("case_number",)

    def name(self) -> str:
        return "validate_case_status_form"

    async def extract_case_number(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        """A code typed when asked for the number, which NLU reads as case_status ("GD2026…"),
        a label the domain's from_text mapping skips: validated, so a wrong format is told."""
        if tracker.get_slot("requested_slot") != "case_number":
            return {}
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        text = (tracker.latest_message.get("text") or "").strip()
        if intent == "case_status" and CODE_LIKE.fullmatch(text) and re.search(r"\d", text):
            return {"case_number": text}
        return {}

    async def validate_case_number(
        self, value: Any, slots: Slots, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> Slots:
        case, problem = check_case_number(str(value))
        if case is None:
            dispatcher.utter_message(text=problem + "。请核对后重新发送编号。")
            return {"case_number": None}
        return {"case_number": case.number}


def timeline(case: Dict[str, Any]) -> str:
    """The case's history as lines people read top to bottom, oldest first."""
    lines = []
    for event in case.get("history") or []:
        moment = datetime.fromisoformat(event["time"]).astimezone(CN_TZ)
        note = f":{event['note']}" if event.get("note") else ""
        lines.append(f"· {moment:%Y-%m-%d %H:%M} {event['status']}{note}")
    return "\n".join(lines)


class ActionCaseStatus(Action):
    def name(self) -> str:
        return "action_case_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        number = tracker.get_slot("case_number")
        done: List[EventType] = [SlotSet("case_number", None)]
        if not number:
            return done
        try:
            case = await service_client.request("GET", f"/v1/cases/{quote(number, safe='')}")
        except ServiceError as error:
            if error.code == "case_not_found":
                dispatcher.utter_message(
                    text=f"没有查到编号{number}。请核对编号;刚提交的诉求可能要稍后才能查到,"
                    "也可以拨打12345查询。"
                )
            else:
                service_problem(dispatcher, error)
            return done
        except ServiceUnavailable as error:
            service_problem(dispatcher, error)
            return done
        dispatcher.utter_message(
            text=f"{case['kind_label']} {case['case_number']}\n"
            f"事项:{case['title']}\n当前状态:{case['status']}(承办:{case['department']})\n"
            f"办理经过:\n{timeline(case)}"
        )
        # "能催一下吗" next is about this case.
        topic = Topic("case", case=case["case_number"], query=str(case.get("title") or ""))
        return [*done, SlotSet("kb_topic", topic.to_slot())]
