"""The regional profiles: Qingdao (the default), Heilongjiang (a lesson every two weeks), Ningxia (a themed class
meeting a semester); choosing one, editing it, and refusing a bad edit."""
from __future__ import annotations

import pytest

from app.courses.indicators import course_figures
from app.courses.norms import choose_norms, current_norms, save_norms, shipped_profiles
from app.errors import InputRejected, PermissionDenied
from app.indicators.compute import by_key
from tests.courses.helpers import SEMESTER, activity, lesson, month


def test_the_shipped_profiles_and_the_default(session, classes):
    assert list(shipped_profiles()) == ["qingdao", "heilongjiang", "ningxia"]
    norms = current_norms(session.db)
    assert norms.key == "qingdao" and norms.lessons_per_month == 1 and norms.activities_per_month == 1
    assert (norms.hours_for(4), norms.hours_for(8), norms.hours_for(11)) == (6, 6, 8)
    assert (norms.parent_sessions, norms.parent_hours) == (2, 4)


def test_qingdao_one_lesson_and_one_activity_a_month(session, classes):
    lesson(session, classes["7.1"], "2026-11-05")
    activity(session, "2026-11-06", class_id=classes["7.1"])
    activity(session, "2026-11-12", class_id=classes["7.2"])
    f = by_key(course_figures(session, month("2026-11")))
    assert {e.label for e in f["courses.lessons_every_class"].evidence} == {"七年级（2）班", "七年级（3）班", "高一（1）班"}
    assert {e.label for e in f["courses.activities_every_class"].evidence} == {"七年级（3）班", "高一（1）班"}


def test_heilongjiang_asks_a_lesson_every_two_weeks(session, classes):
    choose_norms(session, "heilongjiang")
    norms = current_norms(session.db)
    assert norms.lessons_for_month(21) == 2 and norms.lessons_for_month(8) == 1
    lesson(session, classes["7.1"], "2026-11-05")
    lesson(session, classes["7.1"], "2026-11-19")
    lesson(session, classes["7.2"], "2026-11-05")        # one of the two November needs
    f = by_key(course_figures(session, month("2026-11")))
    missing = {e.label for e in f["courses.lessons_every_class"].evidence}
    assert "七年级（1）班" not in missing and "七年级（2）班" in missing
    assert f["courses.activities_every_class"].ok is False   # no count norm: at least one in the period
    # no class-hour norm by stage: the target is the lessons the months ask for
    sem = by_key(course_figures(session, SEMESTER))["courses.hours_semester"]
    assert sem.breakdown["semester_targets"]["七年级（1）班"] == 10   # 2 a month over five teaching months


def test_ningxia_asks_one_themed_class_meeting_a_semester(session, classes):
    choose_norms(session, "ningxia")
    activity(session, "2026-10-15", class_id=classes["7.1"], kind="主题班会")
    activity(session, "2026-10-16", class_id=classes["7.2"], kind="社团")     # not a class meeting
    activity(session, "2026-11-16", "grade", grade=10, kind="主题班会")      # covers 高一（1）班
    f = by_key(course_figures(session, SEMESTER))["courses.activities_every_class"]
    assert {e.label for e in f.evidence} == {"七年级（2）班", "七年级（3）班"}
    assert f.ok is False
    # a month has no Ningxia norm: the figure counts but judges nothing
    assert by_key(course_figures(session, month("2026-10")))["courses.activities_every_class"].ok is None


def test_a_school_edits_its_profile(session, classes):
    raw = dict(current_norms(session.db).raw)
    raw["semester_hours"] = {"primary": 6, "junior": 4, "senior": 8}
    raw["name"] = "青岛市（本校调整）"
    save_norms(session, raw)
    assert current_norms(session.db).hours_for(7) == 4
    assert current_norms(session.db).name == "青岛市（本校调整）"
    bad = dict(raw, lessons={"per_month": -1})
    with pytest.raises(InputRejected, match="每月心理课节数"):
        save_norms(session, bad)
    assert current_norms(session.db).hours_for(7) == 4    # nothing stored
    with pytest.raises(InputRejected, match="qingdao"):
        choose_norms(session, "shanghai")


def test_a_head_teacher_may_not_change_the_profile(session, classes):
    from app.accounts.admin import add_account
    from app.accounts.model import Role
    from app.session import open_session

    add_account(session, "ht", "Teacher-password-2026!", Role.HEAD_TEACHER, class_id=classes["7.1"])
    ht = open_session(session.paths.root, "ht", "Teacher-password-2026!")
    try:
        with pytest.raises(PermissionDenied):
            choose_norms(ht, "ningxia")
        lesson(ht, classes["7.1"], "2026-11-05")       # their own class's lesson
        with pytest.raises(InputRejected, match="本班"):
            lesson(ht, classes["7.2"], "2026-11-05")
        with pytest.raises(PermissionDenied):
            activity(ht, "2026-11-06", "school", kind="10·10")
    finally:
        ht.close()
