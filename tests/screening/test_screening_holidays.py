"""Follow-up interview due dates (待复核) count school days over the school's holidays and make-up days."""
from __future__ import annotations

import datetime as dt

from helpers import students

from app import clock
from app.school.holidays import add_holiday
from app.screening.campaigns import create_campaign
from app.screening.ledger import ledger_rows
from app.screening.results import save_answers
from app.screening.schooldays import add_school_days

L1 = [0, 0, 0, 0, 0, 0, 0, 0, 2]  # item 9 critical: level 1, due in 3 school days
L2 = [2, 2, 2, 2, 2, 2, 2, 2, 0]  # PHQ-9 16: level 2, due in 10 school days


def _due(school, answers_by_student) -> dict[str, str]:
    campaign = create_campaign(school, "秋季测评", {7: "phq9"})
    for (sid, _reg, _name, _cls), answers in answers_by_student:
        save_answers(school, campaign.id, sid, "phq9", answers)
    return {r.name: r.due_date for r in ledger_rows(school) if r.campaign == "秋季测评"}


def test_a_level_1_result_before_national_day_is_due_after_the_holiday(school):
    clock.set_fixed(dt.datetime(2026, 9, 30, 15, 0))  # a Wednesday, the day before 国庆节
    add_holiday(school, "国庆节", dt.date(2026, 10, 1), dt.date(2026, 10, 7))
    st_ = students(school, 2)
    due = _due(school, [(st_[0], L1), (st_[1], L2)])
    assert due[st_[0][2]] == "2026-10-12"  # Thu 10-08, Fri 10-09, Mon 10-12
    assert due[st_[1][2]] == "2026-10-21"  # ten school days from 10-08


def test_a_make_up_saturday_counts_as_a_school_day(school):
    clock.set_fixed(dt.datetime(2026, 9, 30, 15, 0))
    add_holiday(school, "国庆节", dt.date(2026, 10, 1), dt.date(2026, 10, 7))
    add_holiday(school, "国庆调休", dt.date(2026, 10, 10), dt.date(2026, 10, 10), makeup=True)
    st_ = students(school, 1)
    assert _due(school, [(st_[0], L1)])[st_[0][2]] == "2026-10-10"  # Thu 10-08, Fri 10-09, Sat 10-10 (调休上课)


def test_without_holidays_only_weekends_are_skipped(school):
    clock.set_fixed(dt.datetime(2026, 9, 30, 15, 0))
    st_ = students(school, 2)
    due = _due(school, [(st_[0], L1), (st_[1], L2)])
    assert due[st_[0][2]] == "2026-10-05" == add_school_days(dt.date(2026, 9, 30), 3).isoformat()
    assert due[st_[1][2]] == "2026-10-14"
    assert add_school_days(dt.date(2026, 9, 30), 3, school.db) == dt.date(2026, 10, 5)
