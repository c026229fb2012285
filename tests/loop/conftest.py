"""Loop fixtures: the clock pinned in November 2026 (Monday the 2nd), four 七年级 classes of five students."""
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
    from app.demo import generate_students, insert_students
    from app.school.calendar import add_school_year

    add_school_year(session, 2026)
    return insert_students(session, generate_students(20, grades=(7,), class_size=5))


@pytest.fixture
def class_ids(session, pupils):
    from app.school.classes import find_class

    return {name: find_class(session.db, name).id for name in ("7.1", "7.2", "7.3", "7.4")}


@pytest.fixture
def group(session, pupils):
    """The leadership group: 组长 张校长, two members."""
    from app.network.people import set_leader

    set_leader(session, "leader", outside_name="张校长")
    set_leader(session, "member", outside_name="李主任")
    set_leader(session, "member", outside_name="王老师")
    return ["张校长", "李主任", "王老师"]


def item(sheet, key_words):
    """The one item whose title contains ``key_words``."""
    found = [i for i in sheet.items if key_words in i.title]
    assert len(found) == 1, [i.title for i in sheet.items]
    return found[0]
