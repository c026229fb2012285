"""Records per month and kind for a date range (the 统计报表 chart of sessions): counts only, no student, no text."""
from __future__ import annotations

import datetime as dt

from app.casework.model import KINDS
from app.policy import does_student_work, require, scope_condition
from app.session import Session


def records_by_month(session: Session, start: dt.date, end: dt.date) -> dict[str, dict[str, int]]:
    """``{"2026-10": {"individual": 3, "talk": 12, …}, …}`` for live records held from ``start`` to ``end``
    (inclusive), every month of the range present (empty months too), every kind in ``KINDS`` order. A head
    teacher counts only records about their class."""
    require(session, does_student_work)
    cond, params = scope_condition(session.account)
    where = "r.deleted_at IS NULL AND r.occurred_at >= :s AND r.occurred_at < :e"
    if params:
        where += (" AND EXISTS (SELECT 1 FROM case_attendance a JOIN students s ON s.id = a.student_id"
                  " WHERE a.record_id = r.id AND " + cond + ")")
    out: dict[str, dict[str, int]] = {}
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        out[f"{y:04d}-{m:02d}"] = {k: 0 for k in KINDS}
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    for month, kind, n in session.db.query(
            f"SELECT substr(r.occurred_at, 1, 7), r.kind, count(*) FROM case_records r WHERE {where} GROUP BY 1, 2",
            {**params, "s": start.isoformat(), "e": (end + dt.timedelta(days=1)).isoformat()}):
        if str(month) in out and str(kind) in out[str(month)]:
            out[str(month)][str(kind)] = int(n)
    return out
