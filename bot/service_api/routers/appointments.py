"""Booking, looking up and cancelling appointments."""

from __future__ import annotations

from typing import Annotated, Any, Optional

from fastapi import APIRouter, Query, Response

from core.clock import to_cn
from core.masking import mask_id_number, mask_name, mask_phone

from ..access import owned_appointment
from ..booking import book, cancel, find_for_person
from ..deps import DatabaseDep, IdempotencyKeyDep, NowDep, SessionDep, SettingsDep
from ..errors import ERROR_RESPONSES, ApiError, ErrorBody
from ..ids import APPOINTMENT_PREFIX, is_public_id
from ..models import Appointment
from ..schedule import calendar_note
from ..schemas import (
    AppointmentCreate,
    AppointmentList,
    AppointmentOut,
    AppointmentProof,
    HallBrief,
)
from ..validation import normalize_id_number, normalize_phone

router = APIRouter(prefix="/appointments", tags=["appointments"])

NOT_FOUND: dict[int | str, dict[str, Any]] = {
    403: {
        "model": ErrorBody,
        "description": "proof_required：未提供预约时的手机号、身份证号或渠道标识",
    },
    404: {"model": ErrorBody, "description": "预约不存在，或所给信息与预约不符（两者不作区分）"},
}


def appointment_out(appointment: Appointment) -> AppointmentOut:
    """The public, masked view of an appointment."""
    hall = appointment.hall
    return AppointmentOut(
        appointment_id=appointment.id,
        status=appointment.status,
        hall=HallBrief(hall_id=hall.id, name=hall.name, city=hall.city),
        service=appointment.service,
        start=appointment.starts_at,
        end=appointment.ends_at,
        name_masked=mask_name(appointment.name),
        phone_masked=mask_phone(appointment.phone),
        id_number_masked=mask_id_number(appointment.id_number),
        created_at=appointment.created_at,
        cancelled_at=appointment.cancelled_at,
        calendar_note=calendar_note(to_cn(appointment.starts_at).date()),
    )


@router.post(
    "",
    status_code=201,
    response_model=AppointmentOut,
    responses={
        **ERROR_RESPONSES,
        200: {"model": AppointmentOut, "description": "同一 Idempotency-Key 的重试：返回原预约"},
        400: {"model": ErrorBody, "description": "缺少或不合法的 Idempotency-Key"},
        409: {
            "model": ErrorBody,
            "description": "slot_full：该时段已约满；already_booked：同一人当天已预约同一事项",
        },
    },
)
def create_appointment(
    body: AppointmentCreate,
    key: IdempotencyKeyDep,
    db: DatabaseDep,
    settings: SettingsDep,
    now: NowDep,
    response: Response,
) -> AppointmentOut:
    """Book a slot; a retry with the same Idempotency-Key and body returns it again (200)."""
    appointment, created = book(db, body, key, now, settings.service_api_booking_days)
    if not created:
        response.status_code = 200
    return appointment_out(appointment)


@router.get("", response_model=AppointmentList, responses=ERROR_RESPONSES)
def list_appointments(
    session: SessionDep,
    phone: Annotated[str, Query(description="预约时填写的手机号")],
    id_number: Annotated[str, Query(description="预约时填写的身份证号")],
) -> AppointmentList:
    """A person's appointments; both the phone and the ID number must match the booking."""
    found = find_for_person(session, normalize_phone(phone), normalize_id_number(id_number))
    return AppointmentList(appointments=[appointment_out(a) for a in found])


@router.get(
    "/{appointment_id}", response_model=AppointmentOut, responses={**ERROR_RESPONSES, **NOT_FOUND}
)
def get_appointment(
    appointment_id: str, proof: Annotated[AppointmentProof, Query()], session: SessionDep
) -> AppointmentOut:
    """One appointment, to whoever gives the phone, ID number or channel identity it was booked
    with."""
    _check_id(appointment_id)
    return appointment_out(owned_appointment(session, appointment_id, proof))


@router.post(
    "/{appointment_id}/cancel",
    response_model=AppointmentOut,
    responses={
        **ERROR_RESPONSES,
        **NOT_FOUND,
        409: {"model": ErrorBody, "description": "appointment_started：预约时间已到，无法取消"},
    },
)
def cancel_appointment(
    appointment_id: str, db: DatabaseDep, now: NowDep, proof: Optional[AppointmentProof] = None
) -> AppointmentOut:
    """Cancel, given the phone, ID number or channel identity it was booked with; cancelling an
    already cancelled appointment returns it unchanged."""
    _check_id(appointment_id)
    return appointment_out(
        cancel(db, appointment_id, proof or AppointmentProof.model_validate({}), now)
    )


def _check_id(appointment_id: str) -> None:
    if not is_public_id(appointment_id, APPOINTMENT_PREFIX):
        raise ApiError(422, "invalid_appointment_id", "预约编号应为AP加8位字母或数字，如AP7K3M9Q2X")
