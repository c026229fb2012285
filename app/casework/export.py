"""Exporting records to .xlsx: the same tier rules as the window (no confidential text unless a counselor asks
for it explicitly, and never for a head teacher)."""
from __future__ import annotations

from pathlib import Path

from app.casework.coverage import ClassCoverage
from app.casework.model import RISK_LABELS, CaseRecord
from app.errors import PermissionDenied
from app.policy import can_read_confidential
from app.session import Session
from app.tabular.writing import append_row, new_workbook, protection, save_named_workbook

HEADERS = ["日期时间", "类型", "学籍号", "姓名", "班级", "时长（分钟）", "地点", "问题类别", "主诉", "记录摘要", "风险",
           "下一步", "回访日期", "录入人", "录入时间"]


def export_xlsx(session: Session, records: list[CaseRecord], path: Path, *, with_confidential: bool = False,
                password: str | None = None, plain: bool = False) -> Path:
    """Encrypted with ``password``; plain only by the explicit ``plain=True`` (see app.tabular.writing)."""
    from app.casework.records import get_record

    if with_confidential and not can_read_confidential(session.account):
        raise PermissionDenied("只有心理教师可以导出保密记录。")
    protection(password, plain)  # refused before any record is read
    wb, ws = new_workbook("谈话与辅导记录", HEADERS + (["保密记录"] if with_confidential else []))
    for r in records:
        row = [r.occurred_at.replace("T", " "), r.kind_label, "、".join(s.registry_no for s in r.students),
               "、".join(s.name for s in r.students), "、".join(dict.fromkeys(s.class_name for s in r.students)),
               r.duration_min, r.place, "、".join(r.concern_categories), r.concern_text, r.summary,
               RISK_LABELS.get(r.risk, r.risk), r.next_step, r.follow_up_date or "", r.created_by, r.entered_at]
        if with_confidential:
            row.append(get_record(session, r.id).confidential or "")
        append_row(ws, row)
    return save_named_workbook(session, wb, Path(path), password=password, plain=plain,
                               detail={"kind": "casework", "records": len(records), "confidential": with_confidential})


COVERAGE_HEADERS = ["班级", "学期", "学生数", "一生一谈", "重点学生家访", "家长反馈"]
MISSING_HEADERS = ["班级", "项目", "学籍号", "姓名"]


def export_coverage(session: Session, rows: list[ClassCoverage], path: Path, *, password: str | None = None,
                    plain: bool = False) -> Path:
    """一生一谈 / 家访 / 家长反馈 coverage as an .xlsx: the counts per class, and who is still missing each (named
    records: encrypted with ``password``, plain only by the explicit ``plain=True``)."""
    protection(password, plain)
    wb, ws = new_workbook("完成情况", COVERAGE_HEADERS)
    for c in rows:
        append_row(ws, [c.class_name, c.semester, c.students,
                        *(f"{len(m.done)}/{m.total}" for m in (c.talk, c.home_visit, c.feedback))])
    missing = wb.create_sheet("未完成名单")
    append_row(missing, MISSING_HEADERS)
    for c in rows:
        for m in (c.talk, c.home_visit, c.feedback):
            for s in m.missing:
                append_row(missing, [c.class_name, m.label, s.registry_no, s.name])
    return save_named_workbook(session, wb, Path(path), password=password, plain=plain,
                               target=f"coverage:{Path(path).name}", detail={"kind": "coverage", "classes": len(rows)})
