"""`python -m bot.gateway.accounts`: operators create staff accounts; passwords hashed slowly."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, text

from bot.gateway.accounts import AccountStore
from core.paths import PROJECT_ROOT


def accounts(var_dir: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "VAR_DIR": str(var_dir), "PYTHONPATH": str(PROJECT_ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "bot.gateway.accounts", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=PROJECT_ROOT,
        timeout=60,
    )


def test_an_operator_adds_an_agent_with_a_password_from_stdin(tmp_path: Path) -> None:
    added = accounts(tmp_path, "add", "--role", "agent", "liu.yang", stdin="s3cret-pass\n")
    assert added.returncode == 0, added.stderr
    assert "s3cret-pass" not in added.stdout + added.stderr
    store = AccountStore(f"sqlite:///{tmp_path / 'feedback.db'}")
    try:
        person = store.authenticate("liu.yang", "s3cret-pass")
        assert person is not None and person.role == "agent"
        assert store.authenticate("liu.yang", "wrong") is None
    finally:
        store.close()
    engine = create_engine(f"sqlite:///{tmp_path / 'feedback.db'}")
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT password_hash FROM staff_accounts")).scalar()
    engine.dispose()
    assert stored.startswith("scrypt$") and "s3cret-pass" not in stored

    listed = accounts(tmp_path, "list")
    assert "liu.yang" in listed.stdout and "agent" in listed.stdout
    again = accounts(tmp_path, "add", "--role", "agent", "liu.yang", stdin="other-pass\n")
    assert again.returncode != 0
    assert "已存在" in again.stderr


def test_a_short_password_or_an_unknown_role_is_refused(tmp_path: Path) -> None:
    short = accounts(tmp_path, "add", "--role", "agent", "chen", stdin="abc\n")
    assert short.returncode != 0 and "密码" in short.stderr
    role = accounts(tmp_path, "add", "--role", "boss", "chen", stdin="long-enough-pass\n")
    assert role.returncode != 0


def test_a_disabled_account_can_no_longer_log_in(tmp_path: Path) -> None:
    assert (
        accounts(tmp_path, "add", "--role", "trainer", "he", stdin="trainer-pass\n").returncode == 0
    )
    assert accounts(tmp_path, "disable", "he").returncode == 0
    store = AccountStore(f"sqlite:///{tmp_path / 'feedback.db'}")
    try:
        assert store.authenticate("he", "trainer-pass") is None
    finally:
        store.close()


def test_the_first_run_creates_an_admin_whose_password_is_only_in_a_private_file(
    tmp_path: Path,
) -> None:
    first = accounts(tmp_path, "ensure-admin")
    assert first.returncode == 0, first.stderr
    secret_file = tmp_path / "initial_admin_password"
    password = secret_file.read_text().strip()
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    assert str(secret_file) in first.stdout
    assert password not in first.stdout + first.stderr
    store = AccountStore(f"sqlite:///{tmp_path / 'feedback.db'}")
    try:
        admin = store.authenticate("admin", password)
        assert admin is not None and admin.role == "admin"
    finally:
        store.close()
    second = accounts(tmp_path, "ensure-admin")
    assert second.returncode == 0 and second.stdout == ""
