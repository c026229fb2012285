"""School holidays and make-up days (节假日与调休): validation, permissions, audit and school-day arithmetic."""
from __future__ import annotations

import datetime as dt

import pytest

from app.audit import recent
from app.errors import InputRejected, PermissionDenied
from app.school.holidays import add_holiday, add_school_days, is_school_day, list_holidays, remove_holiday

D = dt.date


def test_ranges_are_added_listed_removed_and_audited(session):
    h = add_holiday(session, " 国庆节 ", "2026-10-01", D(2026, 10, 7))
    m = add_holiday(session, "国庆调休", D(2026, 9, 27), D(2026, 9, 27), makeup=True)
    assert [(x.name, x.start_date, x.end_date, x.makeup) for x in list_holidays(session.db)] == [
        ("国庆调休", "2026-09-27", "2026-09-27", True), ("国庆节", "2026-10-01", "2026-10-07", False)]
    assert h.days == 7 and m.kind_label == "调休上课" and h.kind_label == "放假"
    remove_holiday(session, m.id)
    assert [x.name for x in list_holidays(session.db)] == ["国庆节"]
    entries = [e for e in recent(session.db, 20, "settings") if e.target.startswith("school_holiday:")]
    assert len(entries) == 3 and sum("国庆调休" in e.detail for e in entries) == 2  # added, removed
    with pytest.raises(InputRejected, match="不存在"):
        remove_holiday(session, m.id)


@pytest.mark.parametrize(("name", "start", "end", "makeup", "reason"), [
    ("", "2026-10-01", "2026-10-07", False, "名称"),
    ("国庆节", "2026-10-07", "2026-10-01", False, "不能早于开始日期"),
    ("国庆节", "2026-13-01", "2026-10-07", False, "不是有效的日期"),
    ("调休", "2026-09-28", "2026-09-28", True, "周六或周日"),
    ("寒假", "2026-01-01", "2027-06-01", False, "不能超过"),
])
def test_invalid_ranges_are_refused_in_chinese_and_write_nothing(session, name, start, end, makeup, reason):
    with pytest.raises(InputRejected, match=reason):
        add_holiday(session, name, start, end, makeup)
    assert list_holidays(session.db) == []


def test_overlapping_ranges_are_refused(session):
    add_holiday(session, "国庆节", D(2026, 10, 1), D(2026, 10, 7))
    for s, e in ((D(2026, 9, 30), D(2026, 10, 1)), (D(2026, 10, 7), D(2026, 10, 8)), (D(2026, 10, 3), D(2026, 10, 4)),
                 (D(2026, 9, 1), D(2026, 12, 1))):
        with pytest.raises(InputRejected, match="国庆节.*日期重叠"):
            add_holiday(session, "中秋节", s, e)
    with pytest.raises(InputRejected, match="日期重叠"):
        add_holiday(session, "调休", D(2026, 10, 3), D(2026, 10, 3), makeup=True)
    add_holiday(session, "调休", D(2026, 10, 10), D(2026, 10, 10), makeup=True)  # touching is fine
    assert len(list_holidays(session.db)) == 2


def test_only_managers_change_holidays(school, head_teacher):
    h = add_holiday(school, "国庆节", D(2026, 10, 1), D(2026, 10, 7))
    with pytest.raises(PermissionDenied):
        add_holiday(head_teacher, "中秋节", D(2026, 9, 25), D(2026, 9, 25))
    with pytest.raises(PermissionDenied):
        remove_holiday(head_teacher, h.id)
    assert [x.name for x in list_holidays(school.db)] == ["国庆节"]


def test_school_days_skip_holidays_and_count_make_up_days(session):
    db = session.db
    assert is_school_day(db, D(2026, 9, 30)) and not is_school_day(db, D(2026, 10, 3))
    assert add_school_days(db, D(2026, 9, 30), 3) == D(2026, 10, 5)  # no holidays: weekends only
    add_holiday(session, "国庆节", D(2026, 10, 1), D(2026, 10, 7))
    assert not is_school_day(db, D(2026, 10, 1)) and is_school_day(db, D(2026, 10, 8))
    assert add_school_days(db, D(2026, 9, 30), 3) == D(2026, 10, 12)  # Thu 8, Fri 9, Mon 12
    add_holiday(session, "国庆调休", D(2026, 10, 10), D(2026, 10, 10), makeup=True)
    assert is_school_day(db, D(2026, 10, 10)) and not is_school_day(db, D(2026, 10, 11))
    assert add_school_days(db, D(2026, 9, 30), 3) == D(2026, 10, 10)  # Thu 8, Fri 9, Sat 10 (调休上课)
    assert add_school_days(db, D(2026, 10, 2), 1) == D(2026, 10, 8)  # a result inside the holiday
    assert add_school_days(db, D(2026, 9, 30), 0) == D(2026, 9, 30)
