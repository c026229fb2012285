"""Reports fixtures: the demo school on a fixed day (so its semester and months do not move with the calendar)."""
from __future__ import annotations

import datetime as dt

import pytest

DAY = dt.datetime(2026, 12, 7, 10, 0)
SEMESTER = "2026-2027-1"
SEMESTER_NAME = "2026-2027学年第一学期"


@pytest.fixture
def demo(session):
    """A counselor's session on a demo school of 120 students (grades 7–9) with every capability's records."""
    from app import clock
    from app.demo import populate_school

    clock.set_fixed(DAY)
    populate_school(session, n_students=120, grades=(7, 8, 9))
    return session


@pytest.fixture
def semester(demo):
    from app.indicators.periods import parse_period

    return parse_period(demo.db, SEMESTER)


@pytest.fixture
def head(demo):
    """A 班主任 session for 七年级（1）班 of the ``demo`` vault."""
    from app.accounts.admin import add_account
    from app.accounts.model import Role
    from app.school.classes import find_class
    from app.session import open_session
    from tests.conftest import TEACHER_PASSWORD

    cls = find_class(demo.db, "7.1")
    assert cls is not None
    add_account(demo, "teacher1", TEACHER_PASSWORD, Role.HEAD_TEACHER, class_id=cls.id)
    s = open_session(demo.paths.root, "teacher1", TEACHER_PASSWORD)
    yield s
    s.close()
