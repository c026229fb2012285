"""Small helpers shared by the crisis tests."""
from __future__ import annotations

import datetime as dt

from app import clock


def advance(**kw: float) -> dt.datetime:
    now = clock.now() + dt.timedelta(**kw)
    clock.set_fixed(now)
    return now


def iso(when: dt.datetime) -> str:
    return when.isoformat(timespec="seconds")
