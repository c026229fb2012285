"""Crisis fixtures: a pinned clock and a few students in a fresh vault (fast), helpers to walk a case."""
from __future__ import annotations

import datetime as dt

import pytest

from app import clock

T0 = dt.datetime(2026, 11, 2, 8, 0, 0)


@pytest.fixture
def t0():
    clock.set_fixed(T0)
    return T0


@pytest.fixture
def pupils(session, t0):
    """Ten students of 七年级 in the plain ``session`` vault (no other demo records)."""
    from app.demo import generate_students, insert_students

    return insert_students(session, generate_students(10, grades=(7,), class_size=5))


@pytest.fixture
def institution(session):
    from app.crisis.institutions import add_institution

    return add_institution(session, "市精神卫生中心", department="儿童青少年心理科", phone="0532-1234",
                           green_channel=True, address="南京路 299 号")


@pytest.fixture
def head_teacher_plain(session, pupils):
    """A 班主任 of 七年级（1）班 in the plain vault (pupils 0–4 are in that class)."""
    from app.accounts.admin import add_account
    from app.accounts.model import Role
    from app.school.classes import find_class
    from app.session import open_session

    cls = find_class(session.db, "7.1")
    add_account(session, "ht", "Teacher-password-2026!", Role.HEAD_TEACHER, class_id=cls.id)
    s = open_session(session.paths.root, "ht", "Teacher-password-2026!")
    yield s
    s.close()
