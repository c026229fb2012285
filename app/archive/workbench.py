"""Support plans whose review date has come, or comes within a week (a reminder ahead of the date)."""
from __future__ import annotations

import datetime as dt

from app.archive.plans import plans_due_for_review
from app.policy import can_read_confidential
from app.session import Session
from app.workbench import WorkItem

REVIEW_NOTICE_DAYS = 7


def plan_reviews(session: Session, today: dt.date) -> list[WorkItem]:
    if not can_read_confidential(session.account):
        return []
    names = {r[0]: r[1] for r in session.db.query("SELECT id, name FROM students")}
    iso = today.isoformat()
    horizon = today + dt.timedelta(days=REVIEW_NOTICE_DAYS)
    return [WorkItem("plan_review", "一生一策复查",
                     f"{names.get(sid, '')} 的一生一策方案" + ("到期复查" if due <= iso else f"将于 {due} 复查"), due,
                     overdue=due < iso, student_id=sid)
            for sid, due in plans_due_for_review(session, horizon)]
