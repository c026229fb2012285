"""The periods a package covers: a month (``2026-11``) or a semester (``2026-2027-1``, ``2026-2027-2``, or the
semester's name in the school's calendar). Each has a stable ``code`` the centre groups by."""
from __future__ import annotations

import calendar
import datetime as dt
import re

from app.errors import InputRejected
from app.indicators.model import Period
from app.school.calendar import list_semesters
from app.store.db import Database

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_SEMESTER = re.compile(r"^(\d{4})-(\d{4})-([12])$")


def period_code(period: Period) -> str:
    if period.kind == "month":
        return period.start.strftime("%Y-%m")
    if period.kind == "semester":
        start_year = period.start.year if period.start.month >= 8 else period.start.year - 1
        term = 1 if period.start.month >= 8 else 2
        return f"{start_year}-{start_year + 1}-{term}"
    return f"{period.start.year}-{period.start.year + 1}"


def month(text: str) -> Period | None:
    m = _MONTH.match(text.strip())
    if not m:
        return None
    year, mon = int(m.group(1)), int(m.group(2))
    if not 1 <= mon <= 12 or year < 2000:
        return None
    last = calendar.monthrange(year, mon)[1]
    return Period("month", dt.date(year, mon, 1), dt.date(year, mon, last), f"{year}-{mon:02d}")


def parse_period(db: Database, text: str) -> Period:
    """``YYYY-MM`` or a semester of the school's calendar; a clear message otherwise."""
    text = text.strip()
    found = month(text)
    if found:
        return found
    semesters = list_semesters(db)
    m = _SEMESTER.match(text)
    for s in semesters:
        first, second = s.year_name.split("-")[0], s.year_name.split("-")[-1]
        term = "1" if s.start_date[5:7] >= "08" else "2"
        if (m and (m.group(1), m.group(2), m.group(3)) == (first, second, term)) or text in (s.name, s.year_name + s.name):
            return Period("semester", dt.date.fromisoformat(s.start_date), dt.date.fromisoformat(s.end_date), s.name)
    raise InputRejected(f"期次“{text}”看不懂：请写月份（如 2026-11）或学期（如 2026-2027-1 表示 2026-2027 学年第一学期，"
                        "2026-2027-2 表示第二学期；学期须已在校历中）。")
