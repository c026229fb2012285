"""Exporting records to .xlsx: the same tier rules as the window (no confidential text unless a counselor asks
for it explicitly, and never for a head teacher)."""
from __future__ import annotations

from pathlib import Path

from app.casework.model import RISK_LABELS, CaseRecord
from app.errors import PermissionDenied
from app.policy import can_read_confidential
from app.session import Session

HEADERS = ["日期时间", "类型", "学籍号", "姓名", "班级", "时长（分钟）", "地点", "问题类别", "主诉", "记录摘要", "风险",
           "下一步", "回访日期", "录入人", "录入时间"]


def export_xlsx(session: Session, records: list[CaseRecord], path: Path, *, with_confidential: bool = False) -> Path:
    from openpyxl import Workbook

    from app.casework.records import get_record

    if with_confidential and not can_read_confidential(session.account):
        raise PermissionDenied("只有心理教师可以导出保密记录。")
    wb = Workbook()
    ws = wb.active
    ws.title = "谈话与辅导记录"
    ws.append(HEADERS + (["保密记录"] if with_confidential else []))
    for r in records:
        row = [r.occurred_at.replace("T", " "), r.kind_label, "、".join(s.registry_no for s in r.students),
               "、".join(s.name for s in r.students), "、".join(dict.fromkeys(s.class_name for s in r.students)),
               r.duration_min, r.place, "、".join(r.concern_categories), r.concern_text, r.summary,
               RISK_LABELS.get(r.risk, r.risk), r.next_step, r.follow_up_date or "", r.created_by, r.entered_at]
        if with_confidential:
            row.append(get_record(session, r.id).confidential or "")
        ws.append(row)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    session.audit("export", path.name, {"kind": "casework", "records": len(records),
                                        "confidential": with_confidential, "path": str(path.resolve())})
    return path
