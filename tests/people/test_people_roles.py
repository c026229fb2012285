"""Several roles per staff member: kept as a set, the primary role in step, the old single-role API still working."""
from __future__ import annotations

import pytest

from app.errors import InputRejected, PermissionDenied
from app.school.staff import (
    add_staff,
    get_staff,
    list_staff,
    psych_teachers,
    set_staff_active,
    set_staff_roles,
    update_staff,
)


def test_a_part_time_teacher_can_also_be_a_head_teacher(staff, session):
    both = get_staff(session.db, staff["both"])
    assert both.roles == ("psych_parttime", "head_teacher") and both.role == "psych_parttime"
    assert both.roles_label == "兼职心理教师、班主任" and both.holds("head_teacher")
    # the primary role is the one with the highest norm, whatever order the roles come in
    set_staff_roles(session, staff["head"], ["teacher", "head_teacher", "psych_fulltime"])
    m = get_staff(session.db, staff["head"])
    assert m.role == "psych_fulltime" and m.roles == ("psych_fulltime", "head_teacher", "teacher")
    assert session.db.scalar("SELECT role FROM staff WHERE id = :i", {"i": staff["head"]}) == "psych_fulltime"
    audit = session.db.query("SELECT target, detail FROM audit_log WHERE target = :t", {"t": f"staff:{staff['head']}"})
    assert audit and "psych_fulltime" in audit[-1][1]


def test_update_staff_replaces_the_primary_role_and_keeps_the_others(staff, session):
    update_staff(session, staff["both"], "王芳", "psych_fulltime", "13800000000")
    m = get_staff(session.db, staff["both"])
    assert m.roles == ("psych_fulltime", "head_teacher") and m.phone == "13800000000"
    update_staff(session, staff["both"], "王芳", "teacher", roles=())
    assert get_staff(session.db, staff["both"]).roles == ("teacher",)


def test_counting_psychological_teachers_counts_a_person_once(staff, session):
    assert psych_teachers(session.db) == {"psych_fulltime": 1, "psych_parttime": 1}
    set_staff_roles(session, staff["both"], ["psych_parttime", "psych_fulltime"])
    assert psych_teachers(session.db) == {"psych_fulltime": 2, "psych_parttime": 0}
    set_staff_active(session, staff["both"], False)
    assert psych_teachers(session.db) == {"psych_fulltime": 1, "psych_parttime": 0}


def test_a_class_head_teacher_gets_the_role(staff, session, pupils_class):
    from app.school.classes import set_head_teacher

    set_head_teacher(session, pupils_class, staff["full"])
    assert get_staff(session.db, staff["full"]).roles == ("psych_fulltime", "head_teacher")
    set_head_teacher(session, pupils_class, staff["leader"])
    m = get_staff(session.db, staff["leader"])
    assert m.roles == ("head_teacher", "leader") and m.role == "head_teacher"


def test_bad_roles_are_refused_with_a_reason(staff, session):
    with pytest.raises(InputRejected, match="至少选择一个身份"):
        set_staff_roles(session, staff["head"], [])
    with pytest.raises(InputRejected, match="未知的身份"):
        set_staff_roles(session, staff["head"], ["janitor"])
    with pytest.raises(InputRejected, match="未知的身份"):
        add_staff(session, "钱", "teacher", roles=("nobody",))
    assert get_staff(session.db, staff["head"]).roles == ("head_teacher",)


def test_a_head_teacher_account_cannot_set_roles(staff, session, pupils_class):
    from app.accounts.admin import add_account
    from app.accounts.model import Role
    from app.session import open_session

    add_account(session, "ht", "Teacher-password-2026!", Role.HEAD_TEACHER, class_id=pupils_class)
    ht = open_session(session.paths.root, "ht", "Teacher-password-2026!")
    try:
        with pytest.raises(PermissionDenied, match="心理教师或管理员"):
            set_staff_roles(ht, staff["head"], ["teacher"])
    finally:
        ht.close()
    assert [m.roles for m in list_staff(session.db) if m.id == staff["head"]] == [("head_teacher",)]


def test_the_migration_gives_every_existing_staff_member_their_role(session):
    """Migration 110 copies each staff row's single role into the set (and a class's head teacher gets 班主任)."""
    from pathlib import Path

    from app.store.migrate import split_statements

    db = session.db
    sql = (Path(__file__).resolve().parents[2] / "app/store/migrations/110_people.sql").read_text("utf-8")
    with db.transaction():
        db.execute("INSERT INTO staff (uuid, name, role, created_at) VALUES ('u1', '旧人', 'teacher', 'x')")
        db.execute("INSERT INTO classes (uuid, grade, number, name, head_teacher_id) VALUES"
                   " ('c1', 7, 9, '七年级（9）班', (SELECT id FROM staff WHERE uuid = 'u1'))")
        for table in ("duty_roster", "training_records", "staff_roles"):
            db.execute(f"DROP TABLE {table}")
        for statement in split_statements(sql):
            db.execute(statement)
    old = next(m for m in list_staff(db) if m.name == "旧人")
    assert old.roles == ("head_teacher", "teacher")
