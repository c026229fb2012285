"""Find the header row, match columns by synonyms or a saved mapping, and yield rows with sheet row numbers."""
from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.tabular.errors import HeaderNotFound, MissingColumns, TableError
from app.tabular.sheets import HEADER_SCAN_ROWS, sheet_names, sheet_rows
from app.text import is_blank, normalize_text

__all__ = ["HEADER_SCAN_ROWS", "ColumnMap", "RowError", "Table", "TableError", "cell_text_header", "nonblank_rows",
           "normalize_header", "other_sheets_hint", "read_table", "sheet_names", "sheet_rows", "sheets_hint"]


@dataclass(frozen=True)
class RowError:
    row: int          # sheet row number as Excel shows it (1-based)
    field: str        # the Chinese column / field name
    reason: str       # Chinese
    value: str = ""

    def as_json(self) -> dict[str, object]:
        return {"row": self.row, "field": self.field, "reason": self.reason, "value": self.value}


ColumnMap = dict[str, list[int]]  # field -> column indexes, in priority order


@dataclass
class Table:
    path: Path
    sheet: str
    header_row: int
    headers: list[str]
    columns: ColumnMap
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)  # (sheet row, raw cells)

    def header_of(self, fieldname: str) -> str:
        cols = self.columns.get(fieldname) or []
        return self.headers[cols[0]] if cols else ""

    def mapping_view(self) -> tuple[list[str], dict[str, str]]:
        """What a mapping editor offers: the file's header cells, and the header each field matched so far."""
        return [h for h in self.headers if h], {f: self.header_of(f) for f in self.columns}

    def values(self, cells: Sequence[Any], fieldname: str) -> list[Any]:
        return [cells[i] if i < len(cells) else None for i in self.columns.get(fieldname, [])]

    def value(self, cells: Sequence[Any], fieldname: str) -> Any:
        """The first non-blank value among the field's columns."""
        for i in self.columns.get(fieldname, ()):
            v = cells[i] if i < len(cells) else None
            if v is not None and not is_blank(v if type(v) is str else str(v)):
                return v
        return None


def normalize_header(text: Any) -> str:
    return _normalize_header("" if text is None else str(text))


@functools.lru_cache(maxsize=4096)
def _normalize_header(text: str) -> str:  # header detection compares every synonym with 30 rows of cells
    t = normalize_text(text)
    t = re.sub(r"[\s*＊:：]", "", t)
    t = re.sub(r"[(（](必填|选填|必选)[)）]", "", t)
    return t.lower()


def _header_text(header: str | Sequence[str]) -> str:
    return header if isinstance(header, str) else "”或“".join(header)


def _unfound_mapping(raw: list[list[Any]], mapping: Mapping[str, str | Sequence[str]] | None,
                     labels: Mapping[str, str]) -> str:
    """A sentence naming the headers a mapping asks for that no cell of the header area holds ('' when none)."""
    if not mapping:
        return ""
    cells = {normalize_header(c) for row in raw[:HEADER_SCAN_ROWS] for c in row if c is not None}
    unfound = [(f, h) for f, h in mapping.items()
               if not any(normalize_header(x) in cells for x in ([h] if isinstance(h, str) else h))]
    if not unfound:
        return ""
    return ("没有找到指定的表头 " + "、".join(f"“{_header_text(h)}”（为“{labels.get(f, f)}”指定）" for f, h in unfound)
            + "，请检查列对应关系。")


def _other_sheets(path: Path, current: str) -> list[str]:
    try:
        return [n for n in sheet_names(path) if n != current]
    except TableError:
        return []


def other_sheets_hint(path: Path, current: str) -> str:
    """When the workbook has sheets besides ``current``: a sentence naming them and saying how to choose one."""
    return sheets_hint(_other_sheets(path, current))


def sheets_hint(others: Sequence[str]) -> str:
    """A sentence naming a workbook's other sheets and saying how to choose one ('' when there are none)."""
    if not others:
        return ""
    return ("此文件有多个工作表，其他工作表：" + "、".join(f"“{n}”" for n in others) + "。如果要导入的是其中一个，请选择它"
            "（命令行用 --sheet 指定，窗口中在“工作表”列表中选择）。")


def _match(headers: list[str], synonyms: Mapping[str, Sequence[str]]) -> ColumnMap:
    normalized = [normalize_header(h) for h in headers]
    columns: ColumnMap = {}
    taken: set[int] = set()
    for fieldname, names in synonyms.items():
        cols = []
        for name in names:  # synonyms in priority order
            target = normalize_header(name)
            for i, h in enumerate(normalized):
                if h == target and i not in taken and i not in cols:
                    cols.append(i)
        if cols:
            columns[fieldname] = cols
            taken.update(cols)
    return columns


def read_table(path: Path, synonyms: Mapping[str, Sequence[str]], required: Sequence[str],
               labels: Mapping[str, str], mapping: Mapping[str, str | Sequence[str]] | None = None,
               sheet: str | None = None, extra_columns: re.Pattern[str] | None = None) -> Table:
    """Read a table. ``mapping`` (field -> header text) overrides the synonyms for the fields it names.

    ``extra_columns``: a pattern for headers that a caller maps itself (e.g. 第1题 … ), counted when finding
    the header row.
    """
    path = Path(path)
    sheet_name, raw = sheet_rows(path, sheet)
    merged: dict[str, list[str]] = {k: list(v) for k, v in synonyms.items()}
    for fieldname, header in (mapping or {}).items():
        merged[fieldname] = [header] if isinstance(header, str) else list(header)
    best: tuple[int, int] | None = None  # (score, row index)
    for idx, row in enumerate(raw[:HEADER_SCAN_ROWS]):
        headers = ["" if c is None else str(c) for c in row]
        score = len(_match(headers, merged))
        if extra_columns is not None:
            score += sum(1 for h in headers if extra_columns.match(normalize_header(h)))
        if score >= 2 and (best is None or score > best[0]):
            best = (score, idx)
    if best is None:
        others = _other_sheets(path, sheet_name)
        wanted = "、".join(labels.get(f, f) for f in required)
        raise HeaderNotFound(f"{path.name}（工作表“{sheet_name}”）：前 {HEADER_SCAN_ROWS} 行中找不到表头行。"
                             f"表头应包含这些列：{wanted}。" + _unfound_mapping(raw, mapping, labels)
                             + sheets_hint(others), other_sheets=others)
    header_idx = best[1]
    headers = [cell_text_header(c) for c in raw[header_idx]]
    columns = _match(headers, merged)
    missing = [f for f in required if f not in columns]
    if missing:
        mapped = {f: h for f, h in (mapping or {}).items() if f in missing}
        unmapped = [f for f in missing if f not in mapped]
        parts = []
        if mapped:
            parts.append("没有找到指定的表头 " + "、".join(
                f"“{_header_text(h)}”（为“{labels.get(f, f)}”指定）" for f, h in mapped.items()))
        if unmapped:
            parts.append("缺少 " + "、".join(f"“{labels.get(f, f)}”" for f in unmapped) + " 列")
        raise MissingColumns(f"{path.name}（工作表“{sheet_name}”，第 {header_idx + 1} 行表头）：{'；'.join(parts)}。"
                             "请检查表头名称，或在导入时调整列对应关系。")
    table = Table(path, sheet_name, header_idx + 1, headers, columns)
    table.rows = [(i + 1, row) for i, row in enumerate(raw) if i > header_idx]
    return table


def cell_text_header(value: Any) -> str:
    return "" if value is None else normalize_text(str(value))


def nonblank_rows(table: Table) -> Iterator[tuple[int, list[Any]]]:
    for sheet_row, cells in table.rows:
        if any(c is not None and not is_blank(c if type(c) is str else str(c)) for c in cells):
            yield sheet_row, cells


def mapping_headers(path: Path, synonyms: Mapping[str, Sequence[str]], field_labels: Mapping[str, str],
                    mapping: Mapping[str, str | Sequence[str]] | None = None,
                    sheet: str | None = None) -> tuple[list[str], dict[str, str]] | None:
    """The header cells of the most likely header row and the columns matched so far, even when a required column
    is missing (so a mapping editor can offer the file's headers). None if no header row is found."""
    try:
        table = read_table(Path(path), synonyms, [], field_labels, mapping, sheet)
    except TableError:
        return None
    return table.mapping_view()
