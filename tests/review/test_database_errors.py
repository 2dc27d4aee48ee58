"""Database errors never carry the statement's parameters (names, phone and ID numbers)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from bot.review.inbox import Inbox
from bot.service_api.db import Database
from connectors.hotline.feedback import FeedbackStore

PHONE, ID_NUMBER = "13812345678", "11010519491231002X"


def _failed_statement(engine: Engine) -> str:
    """The text of the error a failing statement with personal parameters raises."""
    with pytest.raises(DBAPIError) as caught, engine.connect() as connection:
        connection.execute(
            text("SELECT * FROM no_such_table WHERE phone = :phone AND id_number = :id_number"),
            {"phone": PHONE, "id_number": ID_NUMBER},
        )
    return str(caught.value)


def test_no_engine_puts_parameters_into_its_errors(tmp_path: Path) -> None:
    inbox = Inbox(tmp_path / "review.db")
    feedback = FeedbackStore(f"sqlite:///{tmp_path / 'feedback.db'}")
    service = Database(f"sqlite:///{tmp_path / 'service_api.db'}")
    try:
        for engine in (inbox.engine, feedback.engine, service.engine):
            message = _failed_statement(engine)
            assert "no_such_table" in message, "the statement itself is still reported"
            assert PHONE not in message and ID_NUMBER not in message, message
    finally:
        inbox.close()
        feedback.close()
        service.dispose()
