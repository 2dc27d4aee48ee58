"""Who may see or cancel an appointment: whoever shows the phone number, the ID number or the
channel identity it was booked with.

A wrong proof and an unknown appointment id get the same 404, so ids cannot be probed.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Optional

from sqlalchemy.orm import Session

from .errors import ApiError
from .models import Appointment
from .schemas import AppointmentProof

PROOF_REQUIRED_MESSAGE = "查看或取消预约需要提供预约时填写的手机号或身份证号"
NOT_FOUND_MESSAGE = "没有找到与所填信息相符的预约，请核对预约号和预约时填写的手机号或身份证号"


def booker_digest(channel_user: Optional[str]) -> Optional[str]:
    """The stored form of a channel identity: its SHA-256, so no OpenID is kept in clear."""
    if not channel_user:
        return None
    return hashlib.sha256(channel_user.encode("utf-8")).hexdigest()


def _same(stored: Optional[str], given: Optional[str]) -> bool:
    return bool(stored and given) and secrets.compare_digest(str(stored), str(given))


def proves(appointment: Appointment, proof: AppointmentProof) -> bool:
    """True when one of the given values is the one the appointment was booked with."""
    return (
        _same(appointment.phone, proof.phone)
        or _same(appointment.id_number, proof.id_number)
        or _same(appointment.booker, booker_digest(proof.channel_user))
    )


def owned_appointment(
    session: Session, appointment_id: str, proof: AppointmentProof, *, for_update: bool = False
) -> Appointment:
    """The appointment, if `proof` shows the caller booked it; else 403 (no proof) or 404."""
    if not proof.given():
        raise ApiError(403, "proof_required", PROOF_REQUIRED_MESSAGE)
    appointment = session.get(Appointment, appointment_id, with_for_update=for_update)
    if appointment is None or not proves(appointment, proof):
        raise ApiError(404, "appointment_not_found", NOT_FOUND_MESSAGE)
    return appointment
