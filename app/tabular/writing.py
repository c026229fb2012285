"""Writing spreadsheets that leave the vault: named records leave encrypted, and no cell is a formula.

Every .xlsx and .csv the program writes goes through here:

- ``text_cell(value)``: the one rule for cells. A text beginning with = + - @, a tab or a carriage return would be
  taken by Excel or WPS as a formula (or a formula after trimming); it is written as text instead: in an .xlsx as a
  string cell with the quote prefix (Excel shows it as typed), in a .csv with a leading apostrophe.
- ``new_workbook`` / ``append_row``: an openpyxl workbook whose rows go through ``text_cell``.
- ``save_named_workbook``: an .xlsx of named records, encrypted with the standard Office encryption (ECMA-376
  agile, AES-256, msoffcrypto-tool) when a password is given. Excel and WPS ask for the password to open it.
  Without a password it is written plain only when the caller says so (``plain=True``: the user chose it after a
  warning); otherwise ``ExportPasswordRequired``. The audit line says which (``encrypted`` true or false).
- ``save_named_csv``: a .csv of named records is always plain, so it too needs ``plain=True``.

The export password is never stored: the window keeps it in memory for the session (cleared on lock), the
command line reads it from ``XINQIAO_EXPORT_PASSWORD``.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.errors import InputRejected
from app.store.fileio import atomic_write_bytes

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    from app.session import Session

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EXPORT_PASSWORD_ENV = "XINQIAO_EXPORT_PASSWORD"
MIN_PASSWORD_LENGTH = 6
PLAIN_WARNING = ("不加密导出的文件任何人都能打开：其中有学生的姓名、学籍号等个人信息。"
                 "请只在确有需要时使用，用完及时删除，不要通过微信、QQ 或邮件发送。")


class ExportPasswordRequired(InputRejected):
    """A named export was asked for without a password and without the explicit plain choice."""


def needs_text(value: Any) -> bool:
    """Whether a spreadsheet program would read this value as a formula."""
    return type(value) is str and value.startswith(FORMULA_STARTS)


def text_cell(value: Any, *, csv_cell: bool = False) -> Any:
    """The value as it must be written: unchanged, except a formula-like text, which a .csv gets with a leading
    apostrophe (an .xlsx keeps it as typed and marks the cell as text: see ``append_row``)."""
    if csv_cell and needs_text(value):
        return "'" + value
    return value


def new_workbook(title: str, headers: Sequence[str] = ()) -> tuple[Workbook, Worksheet]:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title
    if headers:
        append_row(ws, headers)
    return wb, ws


def append_row(ws: Worksheet, values: Iterable[Any]) -> None:
    """``ws.append`` with every formula-like text written as a text cell (never a formula)."""
    values = [text_cell(v) for v in values]
    ws.append(values)
    row = ws.max_row
    for col, v in enumerate(values, start=1):
        if needs_text(v):
            cell = ws.cell(row=row, column=col)
            cell.value = v
            cell.data_type = "s"
            cell.quotePrefix = True


def csv_rows(rows: Iterable[Sequence[Any]]) -> bytes:
    """Rows as a UTF-8 (with BOM, for Excel) comma-separated file, every cell through ``text_cell``."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf)
    for r in rows:
        writer.writerow([text_cell(v, csv_cell=True) for v in r])
    return buf.getvalue().encode("utf-8-sig")


def workbook_bytes(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def encrypt_xlsx(data: bytes, password: str) -> bytes:
    """An .xlsx encrypted with the standard Office encryption (what Excel's 用密码进行加密 writes)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(data)).encrypt(password, out)
    return out.getvalue()


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputRejected(f"导出密码至少 {MIN_PASSWORD_LENGTH} 个字符。")
    return password


@dataclass(frozen=True)
class ExportProtection:
    """How a file of named records leaves: with ``password``, or plain by an explicit choice."""

    password: str | None = None
    plain: bool = False

    def __post_init__(self) -> None:
        if self.password is not None:
            check_password(self.password)

    @property
    def encrypted(self) -> bool:
        return self.password is not None


def missing_password_message() -> str:
    return ("导出含学生姓名的文件需要设置打开密码。命令行：把密码放在环境变量 "
            f"{EXPORT_PASSWORD_ENV} 中（不要写在命令参数里），例如 "
            f"export {EXPORT_PASSWORD_ENV}='……'；确需不加密导出时加 --plain。")


def protection(password: str | None = None, plain: bool = False) -> ExportProtection:
    """The caller's choice, refused when it is neither a password nor the explicit plain choice."""
    if password:
        return ExportProtection(password)
    if plain:
        return ExportProtection(None, plain=True)
    raise ExportPasswordRequired(missing_password_message())


def save_named_workbook(session: Session, wb: Workbook, path: Path, *, password: str | None = None,
                        plain: bool = False, target: str = "", detail: dict[str, Any] | None = None) -> Path:
    """Write an .xlsx of named records (encrypted unless ``plain``) and audit the export, saying which."""
    how = protection(password, plain)
    path = Path(path)
    data = workbook_bytes(wb)
    if how.password is not None:
        data = encrypt_xlsx(data, how.password)
    atomic_write_bytes(path, data)
    _audit(session, path, how, "xlsx", target, detail)
    return path


def save_named_csv(session: Session, rows: Iterable[Sequence[Any]], path: Path, *, plain: bool = False,
                   target: str = "", detail: dict[str, Any] | None = None) -> Path:
    """A .csv of named records: plain by nature, so only by the explicit plain choice."""
    how = protection(None, plain)
    path = Path(path)
    atomic_write_bytes(path, csv_rows(rows))
    _audit(session, path, how, "csv", target, detail)
    return path


def _audit(session: Session, path: Path, how: ExportProtection, fmt: str, target: str,
           detail: dict[str, Any] | None) -> None:
    session.audit("export", target or path.name, {**(detail or {}), "format": fmt, "encrypted": how.encrypted,
                                                  "plain": not how.encrypted, "path": str(path.resolve())})
