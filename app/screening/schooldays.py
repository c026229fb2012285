"""School-day arithmetic for due dates: weekends skipped, and, given the vault, the school's holiday ranges
skipped and its make-up school days (调休上课) counted (app/school/holidays.py)."""
from __future__ import annotations

import datetime as dt

from app.school import holidays
from app.store.db import Database


def add_school_days(start: dt.date, days: int, db: Database | None = None) -> dt.date:
    """The date ``days`` school days after ``start``, counting from the next school day. Without ``db``,
    Saturday and Sunday are the only days skipped."""
    if db is not None:
        return holidays.add_school_days(db, start, days)
    d = start
    left = days
    while left > 0:
        d += dt.timedelta(days=1)
        if d.weekday() < 5:
            left -= 1
    return d
