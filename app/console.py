"""What every command-line handler shares: exit codes, reading the account and password, printing.

Both the dispatcher (``app/cli.py``) and each capability's ``commands.py`` use these, so a capability never
imports the dispatcher.

Exit codes: 0 done; 2 usage; 3 input rejected; 4 wrong password or locked out; 5 integrity failure; 6 the disk
or another program stopped a read or write (full, read-only, I/O error, busy: ``StorageError``; the vault is as
it was); 1 other.
"""
from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.config import default_data_dir
from app.errors import UsageError

if TYPE_CHECKING:
    from app.session import Session

EXIT_OK, EXIT_OTHER, EXIT_USAGE, EXIT_REJECTED, EXIT_PASSWORD, EXIT_INTEGRITY = 0, 1, 2, 3, 4, 5
EXIT_STORAGE = 6


def data_dir(args: argparse.Namespace) -> Path:
    return Path(args.data_dir) if args.data_dir else default_data_dir()


def username(args: argparse.Namespace) -> str:
    user = args.user or os.environ.get("XINQIAO_USER")
    if not user:
        raise UsageError("请用 --user 或环境变量 XINQIAO_USER 指定账号。")
    return user


def read_password(env: str = "XINQIAO_PASSWORD", prompt: str = "密码：") -> str:
    pw = os.environ.get(env)
    if pw is not None:
        return pw
    if not sys.stdin or not sys.stdin.isatty():
        raise UsageError(f"请在环境变量 {env} 中提供密码，或在终端中运行以输入密码。")
    return getpass.getpass(prompt)


def open_from_args(args: argparse.Namespace) -> Session:
    from app.session import open_session

    session = open_session(data_dir(args), username(args), read_password())
    for notice in session.notices:   # e.g. audit rows cut since the last checkpoint: told at every sign-in
        err(f"警告：{notice}")
    return session


def print_json(obj: Any) -> None:
    print(json.dumps(obj, ensure_ascii=False, indent=1, default=str))


def out(text: str) -> None:
    print(text)


def err(text: str) -> None:
    print(text, file=sys.stderr)
