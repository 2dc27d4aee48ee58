"""The intents of docs/intents.md by kind, for every process that needs to tell them apart."""

from __future__ import annotations

from typing import Tuple

GUIDANCE_INTENTS: Tuple[str, ...] = (
    "residence_permit",
    "yijianshi",
    "driver_license",
    "business_registration",
    "social_security",
    "enterprise_policy",
    "service_hall_info",
    "hotline_info",
)
LEGAL_INTENTS: Tuple[str, ...] = (
    "legal_checkup",
    "legal_aid",
    "lenient_enforcement",
    "credit_repair",
    "legal_question",
    "business_complaint",
)
TRANSACTION_INTENTS: Tuple[str, ...] = (
    "appointment_book",
    "appointment_query",
    "appointment_cancel",
    "case_status",
)
DIALOGUE_INTENTS: Tuple[str, ...] = (
    "greet",
    "goodbye",
    "thank",
    "affirm",
    "deny",
    "bot_challenge",
    "human_handoff",
    "inform",
    "out_of_scope",
)
