"""The people capability's figures (keys the monthly checklist refers to) and the staffing checks."""
from __future__ import annotations

import datetime as dt

from app.indicators.compute import by_key, compute
from app.indicators.model import Period
from app.people.duty import assign_duty, assign_pattern
from app.people.indicators import people_figures
from app.people.staffing import staffing
from app.people.training import add_training
from app.school.staff import add_staff, set_staff_roles

NOV = Period("month", dt.date(2026, 11, 1), dt.date(2026, 11, 30), "2026-11")


def classes(session, n: int) -> None:
    from app.demo import generate_students, insert_students

    insert_students(session, generate_students(n * 2, grades=(7,), class_size=2))


def test_staffing_checks_one_full_time_teacher_and_one_per_ten_classes(years, session):
    classes(session, 21)
    s = staffing(session)
    assert (s.classes, s.needed, s.teachers, s.fulltime_ok, s.ratio_ok) == (21, 3, 0, False, False)
    assert "没有专职心理教师" in s.problems()[0] and "至少 3 名" in s.problems()[1]
    add_staff(session, "李静", "psych_fulltime")
    add_staff(session, "王芳", "psych_parttime", roles=("head_teacher",))
    f = by_key(people_figures(session, NOV))
    assert (f["staffing.fulltime"].value, f["staffing.fulltime"].ok) == (1, True)
    ratio = f["staffing.ratio"]
    assert (ratio.value, ratio.target, ratio.ok) == (round(20 / 21, 2), 1, False)
    assert ratio.breakdown == {"fulltime": 1, "parttime": 1, "classes": 21, "needed": 3}
    assert [e.label for e in ratio.evidence] == ["李静（专职心理教师）", "王芳（兼职心理教师、班主任）",
                                                 "还差 1 名专兼职心理教师"]
    zhao = add_staff(session, "赵强", "head_teacher")
    set_staff_roles(session, zhao, ["head_teacher", "psych_parttime"])
    f = by_key(people_figures(session, NOV))
    assert f["staffing.ratio"].ok and f["staffing.ratio"].value == round(30 / 21, 2)


def test_the_figures_for_a_month(staff, session):
    add_training(session, staff["head"], "2026-10-01", "班主任培训", "district", "training", 16)
    add_training(session, staff["leader"], "2025-10-01", "校本培训", "school", "training", 8)
    add_training(session, staff["full"], "2026-09-20", "个案督导", "district", "supervision", 2)
    assign_pattern(session, NOV.start, NOV.end, {w: staff["full"] for w in range(5)})
    assign_duty(session, "2026-11-25", None)
    figures = compute(session, NOV)   # through the registry, as the loop and the report read them
    f = by_key(figures)
    assert {"staffing.fulltime", "staffing.ratio", "people.training_hours", "people.supervision",
            "people.duty_coverage"} <= set(f)
    training = f["people.training_hours"]
    assert (training.value, training.target, training.ok, training.area) == (2, 4, False, "people")
    assert [(e.label, e.kind, e.ref_id, e.missing) for e in training.evidence] == [
        ("李静（专职心理教师，按专职心理教师要求）：2/40 学时", "staff", staff["full"], True),
        ("王芳（兼职心理教师、班主任，按兼职心理教师要求）：0/24 学时", "staff", staff["both"], True)]
    assert training.breakdown["cycle_start"] == "2024-09-01"
    sup = f["people.supervision"]
    assert (sup.value, sup.target, sup.ok) == (1, 1, True) and not sup.evidence[0].missing
    duty = f["people.duty_coverage"]
    assert (duty.value, duty.target, duty.ok) == (20, 21, False)
    assert [(e.label, e.missing) for e in duty.evidence] == [("2026-11-25（星期三）无人值班", True)]
    assert training.as_json()["evidence"][0]["missing"] is True
    # the month before: a supervision not yet had (only in September of the year before)
    sept = by_key(people_figures(session, Period("month", dt.date(2026, 9, 1), dt.date(2026, 9, 19), "x")))
    assert sept["people.supervision"].ok is False and sept["people.supervision"].evidence[0].missing
    assert sept["people.duty_coverage"].value == 0 and sept["people.duty_coverage"].target == 14
