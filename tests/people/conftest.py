"""People fixtures: a pinned clock (Monday 2026-11-02, before the vault is made) and the school years around it."""
from __future__ import annotations

import datetime as dt

import pytest

from app import clock

T0 = dt.datetime(2026, 11, 2, 9, 0)   # a Monday


@pytest.fixture(autouse=True)
def _pinned():
    clock.set_fixed(T0)


@pytest.fixture
def years(session):
    """School years 2023-2024 … 2027-2028 (semesters 09-01..01-31 and 02-01..07-31)."""
    from app.school.calendar import add_school_year

    for y in range(2023, 2028):
        add_school_year(session, y)
    return session


@pytest.fixture
def staff(years):
    """A full-time teacher, a part-time teacher who is also a head teacher, a head teacher, a leader."""
    from app.school.staff import add_staff

    return {"full": add_staff(years, "李静", "psych_fulltime"),
            "both": add_staff(years, "王芳", "psych_parttime", roles=("head_teacher",)),
            "head": add_staff(years, "赵强", "head_teacher"),
            "leader": add_staff(years, "周建国", "leader")}


@pytest.fixture
def pupils_class(session):
    """The id of 七年级（1）班 with five students in it."""
    from app.demo import generate_students, insert_students
    from app.school.classes import find_class

    insert_students(session, generate_students(5, grades=(7,), class_size=5))
    return find_class(session.db, "7.1").id
