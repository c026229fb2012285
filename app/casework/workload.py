"""Counselling work per person for the workload sheet (app.courses.workload): how many group sessions, talks and
individual sessions each person wrote down in a date range, with their minutes. Counts only: no student, no text."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.policy import can_read_workload, require
from app.session import Session

COUNTED_KINDS = ("group", "talk", "individual")


@dataclass(frozen=True)
class WorkCount:
    person: str     # the record's author as the program names the account (display name, else user name)
    kind: str       # group | talk | individual
    records: int
    minutes: int


def work_by_person(session: Session, start: str, end: str) -> list[WorkCount]:
    """Live group sessions, talks and individual sessions held from ``start`` to ``end`` (inclusive ISO dates),
    counted per author and kind."""
    require(session, can_read_workload)
    end_next = (dt.date.fromisoformat(end[:10]) + dt.timedelta(days=1)).isoformat()
    rows = session.db.query(
        "SELECT created_by, kind, count(*), coalesce(sum(duration_min), 0) FROM case_records"
        " WHERE deleted_at IS NULL AND occurred_at >= :s AND occurred_at < :e"
        " AND kind IN ('group', 'talk', 'individual') GROUP BY 1, 2 ORDER BY 1, 2", {"s": start, "e": end_next})
    return [WorkCount(str(r[0]), str(r[1]), int(r[2]), int(r[3])) for r in rows]
