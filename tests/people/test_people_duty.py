"""The counseling room's duty roster: school days from the semesters less weekends and holidays plus make-up days,
a day at a time or by weekday pattern, uncovered days listed, the 工作台 items for this week."""
from __future__ import annotations

import datetime as dt

import pytest
from people_helpers import set_day

from app.errors import InputRejected, PermissionDenied
from app.people.duty import assign_duty, assign_pattern, month_range, roster, uncovered_days
from app.people.workbench import duty_items
from app.school.holidays import add_holiday, school_days
from app.school.staff import set_staff_active

NOV = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))


@pytest.fixture
def calendar(staff, session):
    """A holiday on Wed–Thu 11-11..11-12 and a make-up school day on Saturday 11-14."""
    add_holiday(session, "校运会调休", "2026-11-11", "2026-11-12")
    add_holiday(session, "调休上课", "2026-11-14", "2026-11-14", makeup=True)
    return staff


def test_school_days_follow_the_semesters_holidays_and_make_up_days(calendar, session):
    days = school_days(session.db, *NOV)
    assert dt.date(2026, 11, 11) not in days and dt.date(2026, 11, 14) in days
    assert dt.date(2026, 11, 15) not in days and len(days) == 21 - 2 + 1
    assert school_days(session.db, dt.date(2027, 8, 2), dt.date(2027, 8, 6)) == []   # the summer: no semester
    assert month_range("2026-12") == (dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    with pytest.raises(InputRejected, match="年-月"):
        month_range("11月")


def test_a_weekday_pattern_fills_the_school_days_and_leaves_the_rest(calendar, session):
    written = assign_pattern(session, *NOV, {0: calendar["full"], 1: calendar["both"], 2: calendar["full"],
                                             3: calendar["both"], 4: calendar["full"]})
    assert written == 19   # 20 weekdays less the two holiday days, plus nothing for the Saturday make-up day
    assert uncovered_days(session, *NOV) == [dt.date(2026, 11, 14)]
    assign_duty(session, "2026-11-14", calendar["head"])
    assign_duty(session, "2026-11-20", None)
    days = {d.day: d for d in roster(session, *NOV)}
    assert days[dt.date(2026, 11, 14)].person == "赵强" and days[dt.date(2026, 11, 2)].person == "李静"
    assert days[dt.date(2026, 11, 20)].uncovered and not days[dt.date(2026, 11, 21)].school_day
    assert uncovered_days(session, *NOV) == [dt.date(2026, 11, 20)]
    # keep_existing leaves assigned days alone, and the pattern replaces otherwise
    assert assign_pattern(session, *NOV, {4: calendar["head"]}, keep_existing=True) == 1
    assert assign_pattern(session, *NOV, {4: calendar["head"]}) == 4
    assert {d.person for d in roster(session, *NOV) if d.day.weekday() == 4 and d.school_day} == {"赵强"}
    assert session.db.scalar("SELECT count(*) FROM audit_log WHERE target LIKE 'duty_roster%'") == 5
    # someone marked as left no longer covers their days
    set_staff_active(session, calendar["head"], False)
    gone = [d for d in roster(session, *NOV) if d.person == "赵强"]
    assert gone and all(d.left and d.uncovered for d in gone)
    assert uncovered_days(session, *NOV) == sorted(d.day for d in gone)


def test_what_the_roster_refuses(calendar, session, pupils_class):
    with pytest.raises(InputRejected, match="不是上课日"):
        assign_duty(session, "2026-11-15", calendar["full"])   # a Sunday
    with pytest.raises(InputRejected, match="不是上课日"):
        assign_duty(session, "2026-11-11", calendar["full"])   # the holiday
    with pytest.raises(InputRejected, match="不能早于"):
        assign_pattern(session, "2026-11-30", "2026-11-01", {0: calendar["full"]})
    with pytest.raises(InputRejected, match="至少为一个星期几"):
        assign_pattern(session, *NOV, {0: None})
    set_staff_active(session, calendar["leader"], False)
    with pytest.raises(InputRejected, match="离校"):
        assign_duty(session, "2026-11-02", calendar["leader"])
    from app.accounts.admin import add_account
    from app.accounts.model import Role
    from app.session import open_session

    add_account(session, "ht", "Teacher-password-2026!", Role.HEAD_TEACHER, class_id=pupils_class)
    ht = open_session(session.paths.root, "ht", "Teacher-password-2026!")
    try:
        with pytest.raises(PermissionDenied):
            assign_duty(ht, "2026-11-02", calendar["full"])
        assert duty_items(ht, dt.date(2026, 11, 2)) == []
    finally:
        ht.close()
    assert session.db.scalar("SELECT count(*) FROM duty_roster") == 0


def test_the_workbench_lists_this_weeks_uncovered_days_and_the_next_school_day(calendar, session):
    assign_pattern(session, *NOV, {w: calendar["full"] for w in range(5)})
    assign_duty(session, "2026-11-04", None)
    assign_duty(session, "2026-11-09", None)
    items = duty_items(session, dt.date(2026, 11, 3))   # Tuesday
    assert [(i.kind_label, i.title, i.overdue) for i in items] == [
        ("值班安排", "2026-11-04（明天）心理辅导室无人值班", False)]
    assert duty_items(session, dt.date(2026, 11, 4))[0].overdue   # today, not covered: red
    # on Friday the next school day is Monday of next week
    set_day(dt.date(2026, 11, 6))
    assert [i.due for i in duty_items(session, dt.date(2026, 11, 6))] == ["2026-11-09"]
    # the Saturday make-up day of the holiday week shows in that week
    assert [i.due for i in duty_items(session, dt.date(2026, 11, 10))] == ["2026-11-14"]
    assert "星期六" in duty_items(session, dt.date(2026, 11, 10))[0].title
    # through the registry, as the 工作台 and `workbench --json` read it
    from app.workbench import work_items

    assert [i.title for i in work_items(session, dt.date(2026, 11, 10)) if i.kind == "duty_uncovered"] == [
        "2026-11-14（星期六）心理辅导室无人值班"]
