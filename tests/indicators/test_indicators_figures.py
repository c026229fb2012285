"""The figures of the existing capabilities against seeded records: screening, crisis, and who sees what."""
from __future__ import annotations

import datetime as dt

from app import clock
from app.indicators.compute import by_key, compute
from app.indicators.periods import month_period, parse_period

T0 = dt.datetime(2026, 10, 12, 9, 0)
L2 = [2, 2, 2, 2, 2, 2, 2, 2, 0]
NONE = [0, 0, 1, 0, 0, 0, 0, 0, 0]


def _school(session):
    from app.demo import generate_students, insert_students
    from app.school.calendar import add_school_year

    clock.set_fixed(T0)
    add_school_year(session, 2026)
    return insert_students(session, generate_students(10, grades=(7,), class_size=5))


def test_screening_coverage_on_time_levels_and_interviews(session):
    from app.screening.campaigns import create_campaign
    from app.screening.results import save_answers

    ids = _school(session)
    camp = create_campaign(session, "秋季测评", {7: "phq9"}, window_start=dt.date(2026, 10, 1),
                           window_end=dt.date(2026, 10, 31))
    for sid in ids[:3]:                                      # 七年级（1）班: three of five
        save_answers(session, camp.id, sid, "phq9", NONE, taken_on=dt.date(2026, 10, 10))
    save_answers(session, camp.id, ids[5], "phq9", L2, taken_on=dt.date(2026, 10, 12))
    clock.set_fixed(dt.datetime(2026, 11, 10, 9, 0))
    save_answers(session, camp.id, ids[6], "phq9", NONE, taken_on=dt.date(2026, 11, 3))   # after the deadline
    figs = by_key(compute(session, parse_period(session.db, "2026秋")))
    cov = figs["screening.coverage"]
    assert (cov.value, cov.target, cov.ok) == (5, 10, False)
    assert cov.breakdown == {"七年级": {"done": 5, "expected": 10}}
    assert [e.label for e in cov.evidence] == ["七年级（1）班 缺 2 人（秋季测评）", "七年级（2）班 缺 3 人（秋季测评）"]
    on_time = figs["screening.on_time"]
    assert (on_time.value, on_time.target) == (4, 5) and on_time.evidence[0].label == "七年级（2）班 逾期 1 人"
    assert figs["screening.levels"].value == 1 and figs["screening.levels"].breakdown == {"七年级": {"二级": 1}}
    interviews = figs["screening.interviews_on_time"]
    assert interviews.target == 1 and interviews.value == 0 and "尚未访谈" in interviews.evidence[0].label
    # a month with no campaign window: coverage has no norm to meet
    assert by_key(compute(session, month_period(2026, 12)))["screening.coverage"].ok is None


def test_crisis_cases_referrals_leave_and_return(session):
    from app.crisis.cases import open_case
    from app.crisis.institutions import add_institution
    from app.crisis.steps import complete_step

    ids = _school(session)
    a = open_case(session, ids[0], "major", "teacher", summary="情绪激动")
    open_case(session, ids[1], "general", "teacher", summary="失眠")
    inst = add_institution(session, "市精神卫生中心", green_channel=True)
    steps = {r[0]: r[1] for r in session.db.query("SELECT step_key, id FROM crisis_steps WHERE case_id = :c", {"c": a})}
    complete_step(session, steps["referral"], done_by="心理教师", data={"institution_id": inst})
    complete_step(session, steps["treatment"], done_by="家长", data={"kind": "休学"})
    figs = by_key(compute(session, month_period(2026, 10)))
    cases = figs["crisis.cases"]
    assert cases.value == 2 and cases.breakdown["等级"]["重大"] == 1 and cases.breakdown["等级"]["一般"] == 1
    assert cases.breakdown["状态"] == {"进行中": 2, "已结案": 0} and cases.breakdown["本期新开"] == 2
    assert figs["crisis.referrals"].breakdown == {"绿色通道": 1, "其他途径": 0}
    assert figs["crisis.leave_return"].breakdown == {"休学": 1, "复学": 0}
    assert by_key(compute(session, month_period(2026, 9)))["crisis.cases"].value == 0


def test_a_head_teacher_and_an_administrator_see_only_what_their_role_may(session):
    from app.accounts.admin import add_account
    from app.accounts.model import Role
    from app.crisis.cases import open_case
    from app.school.classes import find_class
    from app.session import open_session

    ids = _school(session)
    open_case(session, ids[0], "severe", "teacher", summary="情绪激动")     # 七年级（1）班
    open_case(session, ids[7], "general", "teacher", summary="失眠")       # 七年级（2）班
    add_account(session, "ht", "Teacher-password-2026!", Role.HEAD_TEACHER, class_id=find_class(session.db, "7.2").id)
    add_account(session, "office", "Clerk-Bluebird-2026!", Role.ADMIN)
    root = session.paths.root
    ht = open_session(root, "ht", "Teacher-password-2026!")
    try:
        figs = by_key(compute(ht, month_period(2026, 10)))
        assert figs["crisis.cases"].value == 1
        assert "safety.same_day" not in figs and "screening.interviews_on_time" not in figs
        assert "loop.meeting" not in figs
    finally:
        ht.close()
    adm = open_session(root, "office", "Clerk-Bluebird-2026!")
    try:
        figs = by_key(compute(adm, month_period(2026, 10)))
        assert not any(k.startswith(("crisis.", "casework.", "safety.", "archive.")) for k in figs)
        assert "screening.levels" not in figs
    finally:
        adm.close()
