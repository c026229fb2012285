"""Courses as a 班主任 (七年级（1）班) and as a 管理员 on the marked vault: the workload sheet is counts per teacher
(no student, no note) and refused to a head teacher; the course figures and grid name classes, never students or
confidential text; a head teacher writes only their own class's lessons and class activities."""
from __future__ import annotations

import datetime as dt

import pytest

from app.errors import InputRejected, PermissionDenied
from tests.privacy.conftest import assert_clean, is_teacher


def test_the_workload_sheet(restricted):
    from app.courses.progress import find_semester
    from app.courses.workload import workload

    sem = find_semester(restricted.db, "")
    if is_teacher(restricted):
        with pytest.raises(PermissionDenied):
            workload(restricted, sem)
        return
    sheet = workload(restricted, sem)
    assert_clean(sheet.as_json(), other_class=False, what="workload")   # counts by teacher only
    assert sheet.rows                                                     # the marked vault's sessions are counted


def test_figures_and_grid_name_classes_only(restricted):
    from app.courses.indicators import course_figures
    from app.courses.progress import class_grid
    from app.indicators.model import Period

    period = Period("month", dt.date(2026, 11, 1), dt.date(2026, 11, 30), "2026-11")
    assert_clean([f.as_json() for f in course_figures(restricted, period)], other_class=False, what="figures")
    assert_clean(class_grid(restricted, period.start, period.end), other_class=False, what="grid")


def test_writes(restricted):
    from app.courses.records import LessonInput, PushInput, add_lesson, add_push
    from app.policy import class_scope

    classes = [r[0] for r in restricted.db.query("SELECT id FROM classes ORDER BY id")]
    if is_teacher(restricted):
        own = class_scope(restricted.account)
        other = next(c for c in classes if c != own)
        assert add_lesson(restricted, LessonInput("2026-11-05", own, "认识情绪"))
        with pytest.raises(InputRejected, match="本班"):
            add_lesson(restricted, LessonInput("2026-11-05", other, "认识情绪"))
        with pytest.raises(PermissionDenied):
            add_push(restricted, PushInput("2026-11-05", "假期安全"))
    else:   # a 管理员 keeps the school's course log
        assert add_lesson(restricted, LessonInput("2026-11-05", classes[0], "认识情绪"))
        assert add_push(restricted, PushInput("2026-11-05", "假期安全"))
