"""工作台: school days with nobody on duty in the counseling room, from today to the end of this week (and the next
school day, when that falls in the next week)."""
from __future__ import annotations

import datetime as dt

from app.people.duty import uncovered_days
from app.policy import can_counsel
from app.school.holidays import WEEKDAYS, school_days
from app.session import Session
from app.workbench import WorkItem


def duty_items(session: Session, today: dt.date) -> list[WorkItem]:
    if not can_counsel(session.account):
        return []  # the counselors staff the room; a 管理员 keeps the roster on the page, not on the 工作台
    last = today + dt.timedelta(days=6 - today.weekday())  # this Sunday
    upcoming = school_days(session.db, today + dt.timedelta(days=1), today + dt.timedelta(days=21))
    if upcoming and upcoming[0] > last:
        last = upcoming[0]  # Friday (or a holiday eve): tomorrow's school day is next week's first
    items = []
    for day in uncovered_days(session, today, last):
        when = "今天" if day == today else ("明天" if day == today + dt.timedelta(days=1) else "")
        items.append(WorkItem("duty_uncovered", "值班安排",
                              f"{day.isoformat()}（{when or '星期' + WEEKDAYS[day.weekday()]}）心理辅导室无人值班",
                              day.isoformat(), overdue=day == today, source=f"duty_roster:{day.isoformat()}"))
    return items
