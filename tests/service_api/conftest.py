"""Fixtures: every API test runs against a fresh SQLite file and a fresh PostgreSQL schema."""

from __future__ import annotations

import os
import uuid
from datetime import datetime
from pathlib import Path
from typing import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from bot.service_api.app import create_app
from bot.service_api.db import Database
from bot.service_api.deps import current_time
from bot.service_api.models import Base
from bot.settings import Settings
from core.clock import CN_TZ

from .helpers import API_KEY, seed_test_halls

# A Friday before the 2026 中秋 and 国庆 holidays: within the 30-day booking window lie the
# holiday 2026-10-01, the adjusted working days (调休) 2026-09-20 and 2026-10-10 and the ordinary
# weekend 2026-10-17/18, all in the published 2026 schedule. The real date would move past them.
FROZEN_NOW = datetime(2026, 9, 18, 10, 0, tzinfo=CN_TZ)

PG_URL = os.environ.get("SERVICE_API_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
def pg_schema_url() -> Iterator[str]:
    """A schema of its own for this test session, dropped at the end."""
    admin = create_engine(PG_URL, future=True, connect_args={"connect_timeout": 3})
    try:
        with admin.connect():
            pass
    except OperationalError as exc:
        admin.dispose()
        pytest.skip(f"PostgreSQL is not reachable at {PG_URL}: {exc.orig}")
    schema = f"service_api_test_{uuid.uuid4().hex[:12]}"
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database: a new SQLite file, or the session's PG schema emptied after the test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'service_api.db'}"
        return
    url: str = request.getfixturevalue("pg_schema_url")
    yield url
    engine = create_engine(url, future=True)
    Base.metadata.drop_all(engine)
    engine.dispose()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        service_api_key=API_KEY,
        var_dir=tmp_path / "var",
        service_api_booking_days=30,
    )


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    app = create_app(settings)
    app.dependency_overrides[current_time] = lambda: FROZEN_NOW
    return app


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """A client that sends the API key; entering it runs start-up, which creates the tables."""
    with TestClient(app, headers={"X-API-Key": API_KEY}) as test_client:
        yield test_client


@pytest.fixture
def db(client: TestClient) -> Database:
    """The app's own database handle, for asserting what was stored."""
    database: Database = client.app.state.db  # type: ignore[attr-defined]
    return database


@pytest.fixture
def halls(db: Database) -> None:
    seed_test_halls(db)
