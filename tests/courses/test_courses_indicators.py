"""The courses figures against seeded records: lessons and activities every class (grade- and school-wide
activities count for every class they cover), semester class hours, parent school and the monthly pushes."""
from __future__ import annotations

import datetime as dt

from app import clock
from app.courses.indicators import course_figures
from app.courses.records import ParentSessionInput, PushInput, add_parent_session, add_push, remove_entry
from app.indicators.compute import by_key, compute
from tests.courses.helpers import SEMESTER, activity, lesson, month


def figures(session, period):  # type: ignore[no-untyped-def]
    return by_key(course_figures(session, period))


def test_a_month_names_every_class_without_its_lesson(session, classes):
    lesson(session, classes["7.1"], "2026-11-05")
    lesson(session, classes["7.3"], "2026-11-20")
    lesson(session, classes["10.1"], "2026-10-20")   # another month
    f = figures(session, month("2026-11"))["courses.lessons_every_class"]
    assert (f.value, f.target, f.ok) == (2, 4, False)
    assert [(e.label, e.kind, e.ref_id, e.missing) for e in f.evidence] == [
        ("七年级（2）班", "class", classes["7.2"], True), ("高一（1）班", "class", classes["10.1"], True)]
    assert f.area == "courses" and f.unit == "个班"


def test_grade_and_school_activities_count_for_every_class_they_cover(session, classes):
    activity(session, "2026-11-06", "class", class_id=classes["10.1"])
    activity(session, "2026-11-10", "grade", grade=7, kind="讲座")
    f = figures(session, month("2026-11"))["courses.activities_every_class"]
    assert (f.value, f.target, f.ok, f.evidence) == (4, 4, True, ())
    october = figures(session, month("2026-10"))["courses.activities_every_class"]
    assert october.value == 0 and len(october.evidence) == 4
    activity(session, "2026-10-10", "school", kind="10·10")
    assert figures(session, month("2026-10"))["courses.activities_every_class"].ok is True


def test_a_withdrawn_lesson_no_longer_counts(session, classes):
    lid = lesson(session, classes["7.1"], "2026-11-05")
    assert "七年级（1）班" not in {e.label for e in figures(session, month("2026-11"))["courses.lessons_every_class"].evidence}
    remove_entry(session, "lesson", lid)
    assert "七年级（1）班" in {e.label for e in figures(session, month("2026-11"))["courses.lessons_every_class"].evidence}


def test_a_semester_needs_every_begun_teaching_month(session, classes):
    for m in ("2026-09-10", "2026-10-15", "2026-11-05", "2026-12-03"):
        lesson(session, classes["7.1"], m)
    for m in ("2026-09-10", "2026-11-05", "2026-12-03"):   # no October lesson
        lesson(session, classes["7.2"], m)
    f = figures(session, SEMESTER)["courses.lessons_every_class"]
    missing = {e.label for e in f.evidence}
    assert "七年级（1）班" not in missing and "七年级（2）班" in missing
    assert f.breakdown["short"]["七年级（2）班"] == ["2026-10"]
    assert f.breakdown["months"] == ["2026-09", "2026-10", "2026-11", "2026-12"]   # January has not begun


def test_semester_hours_by_stage_and_pro_rata_for_a_month(session, classes):
    for day in ("2026-09-10", "2026-09-17", "2026-10-15", "2026-11-05", "2026-11-12", "2026-12-03"):
        lesson(session, classes["7.1"], day)            # 6 hours: a junior class meets its 6
        lesson(session, classes["10.1"], day)           # 6 of a senior class's 8
    f = figures(session, SEMESTER)["courses.hours_semester"]
    assert f.breakdown["semester_targets"]["七年级（1）班"] == 6 and f.breakdown["semester_targets"]["高一（1）班"] == 8
    # under way on 2026-12-07: 4 of 5 teaching months begun -> 6 * 4/5 -> 5 due (junior), 8 * 4/5 -> 7 (senior)
    assert f.breakdown["targets"]["七年级（1）班"] == 5 and f.breakdown["targets"]["高一（1）班"] == 7
    assert {e.label for e in f.evidence} == {"七年级（2）班", "七年级（3）班", "高一（1）班"}
    clock.set_fixed(dt.datetime(2027, 2, 10, 9))     # the semester is over: the whole target
    after = figures(session, SEMESTER)["courses.hours_semester"]
    assert after.breakdown["targets"]["七年级（1）班"] == 6 and after.breakdown["targets"]["高一（1）班"] == 8
    assert "七年级（1）班" not in {e.label for e in after.evidence}
    # 2026-11: 3 of the semester's 5 teaching months -> 6 * 3/5 = 3.6 -> 4 hours due (junior), 8 * 3/5 -> 5
    nov = figures(session, month("2026-11"))["courses.hours_semester"]
    assert nov.breakdown["targets"]["七年级（1）班"] == 4 and nov.breakdown["targets"]["高一（1）班"] == 5
    assert "七年级（1）班" not in {e.label for e in nov.evidence}
    assert "高一（1）班" not in {e.label for e in nov.evidence}   # 5 hours by the end of November


def test_parent_school_against_two_sessions_and_four_hours(session, classes):
    add_parent_session(session, ParentSessionInput("2026-10-20", "读懂孩子的情绪", 2, speaker="王老师"))
    f = figures(session, SEMESTER)["courses.parent_school"]
    assert (f.value, f.target, f.ok) == (1, 2, False)
    assert f.breakdown["hours"] == 2 and f.breakdown["target_hours"] == 4
    assert any(e.missing for e in f.evidence)
    add_parent_session(session, ParentSessionInput("2026-11-20", "家庭教育与心理健康", 2))
    f = figures(session, SEMESTER)["courses.parent_school"]
    assert (f.value, f.ok) == (2, True) and not any(e.missing for e in f.evidence)


def test_monthly_pushes_list_the_months_missed(session, classes):
    add_push(session, PushInput("2026-09-20", "开学适应", "家长群"))
    add_push(session, PushInput("2026-11-20", "考试焦虑", "公众号"))
    f = figures(session, SEMESTER)["courses.parent_push"]
    assert (f.value, f.target, f.ok) == (2, 4, False)
    assert [e.label for e in f.evidence] == ["2026-10 未推送", "2026-12 未推送"]
    assert figures(session, month("2026-11"))["courses.parent_push"].ok is True


def test_the_registry_gathers_the_five_keys(session, classes):
    keys = [f.key for f in compute(session, month("2026-11")) if f.area == "courses"]
    assert keys == ["courses.lessons_every_class", "courses.activities_every_class", "courses.hours_semester",
                    "courses.parent_school", "courses.parent_push"]


def test_holidays_make_a_month_without_school_days_no_teaching_month(session, classes):
    from app.courses.progress import teaching_months
    from app.school.holidays import add_holiday

    add_holiday(session, "寒假（提前）", "2027-01-01", "2027-01-31")
    import datetime as dt

    labels = [m.label for m in teaching_months(session.db, dt.date(2026, 9, 1), dt.date(2027, 1, 31))]
    assert labels == ["2026-09", "2026-10", "2026-11", "2026-12"]
