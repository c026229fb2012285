"""A spreadsheet file to rows of cells: .xlsx, .xls (Excel 97), .ods through python-calamine, .csv through csv.

Every row is a list of cells as the sheet holds them, the first list being sheet row 1 (rows and columns before the
data are kept, empty), a blank cell being ``None``: text as ``str``, whole numbers as ``int`` (a 15-digit 学籍辅号
typed as a number stays exact), other numbers as ``float``, dates as ``datetime.date`` / ``datetime.datetime``,
``True`` / ``False``. In the first ``HEADER_SCAN_ROWS`` rows, the cells covered by a merged cell take the merged
cell's value, so a "监护人" merged over two columns, or a header merged over two rows, reads as a header.

The file's content decides how it is read, not its name: an .xls that is really an .xlsx (or the reverse) reads,
and so does the tab-separated text some platforms save under an .xls name. A file that cannot be read raises an
``UnreadableFile`` (``FileEncrypted`` for a password) with a message naming the file; an empty sheet ``EmptySheet``.
An Excel 97 file is read in a child process (see ``_isolated``): a damaged one cannot take the program down.

Merged cells: calamine reports them for .xlsx and .xls; for .ods they are read from the file's content.xml.
"""
from __future__ import annotations

import codecs
import csv
import io
import logging
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast
from xml.etree.ElementTree import iterparse

from app.tabular.errors import EmptySheet, FileEncrypted, NotASpreadsheet, SheetNotFound, TableError, UnreadableFile

_log = logging.getLogger(__name__)

HEADER_SCAN_ROWS = 30
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
TEXT_SUFFIXES = (".csv", ".txt")
SUPPORTED_SUFFIXES = WORKBOOK_SUFFIXES + TEXT_SUFFIXES
OPEN_FILE_FILTER = "表格文件 (*.xlsx *.xls *.ods *.csv);;所有文件 (*)"  # for a file dialog

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97 .xls, and an Office file encrypted with a password
_ZIP = b"PK\x03\x04"                       # .xlsx, .ods
_ENCRYPTED_OOXML = "EncryptionInfo".encode("utf-16-le")  # the stream an encrypted .xlsx keeps its key data in
_MAX_EXACT = 2 ** 53
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_CHILD_SECONDS = 120
_T = TypeVar("_T")

Rows = list[list[Any]]
Merge = tuple[tuple[int, int], tuple[int, int]]  # (first row, first column), (last row, last column): 0-based


def sheet_rows(path: Path, sheet: str | None = None) -> tuple[str, Rows]:
    """The name and rows of ``sheet`` (the first worksheet when None; a CSV's file name).

    A ``sheet`` the workbook does not have raises ``SheetNotFound`` naming the sheets it has. A CSV has one
    table: ``sheet`` is not looked at."""
    path = Path(path)
    data = _file_bytes(path)
    if data.startswith(_OLE):
        return _isolated(_workbook_rows, path, data, sheet)
    if data.startswith(_ZIP):
        return _workbook_rows(path, data, sheet)
    return path.name, _text_rows(path, data)


def sheet_names(path: Path) -> list[str]:
    """The worksheet names of a workbook in workbook order (a .csv has none: an empty list)."""
    path = Path(path)
    data = _file_bytes(path)
    if data.startswith(_OLE):
        return _isolated(_workbook_names, path, data)
    if data.startswith(_ZIP):
        return _workbook_names(path, data)
    _text_rows(path, data)  # the same message as reading it would give, if it is not readable text either
    return []


def _file_bytes(path: Path) -> bytes:
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnreadableFile(f"{path.name}：不支持的文件类型“{suffix or '无扩展名'}”。"
                             "请使用 .xlsx、.xls、.ods 或 .csv 文件。")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UnreadableFile(f"找不到文件 {path}。") from None
    except IsADirectoryError:
        raise UnreadableFile(f"{path.name}：这是一个文件夹，不是文件。请选择文件夹里的表格文件。") from None
    except PermissionError as e:
        _log.info("%s: cannot read: %r", path, e)
        raise UnreadableFile(f"{path.name}：没有读取此文件的权限，或文件正被其他程序独占打开。"
                             "请关闭打开它的程序（如 Excel、WPS），或把文件复制到桌面后再导入。") from e
    except OSError as e:
        _log.info("%s: cannot read: %r", path, e)
        raise UnreadableFile(f"{path.name}：无法读取此文件（读盘出错）。请确认 U 盘或网络盘仍然连接，"
                             "或把文件复制到本机后再导入。") from e
    if not data:
        raise UnreadableFile(f"{path.name}：文件是空的（0 字节），可能没有下载或复制完整。请重新导出或复制后再导入。")
    instead = _not_a_spreadsheet(path, data)
    if instead is not None:
        raise NotASpreadsheet(instead)
    return data


def _isolated(func: Callable[..., _T], path: Path, *args: Any) -> _T:
    """Run ``func(path, *args)`` in a child process: an Excel 97 file is read there.

    calamine's .xls reader trusts sizes written in the file: a damaged .xls can make it ask for hundreds of
    gigabytes, and Rust then aborts the whole process (upstream tafia/calamine issues 684 and 714), which would
    close the window without a word. In a child process that abort costs only the child, and the user gets a
    message. The .xlsx and .ods readers checked their input in every damaged copy tried and run in-process.
    """
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")  # no fork: the parent may run Qt and worker threads
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(send, func, path, args), daemon=True)
    child.start()
    send.close()
    try:
        if not receive.poll(_CHILD_SECONDS):
            raise UnreadableFile(f"{path.name}：读取超过 {_CHILD_SECONDS} 秒仍未完成，文件可能已损坏。"
                                 "请在 Excel 或 WPS 中打开确认，“另存为” .xlsx 后再导入。")
        ok, value = receive.recv()
    except (EOFError, OSError):  # the child died without an answer: calamine aborted on this file
        raise UnreadableFile(_damaged_message(path, ValueError("读取时出错"))) from None
    finally:
        receive.close()
        child.join(timeout=5)
        if child.is_alive():
            child.kill()
            child.join()
    if ok:
        return cast(_T, value)
    raise value


def _child(send: Any, func: Callable[..., Any], path: Path, args: tuple[Any, ...]) -> None:
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)  # Rust's panic and abort messages are not the user's to read
    try:
        answer: tuple[bool, Any] = (True, func(path, *args))
    except TableError as e:
        answer = (False, e)
    send.send(answer)
    send.close()


def _workbook_names(path: Path, data: bytes) -> list[str]:
    with _open_workbook(path, data) as wb:
        return _worksheets(wb)


def _open_workbook(path: Path, data: bytes) -> Any:
    from python_calamine import CalamineWorkbook, PasswordError

    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(data))
    except PasswordError:
        raise FileEncrypted(_encrypted_message(path)) from None
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as e:  # noqa: BLE001 - CalamineError, and a Rust panic arrives as pyo3's PanicException
        if data.startswith(_OLE) and _ENCRYPTED_OOXML in data:
            raise FileEncrypted(_encrypted_message(path)) from None
        raise UnreadableFile(_damaged_message(path, e)) from e


def _quoted(names: list[str]) -> str:
    return "、".join(f"“{n}”" for n in names)


def _not_a_spreadsheet(path: Path, data: bytes) -> str | None:
    """What the file is instead, when its content shows it is not a spreadsheet at all (None: it may be one)."""
    what = _what_it_is(data)
    if what is None:
        return None
    return (f"{path.name}：这不是表格文件，看起来是{what}，只是扩展名为 {path.suffix or '（无）'}。"
            "请选择学校导出的 Excel 表格（.xlsx / .xls）、.ods 或 .csv 文件；如果表格在这个文件里，"
            "请在相应程序中把它复制到 Excel 或 WPS 表格，“另存为” .xlsx 后再导入。")


def _what_it_is(data: bytes) -> str | None:
    """A short Chinese name of what ``data`` is, when cheap to tell from its content and not a workbook."""
    if data.startswith(_ZIP):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = set(z.namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            return None  # a truncated zip: a damaged workbook, most likely
        if "xl/workbook.xml" in names or "xl/workbook.bin" in names or "content.xml" in names:
            return None
        if "word/document.xml" in names:
            return " Word 文档（.docx）"
        if "ppt/presentation.xml" in names:
            return " PowerPoint 演示文稿（.pptx）"
        if "[Content_Types].xml" in names or "mimetype" in names:
            return "其他 Office 文档，不是工作簿"
        return "一个压缩包（.zip）"
    if data.startswith(_OLE):
        # The stream names sit in the directory sectors, anywhere in the file: a workbook's "Workbook" (or "Book"),
        # an encrypted .xlsx's EncryptionInfo. Any of them, and the file is left to the workbook reader.
        if any(n.encode("utf-16-le") in data for n in ("Workbook", "Book", "EncryptionInfo")):
            return None
        if "WordDocument".encode("utf-16-le") in data:
            return " Word 97-2003 文档（.doc）"
        if "PowerPoint Document".encode("utf-16-le") in data:
            return " PowerPoint 97-2003 演示文稿（.ppt）"
        return None
    for magic, what in ((b"%PDF", " PDF 文档"), (b"\x89PNG", "一张图片（PNG）"), (b"\xff\xd8\xff", "一张图片（JPEG）"),
                        (b"GIF8", "一张图片（GIF）"), (b"Rar!", "一个压缩包（.rar）"), (b"7z\xbc\xaf", "一个压缩包（.7z）"),
                        (b"{\\rtf", " RTF 文档")):
        if data.startswith(magic):
            return what
    return None


def _encrypted_message(path: Path) -> str:
    return (f"{path.name}：文件设有打开密码，无法读取。请在 Excel 或 WPS 中输入密码打开，取消密码"
            "（文件 → 信息 → 保护工作簿 / 文档加密）后另存，再导入另存的文件。")


def _kind(path: Path) -> str:
    return "表格" if path.suffix.lower() in (".ods", ".csv", ".txt") else " Excel "


def _damaged_message(path: Path, e: BaseException) -> str:
    """Chinese only: the reader's own (English) words go to the log, never into the message."""
    _log.info("%s: cannot read: %s: %s", path.name, type(e).__name__, e)
    return (f"{path.name}：无法打开此{_kind(path)}文件，文件已损坏或不完整（例如没有下载或复制完）。"
            "请在 Excel 或 WPS 中打开它，“另存为” .xlsx 后再导入；打不开时请重新导出或重新复制一份。")


def _worksheets(wb: Any) -> list[str]:
    from python_calamine import SheetTypeEnum

    return [m.name for m in wb.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]


def _workbook_rows(path: Path, data: bytes, sheet: str | None) -> tuple[str, Rows]:
    with _open_workbook(path, data) as wb:
        names = _worksheets(wb)
        if not names:
            raise EmptySheet(f"{path.name}：文件中没有工作表。请确认选择了正确的文件。")
        if sheet is not None and sheet not in names:
            raise SheetNotFound(f"{path.name}：没有名为“{sheet}”的工作表。文件中的工作表有：{_quoted(names)}。"
                                "请从中选择一个（命令行用 --sheet 指定）。")
        name = sheet if sheet is not None else names[0]
        try:
            ws = wb.get_sheet_by_name(name)
            raw = ws.to_python(skip_empty_area=False)
            merges = ws.merged_cell_ranges  # .xlsx and .xls; None for .ods
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as e:  # noqa: BLE001 - as in _open_workbook
            raise UnreadableFile(_damaged_message(path, e)) from e
    if merges is None and data.startswith(_ZIP):
        merges = _ods_merges(data, name, HEADER_SCAN_ROWS)
    rows = [[_cell(v) for v in r] for r in raw]
    if not any(c is not None for r in rows for c in r):
        raise EmptySheet(f"{path.name}（工作表“{name}”）：工作表是空的。请确认选择了正确的文件和工作表。")
    _fill_merged_headers(rows, merges or [])
    return name, rows


def _cell(v: Any) -> Any:
    """calamine's cell to what the importers expect: "" -> None, 2013.0 -> 2013 (as openpyxl gives it)."""
    if v == "":
        return None
    if type(v) is float and v.is_integer() and -_MAX_EXACT < v < _MAX_EXACT:
        return int(v)
    return v


def _fill_merged_headers(rows: Rows, merges: list[Merge]) -> None:
    """Copy a merged cell's value into the cells it covers, for merges starting in the header area."""
    for (r0, c0), (r1, c1) in merges:
        if r0 >= HEADER_SCAN_ROWS or r0 >= len(rows):
            continue
        top = rows[r0][c0] if c0 < len(rows[r0]) else None
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            row = rows[r]
            while len(row) <= c1:
                row.append(None)
            for c in range(c0, c1 + 1):
                if row[c] is None:
                    row[c] = top


def _ods_merges(data: bytes, sheet: str, max_rows: int) -> list[Merge]:
    """Merged cells of an .ods sheet's first ``max_rows`` rows (calamine reports none for .ods), read from
    content.xml, where a merged cell carries table:number-columns-spanned / table:number-rows-spanned."""
    out: list[Merge] = []
    in_sheet = False
    row = col = 0
    rows_repeated = 1
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z, z.open("content.xml") as fh:
            for event, el in iterparse(fh, events=("start", "end")):
                tag = el.tag
                if tag == _TABLE + "table":
                    if event == "end" and in_sheet:
                        break
                    in_sheet = event == "start" and el.get(_TABLE + "name") == sheet
                    row = 0
                elif tag == _TABLE + "table-row":
                    if event == "start":
                        col = 0
                        rows_repeated = int(el.get(_TABLE + "number-rows-repeated", "1"))
                        continue
                    el.clear()
                    row += rows_repeated
                    if in_sheet and row >= max_rows:
                        break
                elif in_sheet and event == "start" and tag in (_TABLE + "table-cell", _TABLE + "covered-table-cell"):
                    span_c = int(el.get(_TABLE + "number-columns-spanned", "1"))
                    span_r = int(el.get(_TABLE + "number-rows-spanned", "1"))
                    if span_c > 1 or span_r > 1:
                        out.append(((row, col), (row + span_r - 1, col + span_c - 1)))
                    col += int(el.get(_TABLE + "number-columns-repeated", "1"))
    except (KeyError, ValueError, zipfile.BadZipFile, SyntaxError):  # not an .ods, or odd XML: no merges known
        return []
    return out


def _text_rows(path: Path, data: bytes) -> Rows:
    """A CSV (UTF-8 with or without BOM, GBK / GB18030, or UTF-16 with BOM), comma- or tab-separated: cells are
    text. An .xls name on such text is accepted (some platforms export tab-separated text as .xls)."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml", b"<meta")):
        raise UnreadableFile(f"{path.name}：这是网页（HTML/XML）格式的表格，只是扩展名为 {path.suffix}。"
                             "请用 Excel 或 WPS 打开，“另存为” .xlsx 后再导入。")
    # Excel's "Unicode 文本" is UTF-16 with a byte-order mark; otherwise a NUL byte means binary, not text.
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if not utf16 and b"\x00" in data[:4096]:
        raise NotASpreadsheet(f"{path.name}：无法打开此{_kind(path)}文件，这不是表格文件（内容既不是 Excel、WPS 或 .ods "
                              "表格，也不是文本）。请确认选择了正确的文件；表格请在 Excel 或 WPS 中“另存为” .xlsx 后再导入。")
    for enc in (("utf-16",) if utf16 else ("utf-8-sig", "gb18030")):
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnreadableFile(f"{path.name}：无法识别文件编码，请另存为 UTF-8 或 GBK 编码的 CSV。")
    sample = text[:4096]
    if path.suffix.lower() in WORKBOOK_SUFFIXES and "\t" not in sample and "," not in sample:
        raise NotASpreadsheet(f"{path.name}：无法打开此{_kind(path)}文件，它的内容是纯文本，不是表格文件（没有逗号或制表符"
                              f"分隔的列），只是扩展名为 {path.suffix}。请确认选择了正确的文件；表格请在 Excel 或 WPS 中"
                              "“另存为” .xlsx 后再导入。")
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    try:
        rows: Rows = [list(r) for r in csv.reader(io.StringIO(text), delimiter=delimiter)]
    except csv.Error as e:
        raise UnreadableFile(_damaged_message(path, e)) from e
    if not any(c.strip() for r in rows for c in r):
        raise EmptySheet(f"{path.name}：文件中没有任何内容。请确认选择了正确的文件。")
    return rows
