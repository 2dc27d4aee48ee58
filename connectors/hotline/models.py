"""The hotline webhook contract (request bodies) and what the agent desk receives."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Dict, List, Literal, Optional

from pydantic import BaseModel, Field, StringConstraints

CallId = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$"
    ),
]


class CallStarted(BaseModel):
    call_id: CallId
    caller_number: str = Field("", max_length=32, description="主叫号码,可已脱敏")
    line: str = Field("8号键", max_length=32, description="进线渠道,如 8号键(企业专线)")
    started_at: Optional[datetime] = None


class Utterance(BaseModel):
    call_id: CallId
    speaker: Literal["caller", "agent"]
    text: str = Field(..., min_length=1, max_length=2000, description="ASR 转写文本")
    time: Optional[datetime] = None


class CallEnded(BaseModel):
    call_id: CallId
    ended_at: Optional[datetime] = None


class Suggestion(BaseModel):
    id: str
    title: str
    text: str
    source: str
    verified: bool
    department: str
    intent: str
    score: float


class DepartmentChoice(BaseModel):
    department: str
    score: float
    verified: bool = True


class WorkOrder(BaseModel):
    category: str = ""
    intent: str = ""  # the category's key: an intent of docs/intents.md, or case_urge (工单催办)
    pinned: bool = False  # the agent chose the category; the caller's words no longer move it
    summary: str = ""  # what the work order files: the agent's edit, else the composed one
    summary_edited: bool = False
    summary_composed: str = ""  # rebuilt from the call's facts on every line
    department: str = ""
    department_confidence: float = 0.0
    runners_up: List[DepartmentChoice] = []  # the next two units, one click away on the desk
    department_pinned: bool = False
    urgency: Literal["一般", "较急", "紧急"] = "一般"
    fields: Dict[str, str] = {}
    missing: List[str] = []


class Assist(BaseModel):
    """The response to a caller utterance, and what the agent desk shows for the call."""

    call_id: str
    intent: str = ""
    intent_confidence: float = 0.0
    suggestions: List[Suggestion] = []
    entities: Dict[str, str] = {}
    work_order: WorkOrder = WorkOrder()
    next_question: str = ""


class CategoryPin(BaseModel):
    """The category the agent fixes for a call (a key of GET /api/agent/categories); "" frees it."""

    category: str = Field("", max_length=64)


class DepartmentPin(BaseModel):
    """The unit the agent dispatches the call's work order to; "" returns to the table's choice."""

    department: str = Field("", max_length=64)


class SummaryEdit(BaseModel):
    """The agent's own summary of the call; "" hands it back to the composer."""

    summary: str = Field("", max_length=1000)


class Feedback(BaseModel):
    call_id: CallId
    suggestion_id: str = Field(..., min_length=1, max_length=128)
    action: Literal["used", "edited", "rejected"]
    edited_text: str = Field("", max_length=4000)
