"""Session life cycle, accounts and roles, settings, the school calendar and saved column mappings."""
from __future__ import annotations

import datetime as dt

import pytest

from app.accounts.admin import add_account, change_password, set_account_disabled
from app.accounts.model import Role
from app.errors import InputRejected, PermissionDenied, WrongPassword, XinqiaoError
from app.policy import can_manage_school, can_read_confidential, class_scope
from app.school.calendar import add_school_year, list_semesters, save_semester_dates, semester_for, year_name_for
from app.school.setup import create_vault
from app.session import open_session, password_strength, vault_exists
from app.store.settings import get_setting, set_setting
from app.tabular.profiles import list_profiles, load_profile, save_profile
from tests.conftest import PASSWORD


def test_create_vault_layout_and_refusals(session, data_dir):
    assert vault_exists(data_dir)
    for name in ("vault.db", "keyslots.json", "backups", "logs"):
        assert (data_dir / name).exists()
    assert can_manage_school(session.account) and can_read_confidential(session.account)
    assert session.db.scalar("SELECT name FROM school") == "测试学校"
    with pytest.raises(XinqiaoError):
        create_vault(data_dir, school_name="again", username="x", password="y")


@pytest.mark.parametrize("kwargs", [{"school_name": "  ", "password": "p"}, {"school_name": "学校", "password": ""}])
def test_create_vault_needs_a_name_and_a_password(tmp_path, kwargs):
    with pytest.raises(XinqiaoError):
        create_vault(tmp_path / "v", username="u", **kwargs)
    assert not (tmp_path / "v" / "vault.db").exists()


def test_lock_drops_the_key_and_unlock_restores(session):
    calls = []
    session.on_lock.append(lambda: calls.append("locked"))
    key_buffer = session._key
    session.lock()
    assert session.locked and calls == ["locked"]
    assert key_buffer is not None and bytes(key_buffer) == bytes(32)  # overwritten in place
    with pytest.raises(XinqiaoError):
        _ = session.db
    with pytest.raises(XinqiaoError):
        _ = session.key
    with pytest.raises(WrongPassword):
        session.unlock("wrong")
    session.unlock(PASSWORD)
    assert not session.locked
    actions = [r[0] for r in session.db.query("SELECT action FROM audit_log ORDER BY id DESC LIMIT 3")]
    assert actions == ["sign_in", "sign_in_failed", "sign_out"]


def test_roles(session, data_dir):
    add_account(session, "admin2", "Copper-gate-2026!", Role.ADMIN)
    with session.db.transaction():
        session.db.execute("INSERT INTO classes (uuid, grade, number, name) VALUES ('c1', 7, 1, '七年级（1）班')")
    cid = int(session.db.scalar("SELECT id FROM classes"))
    with pytest.raises(InputRejected):
        add_account(session, "t0", "Tulip-field-2028!", Role.HEAD_TEACHER)  # a head teacher needs a class
    add_account(session, "t1", "Tulip-field-2026!", Role.HEAD_TEACHER, class_id=cid)
    with pytest.raises(InputRejected):
        add_account(session, "t1", "Tulip-field-2026!", Role.COUNSELOR)
    admin = open_session(data_dir, "admin2", "Copper-gate-2026!")
    teacher = open_session(data_dir, "t1", "Tulip-field-2026!")
    try:
        assert can_manage_school(admin.account) and not can_read_confidential(admin.account)
        assert class_scope(admin.account) is None
        assert class_scope(teacher.account) == cid and not can_manage_school(teacher.account)
        with pytest.raises(PermissionDenied):
            add_account(teacher, "x", "Xylem-wood-2026!", Role.ADMIN)
        with pytest.raises(PermissionDenied):
            change_password(teacher, "counselor", "taken-over")
        change_password(teacher, "t1", "Tulip-field-2027!")
        with pytest.raises(PermissionDenied):
            set_account_disabled(teacher, "admin2", True)
        with pytest.raises(XinqiaoError):
            set_account_disabled(admin, "admin2", True)  # not the account in use
        set_account_disabled(admin, "t1", True)
    finally:
        admin.close()
        teacher.close()
    with pytest.raises(WrongPassword):
        open_session(data_dir, "t1", "Tulip-field-2027!")


def test_password_strength():
    assert password_strength("aaaaaaaaaaaa")[0] == 0
    weak, hint = password_strength("abc")
    assert weak == 0 and "太弱" in hint
    assert password_strength("Correct-Horse-7-Battery")[0] == 4


def test_settings(session):
    assert get_setting(session.db, "idle_lock_minutes") == 10
    assert get_setting(session.db, "backup_keep") == 30
    assert get_setting(session.db, "unknown", "默认") == "默认"
    set_setting(session.db, "idle_lock_minutes", 5)
    set_setting(session.db, "idle_lock_minutes", 15)
    set_setting(session.db, "school_motto", {"text": "心向阳光"})
    assert get_setting(session.db, "idle_lock_minutes") == 15
    assert get_setting(session.db, "school_motto") == {"text": "心向阳光"}


def test_calendar(session):
    assert year_name_for(dt.date(2026, 9, 1)) == "2026-2027"
    assert year_name_for(dt.date(2027, 8, 31)) == "2026-2027"
    y = add_school_year(session, 2026)
    assert add_school_year(session, 2026) == y
    sems = {s.name: s for s in list_semesters(session.db)}
    autumn = sems["2026-2027学年第一学期"]
    assert (autumn.start_date, autumn.end_date) == ("2026-09-01", "2027-01-31")
    assert semester_for(session.db, dt.date(2026, 10, 1)).term == "autumn"
    assert semester_for(session.db, dt.date(2027, 3, 1)).term == "spring"
    summer = semester_for(session.db, dt.date(2027, 8, 15))
    assert summer is not None and summer.term == "spring"  # the one that ended most recently
    assert save_semester_dates(session, {autumn.id: ("2026-08-25", "2027-01-20")}) == 1
    assert semester_for(session.db, dt.date(2026, 8, 26)).id == autumn.id
    with pytest.raises(InputRejected, match="开始日期 2027-02-01 晚于结束日期 2027-01-01"):
        save_semester_dates(session, {autumn.id: ("2027-02-01", "2027-01-01")})


def test_semester_dates_are_saved_all_or_nothing(session):
    """A bad later row leaves every semester, and the audit log, as they were."""
    add_school_year(session, 2026)
    sems = list_semesters(session.db)
    first, later = sems[-2], sems[-1]
    before = [(s.start_date, s.end_date) for s in list_semesters(session.db)]
    audit_rows = session.db.scalar("SELECT count(*) FROM audit_log")
    with pytest.raises(InputRejected) as exc:
        save_semester_dates(session, {first.id: ("2026-08-20", first.end_date),     # good
                                      later.id: ("2027-08-01", "2027-07-01")})     # start after end
    assert later.name in exc.value.message and "没有保存" in exc.value.message
    assert [(s.start_date, s.end_date) for s in list_semesters(session.db)] == before
    assert session.db.scalar("SELECT count(*) FROM audit_log") == audit_rows
    with pytest.raises(InputRejected, match="年-月-日"):
        save_semester_dates(session, {first.id: ("2026-08-20", first.end_date), later.id: ("明年", "2027-07-01")})
    assert [(s.start_date, s.end_date) for s in list_semesters(session.db)] == before
    # both good: one transaction, one audit line naming the count
    assert save_semester_dates(session, {first.id: ("2026-08-20", first.end_date),
                                         later.id: ("2027-02-03", later.end_date)}) == 2
    assert session.db.scalar("SELECT count(*) FROM audit_log") == audit_rows + 1
    assert session.db.scalar("SELECT detail FROM audit_log ORDER BY id DESC LIMIT 1") == "修改了 2 个学期的日期"
    # a head teacher may not change the calendar
    from app.school.classes import add_class

    add_account(session, "t7", "Teacher-7-2026!", Role.HEAD_TEACHER, class_id=add_class(session, "7.1").id)
    teacher = open_session(session.paths.root, "t7", "Teacher-7-2026!")
    try:
        with pytest.raises(PermissionDenied, match="只有管理员可以修改学期日期"):
            save_semester_dates(teacher, {first.id: ("2026-08-21", first.end_date)})
    finally:
        teacher.close()


def test_import_profiles(session):
    save_profile(session, "roster", "教务处导出", {"name": "学生名字", "class": "所在班"})
    save_profile(session, "roster", "教务处导出", {"name": "学生名字", "class": "班名"})
    save_profile(session, "screening", "平台", {"score": "总分"})
    assert list_profiles(session.db, "roster") == ["教务处导出"]
    assert load_profile(session.db, "roster", "教务处导出") == {"name": "学生名字", "class": "班名"}
    assert load_profile(session.db, "roster", "nothing") is None


def test_saved_mapping_reads_unusual_headers(session, tmp_path):
    from openpyxl import Workbook

    from app.school.roster_import import preview_roster

    wb = Workbook()
    wb.active.append(["学生名字", "编号", "所在班"])
    wb.active.append(["王小明", "G3702022013050401", "初一(2)"])
    path = tmp_path / "odd.xlsx"
    wb.save(path)
    p = preview_roster(session, path, mapping={"name": "学生名字", "registry_no": "编号", "class": "所在班"})
    assert p.counts()["new"] == 1 and p.new[0].row.class_ref.number == 2


def test_a_head_teacher_account_gives_a_class_without_one_its_head_teacher(school):
    from app.accounts.admin import add_account
    from app.accounts.model import Role
    from app.school.classes import add_class, find_class, set_head_teacher

    cls = add_class(school, "9.7")
    assert cls.head_teacher_id is None
    add_account(school, "zhou", "Week-teacher-2026!", Role.HEAD_TEACHER, display_name="周老师", class_id=cls.id)
    assert find_class(school.db, "9.7").head_teacher == "周老师"
    # a class that already has its head teacher keeps it
    other = find_class(school.db, "7.1")
    set_head_teacher(school, other.id, None)
    add_account(school, "wu", "Wu-teacher-2026!!", Role.HEAD_TEACHER, display_name="吴老师", class_id=other.id)
    add_account(school, "wu2", "Wu-teacher-2026!!", Role.HEAD_TEACHER, display_name="郑老师", class_id=other.id)
    assert find_class(school.db, "7.1").head_teacher == "吴老师"


def test_a_head_teacher_account_follows_its_class_up_a_grade(school):
    from app.accounts.admin import add_account, set_account_class
    from app.accounts.model import Role
    from app.archive.students import StudentFilter, list_students
    from app.audit import recent
    from app.errors import XinqiaoError
    from app.school.classes import find_class
    from app.session import open_session

    seven, eight = find_class(school.db, "7.1"), find_class(school.db, "8.1")
    add_account(school, "qian", "Autumn-teacher-2026!", Role.HEAD_TEACHER, display_name="钱老师", class_id=seven.id)
    moved = set_account_class(school, "qian", eight.id)
    assert moved.class_id == eight.id
    assert any(e.action == "account" and e.target == "qian" for e in recent(school.db, 5))
    with pytest.raises(XinqiaoError):
        set_account_class(school, "counselor", eight.id)  # a counselor has no class
    t = open_session(school.paths.root, "qian", "Autumn-teacher-2026!")
    try:
        assert {s.class_id for s in list_students(t.db, t.account, StudentFilter())} == {eight.id}
    finally:
        t.close()
