"""Status of 12345 work orders, service applications (办件) and court cases."""

from __future__ import annotations

from fastapi import APIRouter

from core.formats import KIND_LABELS

from ..case_numbers import parse_case_number
from ..deps import SessionDep
from ..errors import ERROR_RESPONSES, ApiError, ErrorBody
from ..models import Case
from ..schemas import CaseEventOut, CaseOut

router = APIRouter(prefix="/cases", tags=["cases"])


@router.get(
    "/{case_number}",
    response_model=CaseOut,
    responses={
        **ERROR_RESPONSES,
        404: {"model": ErrorBody, "description": "编号格式正确但查无此件"},
    },
)
def get_case(case_number: str, session: SessionDep) -> CaseOut:
    """Current status and history; full-width brackets and spaces in the number are accepted."""
    parsed = parse_case_number(case_number)
    case = session.get(Case, parsed.number)
    if case is None:
        raise ApiError(
            404,
            "case_not_found",
            f"未查到{KIND_LABELS[parsed.kind]}“{parsed.number}”，请核对编号；如刚提交，请稍后再查",
        )
    return CaseOut(
        case_number=case.number,
        kind=case.kind,
        kind_label=KIND_LABELS[case.kind],
        title=case.title,
        summary=case.summary,
        status=case.status,
        department=case.department,
        updated_at=case.updated_at,
        history=[CaseEventOut(time=e.at, status=e.status, note=e.note) for e in case.history],
    )
