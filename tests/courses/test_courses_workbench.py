"""工作台 reminders: late April for May and 5·25, late September for 10·10, two weeks before a holiday, four weeks
before 中考/高考 for the graduating grades, and the classes still without their lesson late in a month."""
from __future__ import annotations

import datetime as dt

from app import clock
from app.courses.workbench import course_items
from app.school.calendar import add_school_year
from app.school.classes import add_class
from app.school.holidays import add_holiday
from tests.courses.helpers import activity, lesson


def titles(session, day):  # type: ignore[no-untyped-def]
    return [i.title for i in course_items(session, day)]


def test_may_and_525_from_late_april(session, classes):
    add_school_year(session, 2027)
    assert not any("5月" in t for t in titles(session, dt.date(2027, 4, 10)))
    late_april = titles(session, dt.date(2027, 4, 22))
    assert any("5月心理健康月" in t for t in late_april) and any("5·25" in t for t in late_april)


def test_1010_from_late_september_until_logged(session, classes):
    assert not any("10·10" in t for t in titles(session, dt.date(2026, 9, 10)))
    assert any("10·10" in t for t in titles(session, dt.date(2026, 9, 24)))
    clock.set_fixed(dt.datetime(2026, 10, 12, 9))
    activity(session, "2026-10-10", "school", kind="10·10")
    assert not any("10·10" in t for t in titles(session, dt.date(2026, 9, 24)))


def test_two_weeks_before_a_holiday_and_the_winter_vacation(session, classes):
    add_holiday(session, "元旦", "2027-01-01", "2027-01-03")
    assert not any("元旦" in t for t in titles(session, dt.date(2026, 12, 10)))
    assert any("元旦" in t and "假期" in t for t in titles(session, dt.date(2026, 12, 20)))
    assert any("寒假" in t for t in titles(session, dt.date(2027, 1, 20)))   # the semester ends 01-31


def test_before_the_exams_for_the_graduating_grades(session, classes):
    add_class(session, "9.1")
    add_school_year(session, 2027)
    day = dt.date(2027, 5, 25)
    ts = titles(session, day)
    assert any("中考" in t and "九年级" in t for t in ts)
    assert not any("高考" in t for t in ts)              # 高一 is not graduating; no 高三 class
    add_class(session, "12.1")
    assert any("高考" in t and "高三" in t for t in titles(session, day))


def test_late_in_a_month_the_classes_without_their_lesson(session, classes):
    lesson(session, classes["7.1"], "2026-12-02")
    assert not any("本月还没有心理课" in t for t in titles(session, dt.date(2026, 12, 7)))
    ts = titles(session, dt.date(2026, 12, 21))
    line = next(t for t in ts if "本月还没有心理课" in t)
    assert "七年级（2）班" in line and "七年级（1）班" not in line


def test_a_head_teacher_gets_no_course_reminders(head_teacher):
    assert course_items(head_teacher, dt.date(2026, 9, 24)) == []
