"""企业法治体检 requests."""

from __future__ import annotations

from fastapi import APIRouter, Response

from core.masking import mask_name, mask_phone

from ..checkups import submit
from ..deps import DatabaseDep, IdempotencyKeyDep, NowDep, SessionDep
from ..errors import ERROR_RESPONSES, ApiError, ErrorBody
from ..ids import CHECKUP_PREFIX, is_public_id
from ..models import LegalCheckup
from ..schemas import LegalCheckupCreate, LegalCheckupOut

router = APIRouter(prefix="/legal-checkups", tags=["legal-checkups"])


def checkup_out(checkup: LegalCheckup) -> LegalCheckupOut:
    """The public view of a request; the contact's details are masked."""
    return LegalCheckupOut(
        request_id=checkup.id,
        status=checkup.status,
        enterprise_name=checkup.enterprise_name,
        uscc=checkup.uscc,
        contact_name_masked=mask_name(checkup.contact_name),
        contact_phone_masked=mask_phone(checkup.contact_phone),
        city=checkup.city,
        topics=list(checkup.topics),
        created_at=checkup.created_at,
    )


@router.post(
    "",
    status_code=201,
    response_model=LegalCheckupOut,
    responses={
        **ERROR_RESPONSES,
        200: {"model": LegalCheckupOut, "description": "同一 Idempotency-Key 的重试：返回原申请"},
        400: {"model": ErrorBody, "description": "缺少或不合法的 Idempotency-Key"},
    },
)
def create_legal_checkup(
    body: LegalCheckupCreate,
    key: IdempotencyKeyDep,
    db: DatabaseDep,
    now: NowDep,
    response: Response,
) -> LegalCheckupOut:
    """Request a legal check-up; a retry with the same Idempotency-Key returns the same request."""
    checkup, created = submit(db, body, key, now)
    if not created:
        response.status_code = 200
    return checkup_out(checkup)


@router.get(
    "/{request_id}",
    response_model=LegalCheckupOut,
    responses={**ERROR_RESPONSES, 404: {"model": ErrorBody, "description": "申请不存在"}},
)
def get_legal_checkup(request_id: str, session: SessionDep) -> LegalCheckupOut:
    """One request by its id."""
    if not is_public_id(request_id, CHECKUP_PREFIX):
        raise ApiError(422, "invalid_request_id", "体检申请编号应为FT加8位字母或数字，如FT4R8W2K6N")
    checkup = session.get(LegalCheckup, request_id)
    if checkup is None:
        raise ApiError(404, "legal_checkup_not_found", f"体检申请不存在：{request_id}")
    return checkup_out(checkup)
