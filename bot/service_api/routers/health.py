"""GET /healthz: unauthenticated liveness check that also reaches the database."""

from __future__ import annotations

import logging

from fastapi import APIRouter
from sqlalchemy.exc import SQLAlchemyError

from ..deps import DatabaseDep
from ..errors import ApiError, ErrorBody
from ..schemas import Health

logger = logging.getLogger(__name__)

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health, responses={503: {"model": ErrorBody}})
def healthz(db: DatabaseDep) -> Health:
    """200 when the database answers, 503 otherwise."""
    try:
        db.ping()
    except SQLAlchemyError:
        logger.exception("service_api.health_database_unavailable")
        raise ApiError(503, "database_unavailable", "数据库暂时不可用") from None
    return Health()
