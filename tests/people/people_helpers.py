"""Small helpers shared by the people tests."""
from __future__ import annotations

import datetime as dt

from app import clock


def set_day(day: dt.date, hour: int = 9) -> None:
    clock.set_fixed(dt.datetime.combine(day, dt.time(hour, 0)))
