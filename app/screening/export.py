"""Ledger export: .xlsx with the columns inspectors expect, .csv, or JSON. Every export is audited."""
from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from app.screening.grading import level_label
from app.screening.ledger import LedgerRow
from app.session import Session

COLUMNS = ["学籍号", "姓名", "班级", "测评日期", "量表", "得分", "初评等级", "复核结果", "干预措施", "责任人", "状态",
           "更新日期"]


def row_values(r: LedgerRow) -> list[Any]:
    return [r.registry_no, r.name, r.class_name, r.taken_on, r.scales, r.scores,
            level_label(r.provisional_level) if r.provisional_level else "",
            r.review or "待复核", r.measure, r.responsible, r.status_label, r.updated_at[:10]]


def export_ledger(session: Session, rows: list[LedgerRow], fmt: str, path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "xlsx":
        from openpyxl import Workbook
        from openpyxl.styles import Font

        wb = Workbook()
        ws = wb.active
        ws.title = "分级分类干预台账"
        ws.append(COLUMNS)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for r in rows:
            ws.append(row_values(r))
        widths = [22, 10, 16, 12, 14, 20, 10, 12, 12, 10, 10, 12]
        for i, width in enumerate(widths):
            ws.column_dimensions[chr(ord("A") + i)].width = width
        ws.freeze_panes = "A2"
        wb.save(path)
    elif fmt == "csv":
        with path.open("w", encoding="utf-8-sig", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(COLUMNS)
            for r in rows:
                writer.writerow(row_values(r))
    elif fmt == "json":
        path.write_text(json.dumps([r.as_json() for r in rows], ensure_ascii=False, indent=1), "utf-8")
    else:
        raise ValueError(fmt)
    session.audit("export", f"screening_ledger:{path.name}", {"format": fmt, "rows": len(rows),
                                                              "path": str(path.resolve())})
    return path
