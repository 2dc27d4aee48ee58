"""A transaction starts only when the words are about one.

NLU sometimes files a question under a transaction: "网上买的衣服不想要了能退吗" as cancelling an
appointment, "投诉了有结果吗" as a case lookup. Starting a form then asks a citizen for an
appointment number they never had. The words of a real lookup or cancellation name what is
looked up (预约, 工单, 办件, a number); without them the message is answered as a question.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge import answer_unplaced

_APPOINTMENT = r"预约|约的|约了|约好|约在|约过|挂的号|AP[0-9A-Z]{8}"
TRANSACTION_WORDS: Dict[str, re.Pattern[str]] = {
    "appointment_query": re.compile(_APPOINTMENT, re.IGNORECASE),
    "appointment_cancel": re.compile(_APPOINTMENT, re.IGNORECASE),
    "case_status": re.compile(
        r"工单|办件|案号|编号|单号|进度|办到哪|到哪了|到哪一步|进展|受理|BJ\d|\d{8,}|[((]\d{4}[))]|"
        r"案子|诉求|反映的",
        re.IGNORECASE,
    ),
}


class ActionCheckTransaction(Action):
    """Lets the form start, or answers the message from the knowledge base instead."""

    def name(self) -> str:
        return "action_check_transaction"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
        text = (tracker.latest_message.get("text") or "").strip()
        words = TRANSACTION_WORDS.get(intent)
        if words is None or text.startswith("/") or words.search(text):
            return []
        return answer_unplaced(dispatcher, tracker, text) or []
