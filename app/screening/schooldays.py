"""School-day arithmetic for due dates (weekends skipped; holidays are not known to the app)."""
from __future__ import annotations

import datetime as dt


def add_school_days(start: dt.date, days: int) -> dt.date:
    """The date ``days`` school days after ``start`` (Saturday and Sunday skipped)."""
    d = start
    left = days
    while left > 0:
        d += dt.timedelta(days=1)
        if d.weekday() < 5:
            left -= 1
    return d
