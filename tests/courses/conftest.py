"""Courses fixtures: a pinned clock (Monday 2026-12-07, inside the 2026-2027 first semester) and four classes:
七年级（1）–（3）班 and 高一（1）班, with no demo records."""
from __future__ import annotations

import datetime as dt

import pytest

from app import clock

T0 = dt.datetime(2026, 12, 7, 9, 0, 0)


@pytest.fixture
def t0():
    clock.set_fixed(T0)
    return T0


@pytest.fixture
def classes(session, t0):
    from app.school.calendar import add_school_year
    from app.school.classes import add_class

    add_school_year(session, 2026)
    return {name: add_class(session, name).id for name in ("7.1", "7.2", "7.3", "10.1")}
