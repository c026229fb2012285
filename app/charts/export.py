"""Saving a chart: its picture as PNG, its table as .xlsx. Both are audited exports (figures only: no student is
named in a chart, so the .xlsx is written plain, like the county's district table)."""
from __future__ import annotations

from pathlib import Path

from app.charts.builders import Chart, Table
from app.errors import InputRejected
from app.policy import Rule, require
from app.session import Session
from app.store.fileio import atomic_write_bytes


def table_xlsx(table: Table) -> bytes:
    """The table as an .xlsx: a title row, the headers, the rows (every text through the no-formula rule)."""
    from app.tabular.writing import append_row, new_workbook, workbook_bytes

    wb, ws = new_workbook(_sheet_title(table.title))
    append_row(ws, [table.title])
    append_row(ws, table.headers)
    for row in table.rows:
        append_row(ws, row)
    ws.column_dimensions["A"].width = max(12, min(40, max((len(str(r[0])) for r in table.rows), default=0) * 2 + 2))
    return workbook_bytes(wb)


def _sheet_title(title: str) -> str:
    bad = set("[]:*?/\\")
    return "".join(ch for ch in title if ch not in bad)[:31] or "图表"


def _target(session: Session, path: Path, suffix: str) -> Path:
    """``path`` checked: its extension, an existing folder, and never the vault folder (the CLI's rule, for the
    window too). A file chosen in the save dialog has already been confirmed there, so it is replaced."""
    from app.store.outpaths import check_out_path

    path = Path(path)
    if path.suffix.lower() != suffix:
        raise InputRejected(f"文件“{path.name}”的扩展名应为 {suffix}。请换一个文件名。")
    if not path.parent.is_dir():
        raise InputRejected(f"文件夹“{path.parent}”不存在。请选择一个已有的文件夹。")
    check_out_path(path, session.paths.root, [suffix], force=True)
    return path


def save_png(session: Session, chart: Chart, path: Path, *, rule: Rule, what: str = "保存统计图",
             dpi: float = 150, detail: dict[str, object] | None = None) -> Path:
    """Write the chart's picture to ``path`` (.png); audited as an export."""
    require(session, rule, what)
    path = _target(session, path, ".png")
    data = chart.png(dpi)
    with session.db.transaction():
        atomic_write_bytes(path, data)
        session.audit("export", str(path.resolve()), {**(detail or {}), "what": chart.title, "chart": chart.key,
                                                      "format": "png", "named": False})
    return path


def save_table(session: Session, chart: Chart, path: Path, *, rule: Rule, what: str = "导出统计表",
               detail: dict[str, object] | None = None) -> Path:
    """Write the chart's table to ``path`` (.xlsx, plain: figures only); audited as an export."""
    require(session, rule, what)
    path = _target(session, path, ".xlsx")
    data = table_xlsx(chart.table)
    with session.db.transaction():
        atomic_write_bytes(path, data)
        session.audit("export", str(path.resolve()), {**(detail or {}), "what": chart.title, "chart": chart.key,
                                                      "format": "xlsx", "encrypted": False, "named": False})
    return path
