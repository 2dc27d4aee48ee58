"""Database tables (SQLAlchemy 2 typed declarative mapping). Times are stored as Beijing wall-clock
time."""

from __future__ import annotations

from datetime import date, datetime
from typing import List, Optional

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from core.clock import CN_TZ, to_cn


class Base(DeclarativeBase):
    """The service API's tables."""


BOOKED = "booked"
CANCELLED = "cancelled"


class BeijingDateTime(TypeDecorator[datetime]):
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

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    city: Mapped[str] = mapped_column(String(16), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    address: Mapped[Optional[str]] = mapped_column(String(200))
    slot_minutes: Mapped[int] = mapped_column(Integer, nullable=False, default=30)
    # Saturday-morning slots.
    weekend_service: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # 延时: weekday 17:00-19:00.
    extended_hours: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    services: Mapped[List[HallService]] = relationship(
        back_populates="hall", lazy="selectin", order_by="HallService.id"
    )


class HallService(Base):
    """A service bookable at a hall, with how many citizens one slot can take."""

    __tablename__ = "hall_service"
    __table_args__ = (UniqueConstraint("hall_id", "service", name="uq_hall_service"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    hall_id: Mapped[str] = mapped_column(String(32), ForeignKey("hall.id"), nullable=False)
    service: Mapped[str] = mapped_column(String(64), nullable=False)
    capacity: Mapped[int] = mapped_column(Integer, nullable=False)

    hall: Mapped[Hall] = relationship(back_populates="services", lazy="joined")


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

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    hall_id: Mapped[str] = mapped_column(String(32), ForeignKey("hall.id"), nullable=False)
    service: Mapped[str] = mapped_column(String(64), nullable=False)
    starts_at: Mapped[datetime] = mapped_column(BeijingDateTime, nullable=False)
    ends_at: Mapped[datetime] = mapped_column(BeijingDateTime, nullable=False)
    capacity: Mapped[int] = mapped_column(Integer, nullable=False)
    booked: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class Appointment(Base):
    """One citizen's booking of one slot."""

    __tablename__ = "appointment"
    __table_args__ = (
        # One active booking per person, service and day: the day is cleared on cancelling, and
        # NULLs never collide, so concurrent second bookings fail here even on PostgreSQL.
        Index(
            "uq_appointment_person_service_day", "id_number", "service", "active_day", unique=True
        ),
    )

    id: Mapped[str] = mapped_column(String(10), primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(255), nullable=False, unique=True)
    request_fingerprint: Mapped[str] = mapped_column(String(64), nullable=False)
    slot_id: Mapped[int] = mapped_column(Integer, ForeignKey("slot.id"), nullable=False, index=True)
    hall_id: Mapped[str] = mapped_column(String(32), ForeignKey("hall.id"), nullable=False)
    service: Mapped[str] = mapped_column(String(64), nullable=False)
    starts_at: Mapped[datetime] = mapped_column(BeijingDateTime, nullable=False)
    ends_at: Mapped[datetime] = mapped_column(BeijingDateTime, nullable=False)
    name: Mapped[str] = mapped_column(String(50), nullable=False)
    phone: Mapped[str] = mapped_column(String(11), nullable=False)
    id_number: Mapped[str] = mapped_column(String(18), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default=BOOKED)
    created_at: Mapped[datetime] = mapped_column(BeijingDateTime, nullable=False)
    cancelled_at: Mapped[Optional[datetime]] = mapped_column(BeijingDateTime)
    # The day of a booking that is still active; NULL once cancelled.
    active_day: Mapped[Optional[date]] = mapped_column(Date)
    # SHA-256 of the channel identity (sender id, WeChat OpenID) that booked, if one was given.
    booker: Mapped[Optional[str]] = mapped_column(String(64))

    hall: Mapped[Hall] = relationship(lazy="joined")


class CaseEvent(Base):
    """One step in a case's status history."""

    __tablename__ = "case_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_number: Mapped[str] = mapped_column(
        String(40), ForeignKey("case_record.number"), nullable=False, index=True
    )
    at: Mapped[datetime] = mapped_column(BeijingDateTime, nullable=False)
    status: Mapped[str] = mapped_column(String(32), nullable=False)
    note: Mapped[str] = mapped_column(String(300), nullable=False, default="")


class Case(Base):
    """A 12345 work order, a service application (办件) or a court case, with its current status."""

    __tablename__ = "case_record"

    number: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(24), nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    summary: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[str] = mapped_column(String(32), nullable=False)
    department: Mapped[str] = mapped_column(String(100), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(BeijingDateTime, nullable=False)

    history: Mapped[List[CaseEvent]] = relationship(
        lazy="selectin", order_by=[CaseEvent.at, CaseEvent.id]
    )


class LegalCheckup(Base):
    """An enterprise's request for a 企业法治体检."""

    __tablename__ = "legal_checkup"

    id: Mapped[str] = mapped_column(String(10), primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(255), nullable=False, unique=True)
    request_fingerprint: Mapped[str] = mapped_column(String(64), nullable=False)
    enterprise_name: Mapped[str] = mapped_column(String(100), nullable=False)
    uscc: Mapped[str] = mapped_column(String(18), nullable=False, index=True)
    contact_name: Mapped[str] = mapped_column(String(50), nullable=False)
    contact_phone: Mapped[str] = mapped_column(String(11), nullable=False)
    city: Mapped[str] = mapped_column(String(16), nullable=False)
    topics: Mapped[List[str]] = mapped_column(JSON, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    created_at: Mapped[datetime] = mapped_column(BeijingDateTime, nullable=False)
