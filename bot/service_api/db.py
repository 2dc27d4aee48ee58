"""The database handle: one engine per app, sessions, and the SQLite settings that make it safe."""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from typing import Any, Iterator

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from .models import Base

# How long a SQLite writer waits for another one to finish before giving up.
SQLITE_BUSY_TIMEOUT_SECONDS = 15


class Database:
    """An engine plus sessions; created by the app's start-up, never at import time."""

    def __init__(self, url: str) -> None:
        if url.startswith("postgres://"):
            # Heroku-style URLs; SQLAlchemy 1.4 only knows the "postgresql" scheme.
            url = "postgresql://" + url[len("postgres://") :]
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            self.engine = create_engine(
                url,
                future=True,
                hide_parameters=True,
                connect_args={
                    "check_same_thread": False,  # FastAPI runs sync routes in a thread pool
                    "timeout": SQLITE_BUSY_TIMEOUT_SECONDS,
                },
            )
            event.listen(self.engine, "connect", _sqlite_on_connect)
            event.listen(self.engine, "begin", _sqlite_on_begin)
        else:
            self.engine = create_engine(url, future=True, pool_pre_ping=True, hide_parameters=True)
        # Write transactions take SQLite's write lock up front (see _sqlite_on_begin).
        self._write_engine = self.engine.execution_options(sqlite_immediate=True)

    def create_all(self) -> None:
        """Create missing tables, columns and indexes (the schema only ever grows)."""
        Base.metadata.create_all(self.engine)
        _add_missing_columns(self.engine)

    def ping(self) -> None:
        """Raise if the database cannot answer a trivial query."""
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def dispose(self) -> None:
        """Close pooled connections."""
        self.engine.dispose()

    @contextmanager
    def session(self, *, write: bool = False) -> Iterator[Session]:
        """A session inside one transaction: committed on exit, rolled back on an exception."""
        bind = self._write_engine if write else self.engine
        with Session(bind, future=True, expire_on_commit=False) as session, session.begin():
            yield session


def _add_missing_columns(engine: Engine) -> None:
    """Add the nullable columns and the indexes a database created by an older version lacks."""
    inspector = inspect(engine)
    with engine.begin() as conn:
        for table in Base.metadata.sorted_tables:
            present = {column["name"] for column in inspector.get_columns(table.name)}
            for column in table.columns:
                if column.name not in present and column.nullable:
                    kind = column.type.compile(engine.dialect)
                    conn.execute(text(f"ALTER TABLE {table.name} ADD COLUMN {column.name} {kind}"))
            for index in table.indexes:
                index.create(conn, checkfirst=True)


def _sqlite_on_connect(dbapi_connection: sqlite3.Connection, connection_record: Any) -> None:
    # Let SQLAlchemy emit BEGIN itself (pysqlite's own transaction handling would defer it and
    # break SAVEPOINTs), and use WAL so readers never wait for the writer.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_SECONDS * 1000}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _sqlite_on_begin(conn: Connection) -> None:
    # A deferred transaction that reads and then writes fails with SQLITE_BUSY, without waiting,
    # when another connection committed in between. BEGIN IMMEDIATE takes the write lock first,
    # so concurrent bookings queue on the busy timeout instead of failing.
    immediate = conn.get_execution_options().get("sqlite_immediate", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
