"""People and training as a 班主任 and as a 管理员 on the marked vault: a head teacher keeps none of it (every write
refused, no page, no 工作台 item); a 管理员 keeps staff roles, training and the roster, but gets no 工作台 item; the
figures name staff, never a student."""
from __future__ import annotations

import datetime as dt

import pytest

from app.errors import PermissionDenied
from app.indicators.model import Period
from tests.privacy.builder import TODAY
from tests.privacy.conftest import assert_clean, is_teacher

MONTH = Period("month", TODAY.replace(day=1), TODAY, TODAY.strftime("%Y-%m"))


def _staff_id(session) -> int:  # type: ignore[no-untyped-def]
    return int(session.db.scalar("SELECT id FROM staff WHERE active = 1 ORDER BY id LIMIT 1"))


def _a_school_day(session) -> dt.date:  # type: ignore[no-untyped-def]
    from app.school.holidays import school_days

    return school_days(session.db, TODAY - dt.timedelta(days=40), TODAY)[-1]


def test_who_keeps_people(restricted):
    from app.people.duty import assign_duty
    from app.people.training import add_training, set_people_settings
    from app.people.workbench import duty_items
    from app.school.staff import set_staff_roles
    from ui.pages import page

    sid, day = _staff_id(restricted), _a_school_day(restricted)
    writes = (lambda: add_training(restricted, sid, day, "区培训", "district", "training", 2),
              lambda: assign_duty(restricted, day, sid),
              lambda: set_staff_roles(restricted, sid, ["teacher"]),
              lambda: set_people_settings(restricted, cycle_start_year=2025))
    if is_teacher(restricted):
        for write in writes:
            with pytest.raises(PermissionDenied, match="心理教师或管理员"):
                write()
        assert not page("people").available(restricted.account)
    else:
        for write in writes:
            write()
        assert page("people").available(restricted.account)
    assert duty_items(restricted, TODAY) == []   # the room's duty is the counselors' 工作台 item


def test_the_figures_name_no_student(restricted):
    from app.people.indicators import people_figures

    figures = people_figures(restricted, MONTH)
    assert {f.key for f in figures} == {"staffing.fulltime", "staffing.ratio", "people.training_hours",
                                        "people.supervision", "people.duty_coverage"}
    assert_clean([f.as_json() for f in figures], what="people figures")
    assert all(e.kind in ("staff", "duty_day", "") for f in figures for e in f.evidence)
