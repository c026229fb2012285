"""Casework on the student's timeline: read from case_records through case_attendance (a group session is one
record shown on every attendee's timeline; no rows are copied). Confidential notes only for counselors."""
from __future__ import annotations

from app.archive.chronology import CONFIDENTIAL, ORDINARY, TimelineEvent
from app.casework.model import KIND_LABELS, RISK_LABELS
from app.policy import can_read_confidential
from app.session import Session


def _title(kind: str, title: str, duration: int | None, others: int) -> str:
    text = KIND_LABELS.get(kind, kind)
    if title:
        text += f"：{title}"
    if kind == "group" and others:
        text += f"（共 {others + 1} 人参加）"
    if duration:
        text += f"，{duration} 分钟"
    return text


def casework_events(session: Session, student_id: int) -> list[TimelineEvent]:
    sees = can_read_confidential(session.account)
    rows = session.db.query(
        "SELECT r.id, r.kind, r.occurred_at, r.duration_min, r.title, r.summary, r.confidential, r.risk,"
        " r.next_step, r.follow_up_date,"
        " (SELECT count(*) - 1 FROM case_attendance o WHERE o.record_id = r.id) AS others"
        " FROM case_attendance a JOIN case_records r ON r.id = a.record_id"
        " WHERE a.student_id = :s AND r.deleted_at IS NULL", {"s": student_id})
    events = []
    shown_confidential = 0
    for r in rows:
        parts = [r["summary"]] if r["summary"] else []
        if r["risk"] not in ("none", None):
            parts.append(f"风险：{RISK_LABELS.get(r['risk'], r['risk'])}")
        if r["next_step"]:
            parts.append(f"下一步：{r['next_step']}")
        if r["follow_up_date"]:
            parts.append(f"回访日期：{r['follow_up_date']}")
        tier = ORDINARY
        if sees and r["confidential"]:
            parts.append(f"【保密】{r['confidential']}")
            tier = CONFIDENTIAL
            shown_confidential += 1
        events.append(TimelineEvent(r["occurred_at"], "casework", str(KIND_LABELS.get(r["kind"], r["kind"])),
                                    _title(r["kind"], r["title"], r["duration_min"], r["others"]),
                                    "\n".join(parts), tier, f"case_records:{r['id']}"))
    if shown_confidential:
        session.audit("view_confidential", f"student_id:{student_id}",
                      {"timeline": "casework", "records": shown_confidential})
    return events

