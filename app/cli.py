"""The command line. Thin: parse, call a capability, print. Never imports Qt or ``ui``.

Exit codes and the helpers every handler shares are in ``app/console.py``. Capabilities add sub-commands through
``Capability.commands`` (a ``register(sub)`` in ``app/<capability>/commands.py`` whose parsers set
``func=handler(args) -> int``). ``main.py`` decides between the window and a sub-command: ``main(argv, window=...)``
calls ``window(args)`` when no sub-command is given.
"""
from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from app.capabilities import install_default
from app.console import EXIT_OTHER, EXIT_USAGE, err, print_json
from app.errors import InputRejected, XinqiaoError
from app.selftest import Step
from app.store.errors import SqliteError, storage_error
from app.version import version_line

Window = Callable[[argparse.Namespace], int]


# argparse's own words, in Chinese: argparse looks its messages up through ``gettext`` at call time (a catalogue,
# as a .mo file would be; no message is ever matched to decide anything).
_ARGPARSE_ZH = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "optional arguments": "选项",
    "show this help message and exit": "显示此帮助并退出",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s（请用 --help 查看可用的参数）",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选项值：%(value)r（可选：%(choices)s）",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "expected one argument": "需要一个值",
    "expected at most one argument": "最多需要一个值",
    "expected at least one argument": "至少需要一个值",
    "invalid %(type)s value: %(value)r": "无效的值：%(value)r",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 不明确，可能是：%(matches)s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "one of the arguments %s is required": "需要以下参数之一：%s",
    "ignored explicit argument %r": "忽略了多余的值 %r",
}


def _zh(text: str) -> str:
    return _ARGPARSE_ZH.get(text, text)


def _zh_n(singular: str, plural: str, n: int) -> str:
    if singular == "expected %s argument":
        return "需要 %s 个值"
    return singular if n == 1 else plural


argparse._ = _zh  # type: ignore[attr-defined]
argparse.ngettext = _zh_n  # type: ignore[attr-defined]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse's own usage errors -> exit 2 in Chinese
        self.print_usage(sys.stderr)
        print(f"用法错误：{message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="xinqiao", description="心桥 XinQiao：学校心理辅导室的离线桌面程序。不带子命令时打开窗口。")
    p.add_argument("--data-dir", help="数据文件夹（默认：环境变量 XINQIAO_DATA_DIR 或系统的用户数据目录）")
    p.add_argument("--user", help="账号（默认：环境变量 XINQIAO_USER）")
    p.add_argument("--demo", action="store_true", help="在临时的演示数据上打开窗口")
    p.add_argument("--screenshot", metavar="FILE", help="与 --demo 一起：把主窗口截图存为 PNG 后退出")
    p.add_argument("--version", action="version", version=version_line(), help="显示版本号并退出")
    p.add_argument("--self-test", action="store_true",
                   help="自检：在临时数据上检查数据库、加密、计分、信件、图表、数据包和界面，全部通过时退出码为 0")
    sub = p.add_subparsers(dest="command", metavar="子命令", parser_class=_Parser)
    for add_commands in install_default().command_registrars():
        add_commands(sub)
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


def main(argv: list[str] | None = None, *, window: Window | None = None,
         self_test_steps: Callable[[], Sequence[Step]] | None = None) -> int:
    """Parse ``argv`` and run its sub-command; with none, open ``window(args)`` (given by ``main.py``) or, when
    there is no window, print the help. ``--self-test`` runs ``app.selftest`` plus the window's steps
    (``self_test_steps()``, given by ``main.py``)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0)
    if args.self_test:
        from app import selftest

        if args.command is not None or args.demo or args.screenshot:
            err("--self-test 不能与子命令、--demo 或 --screenshot 一起使用。")
            return EXIT_USAGE
        selftest.self_test_environment()
        return selftest.run(self_test_steps() if self_test_steps else ())
    if args.command is None:
        if args.screenshot and not args.demo:
            err("--screenshot 需要与 --demo 一起使用。")
            return EXIT_USAGE
        if window is None:
            parser.print_help()
            return EXIT_USAGE
        return window(args)
    return run_command(args.func, args)
