"""Case numbers as the API accepts them: the formats of core.formats, refused with a 422."""

from __future__ import annotations

from core.formats import CaseNumber, check_case_number

from .errors import ApiError


def parse_case_number(raw: str) -> CaseNumber:
    """Classify and normalise `raw`, or raise a 422 that explains the expected formats."""
    case, problem = check_case_number(raw)
    if case is None:
        raise ApiError(422, "invalid_case_number", problem)
    return case
