"""Training hours over the three-year cycle against the norms (the cycle's boundary, the highest norm for several
roles, the settings), supervision once a school year, and what is refused."""
from __future__ import annotations

import datetime as dt

import pytest
from people_helpers import set_day

from app.errors import InputRejected, PermissionDenied
from app.people.model import cycle_for, norm_group
from app.people.training import add_training, list_training, remove_training, set_people_settings, shortfall, standings


def by_name(session, on: dt.date):
    _cycle, rows = standings(session, on)
    return {r.name: r for r in rows}


def test_the_cycle_runs_in_school_years_from_the_start_year():
    c = cycle_for(dt.date(2026, 11, 2), 2024)
    assert (c.start, c.end) == (dt.date(2024, 9, 1), dt.date(2027, 8, 31))
    assert cycle_for(dt.date(2027, 8, 31), 2024).start == dt.date(2024, 9, 1)
    assert cycle_for(dt.date(2027, 9, 1), 2024).start == dt.date(2027, 9, 1)
    assert cycle_for(dt.date(2024, 8, 31), 2024) .start == dt.date(2021, 9, 1)   # before the start: the cycle before
    assert "2024—2027" in c.label


def test_hours_are_counted_within_the_cycle_and_the_boundary_day_belongs_to_it(staff, session):
    set_day(dt.date(2027, 9, 10))
    add_training(session, staff["head"], "2024-08-31", "上一周期最后一天", "school", "training", 5)
    add_training(session, staff["head"], "2024-09-01", "本周期第一天", "district", "training", 6)
    add_training(session, staff["head"], "2027-08-31", "本周期最后一天", "city", "training", 10)
    add_training(session, staff["head"], "2027-09-01", "下一周期第一天", "city", "training", 3)
    rows = by_name(session, dt.date(2027, 8, 31))
    assert rows["赵强"].done == 16 and rows["赵强"].needed == 16 and not rows["赵强"].hours_short
    # one day earlier the last record has not happened yet
    assert by_name(session, dt.date(2027, 8, 30))["赵强"].done == 6
    # on the next cycle's first day only that day's record counts
    nxt = by_name(session, dt.date(2027, 9, 1))["赵强"]
    assert nxt.done == 3 and nxt.hours_short and nxt.shortfall_text() == "培训 3/16 学时，差 13 学时"
    assert by_name(session, dt.date(2024, 8, 31))["赵强"].done == 5   # the cycle before


def test_each_role_has_its_norm_and_several_roles_take_the_highest(staff, session):
    rows = by_name(session, dt.date(2026, 11, 2))
    assert {n: (r.norm_group, r.needed) for n, r in rows.items()} == {
        "李静": ("psych_fulltime", 40), "王芳": ("psych_parttime", 24), "赵强": ("head_teacher", 16),
        "周建国": ("other", 8)}
    assert rows["王芳"].several_roles and rows["王芳"].roles_label == "兼职心理教师、班主任"
    assert norm_group(("head_teacher", "teacher"), {"psych_fulltime": 40, "psych_parttime": 24, "head_teacher": 16,
                                                  "other": 8}) == "head_teacher"
    # a norm set above the others wins for a person holding it
    assert norm_group(("head_teacher", "leader"), {"psych_fulltime": 40, "psych_parttime": 24, "head_teacher": 16,
                                                 "other": 30}) == "other"


def test_settings_move_the_cycle_and_the_norms(staff, session):
    add_training(session, staff["leader"], "2026-03-01", "校本培训", "school", "training", 8)
    assert not by_name(session, dt.date(2026, 11, 2))["周建国"].hours_short
    set_people_settings(session, norms={"other": 12})
    assert by_name(session, dt.date(2026, 11, 2))["周建国"].hours_label == "8/12 学时"
    set_people_settings(session, cycle_start_year=2026)   # cycle 2026-09-01 .. 2029-08-31: March is outside
    row = by_name(session, dt.date(2026, 11, 2))["周建国"]
    assert row.done == 0 and row.needed == 12
    with pytest.raises(InputRejected, match="起始年份"):
        set_people_settings(session, cycle_start_year=1850)
    with pytest.raises(InputRejected, match="0–1000"):
        set_people_settings(session, norms={"psych_fulltime": -4})
    assert session.db.scalar("SELECT value FROM settings WHERE key = 'people'").count("2026") == 1


def test_full_time_teachers_need_a_supervision_each_school_year(staff, session):
    add_training(session, staff["full"], "2026-06-10", "上学年督导", "district", "supervision", 2)
    _cycle, short = shortfall(session, dt.date(2026, 11, 2))
    li = next(r for r in short if r.name == "李静")
    assert li.supervision_short and li.supervisions == 0 and "本学年督导 0/1 次" in li.shortfall_text()
    assert not any(r.supervision_short for r in short if r.name != "李静")   # only full-time teachers need it
    add_training(session, staff["full"], "2026-10-20", "个案督导", "district", "supervision", 2)
    li = by_name(session, dt.date(2026, 11, 2))["李静"]
    assert not li.supervision_short and li.done == 4 and li.hours_short


def test_records_are_listed_and_removed_and_bad_input_is_refused(staff, session):
    rid = add_training(session, staff["both"], dt.date(2026, 10, 1), "市骨干教师研修", "city", "training", 1.5,
                       note="线上")
    rows = list_training(session, staff_id=staff["both"])
    assert [(r.title, r.level_label, r.kind_label, r.hours) for r in rows] == [("市骨干教师研修", "市级", "培训", 1.5)]
    for bad, message in (({"held_on": "2026-11-03"}, "晚于今天"), ({"hours": 0}, "学时应大于 0"),
                         ({"hours": "四"}, "不是数字"), ({"title": " "}, "培训名称"), ({"level": "世界"}, "培训级别"),
                         ({"held_on": "十月"}, "不是有效日期")):
        args = {"held_on": "2026-10-01", "title": "培训", "level": "city", "kind": "training", "hours": 2, **bad}
        with pytest.raises(InputRejected, match=message):
            add_training(session, staff["both"], **args)
    remove_training(session, rid)
    assert list_training(session) == []
    with pytest.raises(InputRejected, match="不存在"):
        remove_training(session, rid)
    actions = [r[0] for r in session.db.query("SELECT target FROM audit_log WHERE target LIKE 'training_record:%'")]
    assert actions == [f"training_record:{rid}"] * 2


def test_a_head_teacher_account_cannot_keep_training(staff, session, pupils_class):
    from app.accounts.admin import add_account
    from app.accounts.model import Role
    from app.session import open_session

    add_account(session, "ht", "Teacher-password-2026!", Role.HEAD_TEACHER, class_id=pupils_class)
    ht = open_session(session.paths.root, "ht", "Teacher-password-2026!")
    try:
        with pytest.raises(PermissionDenied):
            add_training(ht, staff["head"], "2026-10-01", "培训", "city", "training", 2)
        with pytest.raises(PermissionDenied):
            set_people_settings(ht, cycle_start_year=2025)
    finally:
        ht.close()
