"""Ledger export: .xlsx with the columns inspectors expect (encrypted with the export password), or, by the
explicit plain choice, a plain .xlsx, .csv or JSON. Every export is audited, saying whether it was encrypted."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from app.screening.grading import level_label
from app.screening.ledger import LedgerRow
from app.session import Session
from app.store.fileio import atomic_write_text
from app.tabular.writing import append_row, new_workbook, protection, save_named_csv, save_named_workbook

COLUMNS = ["学籍号", "姓名", "班级", "测评日期", "量表", "得分", "初评等级", "复核结果", "干预措施", "责任人", "状态",
           "更新日期"]


def row_values(r: LedgerRow) -> list[Any]:
    return [r.registry_no, r.name, r.class_name, r.taken_on, r.scales, r.scores,
            level_label(r.provisional_level) if r.provisional_level else "",
            r.review or "待复核", r.measure, r.responsible, r.status_label, r.updated_at[:10]]


def export_ledger(session: Session, rows: list[LedgerRow], fmt: str, path: Path, *, password: str | None = None,
                  plain: bool = False) -> Path:
    """Write the ledger. An .xlsx is encrypted with ``password``; without one, and for .csv and .json (which
    cannot be), only ``plain=True`` (the user's explicit choice after the warning) writes it."""
    path = Path(path)
    detail = {"kind": "screening_ledger", "rows": len(rows)}
    target = f"screening_ledger:{path.name}"
    if fmt == "xlsx":
        from openpyxl.styles import Font

        wb, ws = new_workbook("分级分类干预台账", COLUMNS)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for r in rows:
            append_row(ws, row_values(r))
        widths = [22, 10, 16, 12, 14, 20, 10, 12, 12, 10, 10, 12]
        for i, width in enumerate(widths):
            ws.column_dimensions[chr(ord("A") + i)].width = width
        ws.freeze_panes = "A2"
        return save_named_workbook(session, wb, path, password=password, plain=plain, target=target, detail=detail)
    if fmt == "csv":
        return save_named_csv(session, [COLUMNS, *(row_values(r) for r in rows)], path, plain=plain, target=target,
                              detail=detail)
    if fmt == "json":
        protection(None, plain)
        atomic_write_text(path, json.dumps([r.as_json() for r in rows], ensure_ascii=False, indent=1))
        session.audit("export", target, {**detail, "format": "json", "encrypted": False, "plain": True,
                                         "path": str(path.resolve())})
        return path
    raise ValueError(fmt)
