"""Where a command may write a file it was given with ``--out`` (or as the output-file argument).

One rule for every such path, checked before the vault is opened or a byte written:
- never inside the vault folder (an export must not replace ``vault.db``, ``keyslots.json`` or a backup, and
  a copy of student data does not belong among the vault's own files);
- the extension the format needs (``.xlsx`` for a workbook, ...), so ``--out vault.db`` cannot even be named;
- an existing file is replaced only when asked: ``--force``, or "y" at the terminal's question. Without a
  terminal and without ``--force`` the command stops with exit 3 and says so.
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from app.errors import InputRejected


def _ask_terminal(question: str) -> bool | None:
    """The answer typed at the terminal; None when there is no terminal to ask on."""
    if not (sys.stdin and sys.stdin.isatty()):
        return None
    return input(question).strip().lower() in ("y", "yes", "是")


def check_out_path(path: Path | str, vault_root: Path, extensions: Sequence[str], *, force: bool = False,
                   ask: Callable[[str], bool | None] = _ask_terminal) -> Path:
    """The absolute path to write, or ``InputRejected`` saying what is wrong with ``path`` and what to do."""
    raw = Path(path).expanduser()
    target = raw.resolve()
    wanted = [e.lower() for e in extensions]
    if target.suffix.lower() not in wanted:
        names = " 或 ".join(wanted)
        raise InputRejected(f"输出文件“{raw}”的扩展名应为 {names}，例如 {raw.with_suffix(wanted[0]).name}。")
    root = Path(vault_root).expanduser().resolve()
    if target == root or target.is_relative_to(root):
        raise InputRejected(f"不能把文件写到心桥的数据文件夹 {root} 里（那里是加密数据库、密钥和备份）。"
                            "请换一个位置，例如桌面或 U 盘。")
    if target.is_dir():
        raise InputRejected(f"“{raw}”是一个文件夹，请给出文件名，例如 {raw / ('导出' + wanted[0])}。")
    if target.exists() and not force:
        answer = ask(f"文件 {target} 已存在。覆盖它吗？(y/N) ")
        if answer is None:
            raise InputRejected(f"文件 {target} 已存在，没有覆盖。要覆盖请加 --force，或换一个文件名。")
        if not answer:
            raise InputRejected(f"已取消：文件 {target} 已存在，没有覆盖。")
    return target


def add_force_option(parser: argparse.ArgumentParser) -> None:
    """``--force`` for a command that writes a file."""
    parser.add_argument("--force", action="store_true", help="输出文件已存在时直接覆盖，不再询问")
