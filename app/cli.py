"""The command line. Thin: parse, call a capability, print. Never imports Qt.

Exit codes: 0 done; 2 usage; 3 input rejected; 4 wrong password or locked out; 5 integrity failure; 6 the disk
or another program stopped a read or write (full, read-only, I/O error, busy; the vault is as it was); 1 other.
Capabilities add sub-commands in ``app/<capability>/commands.py`` with ``register(sub)`` where each parser
sets ``func=handler(args) -> int``; they are found by ``_load_command_modules``.
"""
from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.config import default_data_dir
from app.errors import InputRejected, UsageError, XinqiaoError
from app.store.errors import SqliteError, storage_error

EXIT_OK, EXIT_OTHER, EXIT_USAGE, EXIT_REJECTED, EXIT_PASSWORD, EXIT_INTEGRITY = 0, 1, 2, 3, 4, 5
EXIT_STORAGE = 6


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse's own usage errors -> exit 2 in Chinese
        self.print_usage(sys.stderr)
        print(f"用法错误：{message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


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


def open_from_args(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from app.session import open_session

    return open_session(data_dir(args), username(args), read_password())


def print_json(obj: Any) -> None:
    print(json.dumps(obj, ensure_ascii=False, indent=1, default=str))


def out(text: str) -> None:
    print(text)


def err(text: str) -> None:
    print(text, file=sys.stderr)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="xinqiao", description="心桥 XinQiao：学校心理辅导室的离线桌面程序。不带子命令时打开窗口。")
    p.add_argument("--data-dir", help="数据文件夹（默认：环境变量 XINQIAO_DATA_DIR 或系统的用户数据目录）")
    p.add_argument("--user", help="账号（默认：环境变量 XINQIAO_USER）")
    p.add_argument("--demo", action="store_true", help="在临时的演示数据上打开窗口")
    p.add_argument("--screenshot", metavar="FILE", help="与 --demo 一起：把主窗口截图存为 PNG 后退出")
    sub = p.add_subparsers(dest="command", metavar="子命令", parser_class=_Parser)
    for module in _load_command_modules():
        module.register(sub)
    _add_common_options(sub)
    return p


def _add_common_options(sub: argparse._SubParsersAction) -> None:
    """Let --data-dir and --user also follow the sub-command (``students --user x``)."""
    seen: set[int] = set()
    for parser in sub.choices.values():
        if id(parser) in seen:
            continue
        seen.add(id(parser))
        existing = {s for a in parser._actions for s in a.option_strings}
        if "--data-dir" not in existing:
            parser.add_argument("--data-dir", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
        if "--user" not in existing:
            parser.add_argument("--user", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                _add_common_options(action)


def _load_command_modules() -> list[Any]:
    from app.plugins import capability_modules

    return capability_modules("commands")


def run_command(func: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    try:
        return func(args)
    except XinqiaoError as e:
        if getattr(args, "json", False) and isinstance(e, InputRejected):
            print_json({"ok": False, "message": e.message, "errors": []})
        err(f"错误：{e.message}")
        return e.exit_code
    except KeyboardInterrupt:
        err("已取消。")
        return EXIT_OTHER
    except BrokenPipeError:
        # The reader went away (``students --json | head``): stop quietly, as other command-line tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OTHER
    except (OSError, SqliteError) as e:
        # A full disk or a read-only folder met outside the database wrapper (a report file, lockout.json):
        # sorted by errno / result code like the wrapper's; anything else is a bug and keeps its traceback.
        typed = storage_error(e)
        if typed is None:
            raise
        err(f"错误：{typed.message}")
        return typed.exit_code


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0)
    if args.command is None:
        if args.screenshot and not args.demo:
            err("--screenshot 需要与 --demo 一起使用。")
            return EXIT_USAGE
        from ui.application import run_gui  # Qt only when the window is wanted

        return run_gui(args)
    return run_command(args.func, args)
