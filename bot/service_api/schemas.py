"""Request and response bodies. Responses carry only masked personal data."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Optional

from pydantic import AfterValidator, BaseModel, BeforeValidator, Field, field_validator

from .catalog import CHECKUP_TOPICS
from .validation import (
    beijing_time,
    clean_text,
    normalize_id_number,
    normalize_phone,
    normalize_uscc,
    require_choices,
    require_city,
    require_iso_text,
    require_service,
)

EXAMPLE_START = "2026-10-10T09:00:00+08:00"

# Fields whose value is normalised (or refused with FieldRuleError) before anything else.
Phone = Annotated[str, AfterValidator(normalize_phone)]
IdNumber = Annotated[str, AfterValidator(normalize_id_number)]
Uscc = Annotated[str, AfterValidator(normalize_uscc)]
City = Annotated[str, AfterValidator(require_city)]
BookableService = Annotated[str, AfterValidator(require_service)]
# Numbers are refused before parsing: pydantic would read them as Unix seconds.
BeijingTime = Annotated[datetime, BeforeValidator(require_iso_text), AfterValidator(beijing_time)]


class HallServiceOut(BaseModel):
    """A service bookable at a hall."""

    service: str
    capacity_per_slot: int


class HallOut(BaseModel):
    """A service hall."""

    hall_id: str
    city: str
    name: str
    address: Optional[str] = Field(None, description="演示数据不含地址；以当地窗口公布为准")
    slot_minutes: int
    weekend_service: bool = Field(..., description="是否提供周末（周六上午）预约")
    extended_hours: bool = Field(..., description="是否提供工作日 17:00-19:00 延时预约")
    services: list[HallServiceOut]


class HallList(BaseModel):
    """Halls matching a filter."""

    halls: list[HallOut]


class SlotOut(BaseModel):
    """One slot and how many places are left."""

    start: datetime = Field(..., examples=[EXAMPLE_START])
    end: datetime
    kind: str = Field(..., description="regular | extended（延时） | weekend（周末）")
    capacity: int
    remaining: int


class DayOut(BaseModel):
    """One day at a hall: its slots, or why it is closed."""

    date: date
    open: bool
    kind: str = Field(
        ...,
        description="workday | adjusted_workday（调休上班）| weekend | holiday | rest_day"
        " | unannounced（当年放假调休安排未公布的春节、国庆前后）",
    )
    closed_reason: Optional[str] = None
    provisional: bool = Field(
        False, description="该日所在年度的节假日安排尚未正式公布，开放安排可能调整"
    )
    note: Optional[str] = Field(None, description="provisional 时给市民的说明")
    slots: list[SlotOut]


class SlotsOut(BaseModel):
    """Slots of one service at one hall over a date range."""

    hall_id: str
    service: str
    days: list[DayOut]


class AppointmentCreate(BaseModel):
    """A booking request; phone, ID number and start are normalised before anything else."""

    hall_id: str = Field(..., max_length=32, examples=["shenyang-01"])
    service: BookableService = Field(..., examples=["驾驶证补换领"])
    start: BeijingTime = Field(..., examples=[EXAMPLE_START], description="无时区时按北京时间理解")
    name: str = Field(..., examples=["演示用户"])
    phone: Phone = Field(..., examples=["13700000001"])
    id_number: IdNumber = Field(..., examples=["11010519491231002X"])
    channel_user: Optional[str] = Field(
        None,
        max_length=128,
        description="预约渠道的用户标识（如微信 OpenID）；同一标识之后可凭它查看和取消预约",
    )

    @field_validator("hall_id")
    @classmethod
    def _hall_id(cls, value: str) -> str:
        return clean_text(value, label="大厅编号", max_length=32)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return clean_text(value, label="姓名", max_length=50)

    def fingerprint_payload(self) -> dict[str, Any]:
        """The normalised content that decides whether a retry is the same request."""
        # The channel is not content: the same booking retried from another channel is a retry.
        content = self.model_dump(exclude={"channel_user"})
        return {**content, "start": self.start.isoformat()}


class AppointmentProof(BaseModel):
    """What shows that the caller booked an appointment: one of these must match the booking."""

    phone: Optional[Phone] = Field(None, description="预约时填写的手机号")
    id_number: Optional[IdNumber] = Field(None, description="预约时填写的身份证号")
    channel_user: Optional[str] = Field(
        None, max_length=128, description="预约时的渠道用户标识（如微信 OpenID）"
    )

    def given(self) -> bool:
        return bool(self.phone or self.id_number or self.channel_user)


class HallBrief(BaseModel):
    """The hall an appointment is at."""

    hall_id: str
    name: str
    city: str


class AppointmentOut(BaseModel):
    """An appointment as the caller may see it: personal data masked."""

    appointment_id: str = Field(..., examples=["AP7K3M9Q2X"])
    status: str = Field(..., description="booked | cancelled")
    hall: HallBrief
    service: str
    start: datetime
    end: datetime
    name_masked: str = Field(..., examples=["演***"])
    phone_masked: str = Field(..., examples=["137****0001"])
    id_number_masked: str = Field(..., examples=["1101**********002X"])
    created_at: datetime
    cancelled_at: Optional[datetime] = None
    calendar_note: Optional[str] = Field(
        None, description="预约日所在年度的节假日安排尚未正式公布时给市民的说明"
    )


class AppointmentList(BaseModel):
    """One person's appointments, newest first."""

    appointments: list[AppointmentOut]


class CaseEventOut(BaseModel):
    """One step in a case's history."""

    time: datetime
    status: str
    note: str


class CaseOut(BaseModel):
    """A case's current status and history."""

    case_number: str
    kind: str = Field(
        ...,
        description="hotline_ticket（12345工单）| service_application（办件）"
        "| court_case（法院案件）",
    )
    kind_label: str
    title: str
    summary: str
    status: str
    department: str
    updated_at: datetime
    history: list[CaseEventOut]


class LegalCheckupCreate(BaseModel):
    """An enterprise's request for a 企业法治体检."""

    enterprise_name: str = Field(..., examples=["演示科技有限公司"])
    uscc: Uscc = Field(..., examples=["91210100MA0000001G"], description="统一社会信用代码")
    contact_name: str = Field(..., examples=["演示联系人"])
    contact_phone: Phone = Field(..., examples=["13700000001"])
    city: City = Field(..., examples=["沈阳"])
    topics: list[str] = Field(
        ...,
        examples=[["合同管理", "劳动用工"]],
        description=f"可选：{'、'.join(CHECKUP_TOPICS)}",
    )

    @field_validator("enterprise_name")
    @classmethod
    def _enterprise_name(cls, value: str) -> str:
        return clean_text(value, label="企业名称", max_length=100)

    @field_validator("contact_name")
    @classmethod
    def _contact_name(cls, value: str) -> str:
        return clean_text(value, label="联系人", max_length=50)

    @field_validator("topics")
    @classmethod
    def _topics(cls, value: list[str]) -> list[str]:
        return require_choices(
            value, allowed=CHECKUP_TOPICS, label="体检事项", error="unknown_topic"
        )


class LegalCheckupOut(BaseModel):
    """A legal check-up request as recorded."""

    request_id: str = Field(..., examples=["FT4R8W2K6N"])
    status: str = Field(..., examples=["已受理"])
    enterprise_name: str
    uscc: str
    contact_name_masked: str
    contact_phone_masked: str
    city: str
    topics: list[str]
    created_at: datetime


class Health(BaseModel):
    """Liveness and database reachability."""

    status: str = "ok"
    database: str = "ok"
