"""Database tables (SQLAlchemy 1.4, declarative). Times are stored as Beijing wall-clock time."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import declarative_base, relationship
from sqlalchemy.types import TypeDecorator

from .clock import CN_TZ, to_cn

Base: Any = declarative_base()

BOOKED = "booked"
CANCELLED = "cancelled"


class BeijingDateTime(TypeDecorator):
    """Aware datetimes in Python, naive Beijing time in the column.

    Slots are defined in local wall-clock time, so storing that (rather than UTC) keeps the unique
    (hall, service, start) key identical on SQLite, which has no time zones, and PostgreSQL.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: Optional[datetime], dialect: Dialect) -> Optional[datetime]:
        return None if value is None else to_cn(value).replace(tzinfo=None)

    def process_result_value(
        self, value: Optional[datetime], dialect: Dialect
    ) -> Optional[datetime]:
        return None if value is None else value.replace(tzinfo=CN_TZ)


class Hall(Base):
    """A service hall (政务服务大厅) and what kind of appointments it offers."""

    __tablename__ = "hall"

    id = Column(String(32), primary_key=True)
    city = Column(String(16), nullable=False, index=True)
    name = Column(String(100), nullable=False)
    address = Column(String(200))
    slot_minutes = Column(Integer, nullable=False, default=30)
    weekend_service = Column(Boolean, nullable=False, default=False)  # Saturday-morning slots
    extended_hours = Column(Boolean, nullable=False, default=False)  # 延时: weekday 17:00-19:00

    services = relationship(
        "HallService", back_populates="hall", lazy="selectin", order_by="HallService.id"
    )


class HallService(Base):
    """A service bookable at a hall, with how many citizens one slot can take."""

    __tablename__ = "hall_service"
    __table_args__ = (UniqueConstraint("hall_id", "service", name="uq_hall_service"),)

    id = Column(Integer, primary_key=True, autoincrement=True)
    hall_id = Column(String(32), ForeignKey("hall.id"), nullable=False)
    service = Column(String(64), nullable=False)
    capacity = Column(Integer, nullable=False)

    hall = relationship("Hall", back_populates="services", lazy="joined")


class Slot(Base):
    """A slot that has been booked at least once; created lazily, counted atomically."""

    __tablename__ = "slot"
    __table_args__ = (
        # Concurrent first bookings of one slot race to create this row; the loser re-reads it.
        UniqueConstraint("hall_id", "service", "starts_at", name="uq_slot_hall_service_start"),
        # Last line of defence: the database itself refuses an overbooked slot.
        CheckConstraint(
            "booked >= 0 AND booked <= capacity", name="ck_slot_booked_within_capacity"
        ),
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    hall_id = Column(String(32), ForeignKey("hall.id"), nullable=False)
    service = Column(String(64), nullable=False)
    starts_at = Column(BeijingDateTime, nullable=False)
    ends_at = Column(BeijingDateTime, nullable=False)
    capacity = Column(Integer, nullable=False)
    booked = Column(Integer, nullable=False, default=0)


class Appointment(Base):
    """One citizen's booking of one slot."""

    __tablename__ = "appointment"

    id = Column(String(10), primary_key=True)
    idempotency_key = Column(String(255), nullable=False, unique=True)
    request_fingerprint = Column(String(64), nullable=False)
    slot_id = Column(Integer, ForeignKey("slot.id"), nullable=False, index=True)
    hall_id = Column(String(32), ForeignKey("hall.id"), nullable=False)
    service = Column(String(64), nullable=False)
    starts_at = Column(BeijingDateTime, nullable=False)
    ends_at = Column(BeijingDateTime, nullable=False)
    name = Column(String(50), nullable=False)
    phone = Column(String(11), nullable=False)
    id_number = Column(String(18), nullable=False)
    status = Column(String(16), nullable=False, default=BOOKED)
    created_at = Column(BeijingDateTime, nullable=False)
    cancelled_at = Column(BeijingDateTime)

    hall = relationship("Hall", lazy="joined")


class CaseEvent(Base):
    """One step in a case's status history."""

    __tablename__ = "case_event"

    id = Column(Integer, primary_key=True, autoincrement=True)
    case_number = Column(String(40), ForeignKey("case_record.number"), nullable=False, index=True)
    at = Column(BeijingDateTime, nullable=False)
    status = Column(String(32), nullable=False)
    note = Column(String(300), nullable=False, default="")


class Case(Base):
    """A 12345 work order, a service application (办件) or a court case, with its current status."""

    __tablename__ = "case_record"

    number = Column(String(40), primary_key=True)
    kind = Column(String(24), nullable=False)
    title = Column(String(200), nullable=False)
    summary = Column(Text, nullable=False)
    status = Column(String(32), nullable=False)
    department = Column(String(100), nullable=False)
    updated_at = Column(BeijingDateTime, nullable=False)

    history = relationship("CaseEvent", lazy="selectin", order_by=[CaseEvent.at, CaseEvent.id])


class LegalCheckup(Base):
    """An enterprise's request for a 企业法治体检."""

    __tablename__ = "legal_checkup"

    id = Column(String(10), primary_key=True)
    idempotency_key = Column(String(255), nullable=False, unique=True)
    request_fingerprint = Column(String(64), nullable=False)
    enterprise_name = Column(String(100), nullable=False)
    uscc = Column(String(18), nullable=False, index=True)
    contact_name = Column(String(50), nullable=False)
    contact_phone = Column(String(11), nullable=False)
    city = Column(String(16), nullable=False)
    topics = Column(JSON, nullable=False)
    status = Column(String(16), nullable=False)
    created_at = Column(BeijingDateTime, nullable=False)
