"""Follow-up dates that have come (or come within three days) on the 工作台.

A record's follow-up (``follow_up_date``) is *satisfied* — and leaves the 工作台 — when any of these holds:

* the counselor ticked it done (``follow_up_done``);
* a later live record exists for one of the record's students: any kind (individual session, group session,
  talk, parent meeting or call, home visit) whose ``occurred_at`` is after this record's. Whoever saw the
  student again has followed up; a counselor does not want to tick off what they already wrote down.

Only follow-ups that are still open are listed, overdue ones in red. The second case is stored as
``follow_up_done = 2`` by every write (``app.casework.records._refresh_follow_ups``) so that this query reads only
open follow-ups; the query tests the rule again as well, so a follow-up whose flag was never computed (a vault
written before the flag existed) still leaves the list once met; it only costs time.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from app.casework.model import KIND_LABELS
from app.policy import does_student_work, in_scope, scope_condition
from app.session import Session
from app.workbench import WorkItem

AHEAD_DAYS = 3

# A later live record about one of this record's students (the rule above), for use inside a WHERE on ``r``.
LATER_RECORD_SQL = (
    "EXISTS (SELECT 1 FROM case_attendance a1 JOIN case_attendance a2 ON a2.student_id = a1.student_id"
    " JOIN case_records r2 ON r2.id = a2.record_id"
    " WHERE a1.record_id = r.id AND r2.id <> r.id AND r2.deleted_at IS NULL AND r2.occurred_at > r.occurred_at)")


def open_follow_up_ids(session: Session, until: str) -> list[int]:
    """Ids of live records whose follow-up date is on or before ``until`` and which are not yet satisfied
    (for a head teacher: only records about a student of their class)."""
    params: dict[str, object] = {"until": until}
    scope_sql = ""
    cond, scope_params = scope_condition(session.account)
    if scope_params:
        scope_sql = (" AND r.id IN (SELECT a.record_id FROM students s JOIN case_attendance a"
                     " ON a.student_id = s.id WHERE " + cond + ")")
        params.update(scope_params)
    return [r[0] for r in session.db.query(
        "SELECT r.id FROM case_records r WHERE r.deleted_at IS NULL AND r.follow_up_done = 0"
        " AND r.follow_up_date IS NOT NULL AND r.follow_up_date <= :until" + scope_sql + " AND NOT "
        + LATER_RECORD_SQL, params)]


@dataclass
class _Due:
    kind: str
    follow: str
    occurred: str
    sids: list[int] = field(default_factory=list)
    names: list[str] = field(default_factory=list)


def follow_ups(session: Session, today: dt.date) -> list[WorkItem]:
    if not does_student_work(session.account):
        return []
    db = session.db
    # Step 1: the open follow-ups (partial index on follow_up_date; few rows once met ones are flagged).
    ids = open_follow_up_ids(session, (today + dt.timedelta(days=AHEAD_DAYS)).isoformat())
    if not ids:
        return []
    # Step 2: their students (a head teacher: only records about their class, naming only their students).
    rows: dict[int, _Due] = {}
    for chunk in range(0, len(ids), 500):
        part = ids[chunk:chunk + 500]
        marks = ",".join("?" * len(part))
        for r in db.query(
                f"SELECT r.id, r.kind, r.follow_up_date, r.occurred_at, s.id AS sid, s.name, s.class_id"
                f" FROM case_records r JOIN case_attendance a ON a.record_id = r.id"
                f" JOIN students s ON s.id = a.student_id WHERE r.id IN ({marks}) ORDER BY r.id, s.id", part):
            if not in_scope(session.account, r["class_id"]):
                continue
            row = rows.setdefault(r["id"], _Due(r["kind"], r["follow_up_date"], r["occurred_at"]))
            row.sids.append(r["sid"])
            row.names.append(r["name"])
    items = []
    for rid, row in sorted(rows.items(), key=lambda kv: (kv[1].follow, kv[0])):
        names = row.names
        who = "、".join(names) if len(names) <= 3 else "、".join(names[:3]) + f"等{len(names)}人"
        title = f"{who}：{KIND_LABELS.get(row.kind, row.kind)}（{row.occurred[:10]}）约定回访"
        items.append(WorkItem("follow_up", "到期回访", title, row.follow, overdue=row.follow < today.isoformat(),
                              student_id=row.sids[0] if len(row.sids) == 1 else None, source=f"case_records:{rid}"))
    return items

