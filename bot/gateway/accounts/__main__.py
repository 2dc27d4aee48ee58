"""Operators' account commands; passwords are read from stdin or a prompt, never an argument.

python -m bot.gateway.accounts add --role agent NAME        # agent | trainer | admin
python -m bot.gateway.accounts add --role agent --sso NAME  # logs in only through SSO_HEADER
python -m bot.gateway.accounts list
python -m bot.gateway.accounts disable NAME | enable NAME | passwd NAME
python -m bot.gateway.accounts ensure-admin   # first run: an admin, its password in a 0600 file
"""

from __future__ import annotations

import argparse
import getpass
import os
import secrets
import sys
from pathlib import Path
from typing import List

from bot.settings import get_settings

from .store import ROLES, AccountError, AccountStore

INITIAL_ADMIN = "admin"
INITIAL_PASSWORD_FILE = "initial_admin_password"


def read_password() -> str:
    """From a prompt (twice) on a terminal, else the first line of stdin."""
    if sys.stdin.isatty():
        first = getpass.getpass("密码:")
        if getpass.getpass("再次输入密码:") != first:
            raise AccountError("两次输入的密码不一致")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def write_private(path: Path, text: str) -> None:
    """Create `path` readable by its owner only, before a byte of `text` is written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(text + "\n")


def ensure_admin(store: AccountStore, var_dir: Path) -> None:
    """Create the first admin when there is none; say where its password is, never the password."""
    if store.has_admin():
        return
    path = var_dir / INITIAL_PASSWORD_FILE
    password = secrets.token_urlsafe(18)
    store.add(INITIAL_ADMIN, "admin", password)
    write_private(path, password)
    print(
        f"已创建管理员账号 {INITIAL_ADMIN},初始密码在 {path}(仅本机用户可读)。"
        "登录后请为每位坐席和训练员创建个人账号:"
        "python -m bot.gateway.accounts add --role agent 用户名"
    )


def parser() -> argparse.ArgumentParser:
    commands = argparse.ArgumentParser(prog="python -m bot.gateway.accounts")
    sub = commands.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add", help="新建账号")
    add.add_argument("--role", required=True, choices=sorted(ROLES))
    add.add_argument("--sso", action="store_true", help="只通过单点登录头登录,不设密码")
    add.add_argument("name")
    sub.add_parser("list", help="列出账号")
    for command in ("disable", "enable", "passwd"):
        sub.add_parser(command).add_argument("name")
    sub.add_parser("ensure-admin", help="没有管理员时创建一个")
    return commands


def main(argv: List[str]) -> int:
    args = parser().parse_args(argv)
    settings = get_settings()
    store = AccountStore(settings.resolved_feedback_database_url())
    try:
        if args.command == "add":
            password = None if args.sso else read_password()
            account = store.add(args.name, args.role, password)
            print(f"已创建{ROLES[account.role]}账号 {account.name}")
        elif args.command == "list":
            for account in store.accounts():
                login = "密码" if account.has_password else "单点登录"
                state = "启用" if account.active else "停用"
                print(f"{account.name}\t{account.role}\t{login}\t{state}")
        elif args.command in ("disable", "enable"):
            store.set_active(args.name, args.command == "enable")
            print(f"已{'启用' if args.command == 'enable' else '停用'}账号 {args.name}")
        elif args.command == "passwd":
            store.set_password(args.name, read_password())
            print(f"已修改 {args.name} 的密码")
        else:
            ensure_admin(store, settings.var_dir)
    except AccountError as error:
        print(f"错误:{error}", file=sys.stderr)
        return 1
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
