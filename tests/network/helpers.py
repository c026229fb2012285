"""Small helpers shared by the network tests."""
from __future__ import annotations

import datetime as dt

from app import clock


def set_day(day: dt.date, hour: int = 9) -> None:
    clock.set_fixed(dt.datetime.combine(day, dt.time(hour, 0)))


def students_of(session, class_id: int) -> list[int]:  # type: ignore[no-untyped-def]
    return [r[0] for r in session.db.query("SELECT id FROM students WHERE class_id = :c ORDER BY id", {"c": class_id})]
