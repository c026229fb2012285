"""The crisis ledger (危机干预与转介台账) as .xlsx: one row per case the account may see, ordinary tier by default;
confidential notes only when a counselor asks for them explicitly, never for a head teacher. Every export is
written to the audit log."""
from __future__ import annotations

from pathlib import Path

from app.crisis.cases import get_case, list_cases
from app.crisis.model import short
from app.errors import PermissionDenied
from app.policy import can_read_confidential
from app.session import Session
from app.store.fileio import atomic_write_bytes

HEADERS = ["编号", "学籍号", "姓名", "班级", "等级", "来源", "负责人", "发现时间", "状态", "结案时间", "个案概况",
           "通知家长", "书面告知书", "转介机构", "转介时间", "转介结果", "治疗或休学", "复学评估", "逾期步骤"]
CONFIDENTIAL_HEADERS = ["保密记录", "结案说明"]


def export_xlsx(session: Session, path: Path, *, open_only: bool = False, with_confidential: bool = False) -> int:
    """Write the ledger; returns the number of cases."""
    from io import BytesIO

    from openpyxl import Workbook

    if with_confidential and not can_read_confidential(session.account):
        raise PermissionDenied("只有心理教师可以导出危机个案的保密记录。")
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "危机干预与转介台账"
    ws.append(HEADERS + (CONFIDENTIAL_HEADERS if with_confidential else []))
    rows = list_cases(session, open_only=open_only)
    for r in rows:
        case = get_case(session, r.id, audit=False)
        notify = case.step("notify_parents")
        referral = case.step("referral")
        treatment = case.step("treatment")
        ret = case.step("return_assessment")
        told = (f"{short(notify.done_at)} {notify.done_by} {notify.data.get('method', '')}"
                if notify and notify.status == "done" else "")
        line = [r.id, r.registry_no, r.student_name, r.class_name, r.level_label, r.source_label, r.owner,
                short(r.opened_at), r.status_label, short(r.closed_at), r.summary, told,
                "已交" if notify and notify.data.get("letter_given") else "",
                referral.data.get("institution", "") if referral else "",
                short(referral.done_at) if referral and referral.status == "done" else "",
                referral.data.get("outcome", "") if referral else "",
                treatment.data.get("kind", "") if treatment else "",
                short(ret.done_at) if ret and ret.status == "done" else "",
                "、".join(s.name for s in case.steps if s.overdue)]
        if with_confidential:
            line += [case.note, case.closing_note]
        ws.append(line)
    buf = BytesIO()
    wb.save(buf)
    atomic_write_bytes(path, buf.getvalue())
    session.audit("export", str(path.name), {"crisis_cases": len(rows), "confidential": with_confidential,
                                             "path": str(Path(path).resolve())})
    return len(rows)
