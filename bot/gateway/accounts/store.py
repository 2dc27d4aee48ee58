"""Staff accounts (agents, trainers, admins) in the gateway's database.

The table `staff_accounts` lives beside `agent_feedback` (FEEDBACK_DATABASE_URL, by default
var/feedback.db). Passwords are stored as scrypt hashes (bot/gateway/passwords.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Dict, List, Optional

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    select,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from .passwords import dummy_hash, hash_password, password_problem, verify_password

ROLES: Dict[str, str] = {"agent": "坐席", "trainer": "训练员", "admin": "管理员"}
NAME_PATTERN = re.compile(r"^[A-Za-z0-9_.@-]{2,64}$")

metadata = MetaData()
accounts_table = Table(
    "staff_accounts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    # Empty for an account that logs in only through the proxy's SSO header.
    Column("password_hash", String(255), nullable=False, default=""),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)


class AccountError(ValueError):
    """A request the store refuses, with the reason in Chinese."""


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    active: bool
    has_password: bool


def check_name(name: str) -> None:
    if not NAME_PATTERN.match(name):
        raise AccountError("用户名应为 2–64 位字母、数字或 _ . @ -")


def check_role(role: str) -> None:
    if role not in ROLES:
        raise AccountError(f"未知角色“{role}”,可选:{'、'.join(ROLES)}")


class AccountStore:
    def __init__(self, url: str) -> None:
        self.engine: Engine = create_engine(url, future=True)
        metadata.create_all(self.engine)

    def add(self, name: str, role: str, password: Optional[str]) -> Account:
        """A new account; `password` None makes it an SSO-only account."""
        check_name(name)
        check_role(role)
        if password is not None and (problem := password_problem(password)):
            raise AccountError(problem)
        row = {
            "name": name,
            "role": role,
            "password_hash": hash_password(password) if password is not None else "",
            "active": True,
            "created_at": datetime.now(timezone.utc),
        }
        try:
            with self.engine.begin() as connection:
                connection.execute(accounts_table.insert().values(**row))
        except IntegrityError as error:
            raise AccountError(f"用户 {name} 已存在") from error
        return Account(name, role, True, password is not None)

    def get(self, name: str) -> Optional[Account]:
        query = select(accounts_table).where(accounts_table.c.name == name)
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        if row is None:
            return None
        return Account(row.name, row.role, bool(row.active), bool(row.password_hash))

    def authenticate(self, name: str, password: str) -> Optional[Account]:
        """The active account `name` if `password` is its password; None otherwise."""
        query = select(accounts_table).where(accounts_table.c.name == name)
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        stored = row.password_hash if row is not None and row.password_hash else dummy_hash()
        matches = verify_password(password, stored)
        if row is None or not row.password_hash or not row.active or not matches:
            return None
        return Account(row.name, row.role, True, True)

    def accounts(self) -> List[Account]:
        query = select(accounts_table).order_by(accounts_table.c.name)
        with self.engine.connect() as connection:
            return [
                Account(r.name, r.role, bool(r.active), bool(r.password_hash))
                for r in connection.execute(query)
            ]

    def has_admin(self) -> bool:
        return any(a.role == "admin" and a.active for a in self.accounts())

    def set_active(self, name: str, active: bool) -> None:
        self._update(name, active=active)

    def set_password(self, name: str, password: str) -> None:
        if problem := password_problem(password):
            raise AccountError(problem)
        self._update(name, password_hash=hash_password(password))

    def _update(self, name: str, **values: object) -> None:
        statement = update(accounts_table).where(accounts_table.c.name == name).values(**values)
        with self.engine.begin() as connection:
            if connection.execute(statement).rowcount == 0:
                raise AccountError(f"没有用户 {name}")

    def close(self) -> None:
        self.engine.dispose()
