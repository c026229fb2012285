"""Follow-up dates that have come (or come within three days) on the 工作台."""
from __future__ import annotations

import datetime as dt

from app.casework.model import KIND_LABELS
from app.session import Session
from app.workbench import WorkItem, register

AHEAD_DAYS = 3


def follow_ups(session: Session, today: dt.date) -> list[WorkItem]:
    if not session.account.does_student_work:
        return []
    params: dict[str, object] = {"until": (today + dt.timedelta(days=AHEAD_DAYS)).isoformat()}
    scope_sql = ""
    if session.account.class_scope is not None:
        scope_sql = " AND s.class_id = :scope"
        params["scope"] = session.account.class_scope
    rows = session.db.query(
        "SELECT r.id, r.kind, r.follow_up_date, r.occurred_at, min(s.id) AS sid, group_concat(s.name, '、') AS names,"
        " count(s.id) AS n FROM case_records r JOIN case_attendance a ON a.record_id = r.id"
        " JOIN students s ON s.id = a.student_id"
        " WHERE r.deleted_at IS NULL AND r.follow_up_done = 0 AND r.follow_up_date IS NOT NULL"
        " AND r.follow_up_date <= :until" + scope_sql +
        " GROUP BY r.id ORDER BY r.follow_up_date", params)
    items = []
    for r in rows:
        who = r["names"] if r["n"] <= 3 else "、".join(r["names"].split("、")[:3]) + f"等{r['n']}人"
        title = f"{who}：{KIND_LABELS.get(r['kind'], r['kind'])}（{r['occurred_at'][:10]}）约定回访"
        items.append(WorkItem("follow_up", "到期回访", title, r["follow_up_date"],
                              overdue=r["follow_up_date"] < today.isoformat(),
                              student_id=r["sid"] if r["n"] == 1 else None, source=f"case_records:{r['id']}"))
    return items


register("casework.follow_up", follow_ups)
