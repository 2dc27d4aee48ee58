"""企业法治体检 requests: recorded once per Idempotency-Key."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.masking import mask_phone

from .db import Database
from .errors import ApiError
from .idempotency import ensure_same_request, request_fingerprint
from .ids import CHECKUP_PREFIX, new_public_id
from .models import LegalCheckup
from .schemas import LegalCheckupCreate

logger = logging.getLogger(__name__)

ACCEPTED = "已受理"
MAX_ATTEMPTS = 3


def submit(
    db: Database, request: LegalCheckupCreate, key: str, now: datetime
) -> tuple[LegalCheckup, bool]:
    """Record the request unless this key already did; returns it and whether it is new."""
    fingerprint = request_fingerprint(request.model_dump())
    for _ in range(MAX_ATTEMPTS):
        try:
            with db.session(write=True) as session:
                existing = session.scalar(
                    select(LegalCheckup).where(LegalCheckup.idempotency_key == key)
                )
                if existing is not None:
                    ensure_same_request(existing.request_fingerprint, fingerprint)
                    return existing, False
                checkup = LegalCheckup(
                    id=new_public_id(CHECKUP_PREFIX),
                    idempotency_key=key,
                    request_fingerprint=fingerprint,
                    status=ACCEPTED,
                    created_at=now,
                    **request.model_dump(),
                )
                session.add(checkup)
                session.flush()
        except IntegrityError:
            # Lost a race with the same key (or a random id collision): retry to replay it.
            continue
        logger.info(
            "service_api.legal_checkup_submitted id=%s city=%s uscc=%s contact_phone=%s",
            checkup.id,
            checkup.city,
            checkup.uscc,
            mask_phone(checkup.contact_phone),
        )
        return checkup, True
    raise ApiError(409, "conflict", "请求冲突，请稍后使用同一 Idempotency-Key 重试")
