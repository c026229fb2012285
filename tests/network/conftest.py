"""Network fixtures: a pinned clock (Monday 2026-11-02) and four 七年级 classes of five, plus one 三年级 class."""
from __future__ import annotations

import datetime as dt

import pytest

from app import clock

T0 = dt.datetime(2026, 11, 2, 8, 0, 0)   # a Monday


@pytest.fixture
def t0():
    clock.set_fixed(T0)
    return T0


@pytest.fixture
def pupils(session, t0):
    """Students 0–19 in 七年级（1）–（4）班 (five each), 20–24 in 三年级（1）班."""
    from app.demo import generate_students, insert_students

    ids = insert_students(session, generate_students(20, grades=(7,), class_size=5))
    young = generate_students(5, grades=(3,), class_size=5, seed=99)
    young = [s.__class__(**{**s.__dict__, "registry_no": f"G3X{i:015d}"}) for i, s in enumerate(young)]
    return ids + insert_students(session, young)


@pytest.fixture
def class_ids(session, pupils):
    from app.school.classes import find_class

    return {name: find_class(session.db, name).id for name in ("7.1", "7.2", "7.3", "7.4", "3.1")}


@pytest.fixture
def head_teacher_71(session, pupils):
    from app.accounts.admin import add_account
    from app.accounts.model import Role
    from app.school.classes import find_class
    from app.session import open_session

    add_account(session, "ht", "Teacher-password-2026!", Role.HEAD_TEACHER, class_id=find_class(session.db, "7.1").id)
    s = open_session(session.paths.root, "ht", "Teacher-password-2026!")
    yield s
    s.close()

