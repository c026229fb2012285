"""Amending a student's profile and guardians (app.archive.profile) on a real vault; listing an .xlsx's sheets."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from openpyxl import Workbook

from app import clock
from app.archive.chronology import timeline
from app.archive.profile import (
    ProfileInvalid,
    can_edit,
    guardians_of,
    id_number_problem,
    set_guardians,
    update_profile,
)
from app.archive.students import Guardian, StudentFilter, StudentIndex, get_student
from app.audit.log import recent, verify_chain
from app.errors import PermissionDenied
from app.school.roster_import import import_roster, preview_roster
from app.tabular import TableError
from app.tabular.reader import sheet_names

OLD_ID = "110105201305040016"   # valid check digit
NEW_ID = "11010520130504018X"   # valid check digit (X)


def roster(path: Path, phone: str = "13800000001") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "花名册"
    ws.append(["姓名", "性别", "出生日期", "全国学籍号", "身份证件号", "班级", "监护人", "监护人关系", "监护人联系电话"])
    ws.append(["王小明", "男", "2013-05-04", "L201305040001", OLD_ID, "七年级（1）班", "王建国", "父亲", phone])
    ws.append(["李小红", "女", "2013-06-01", "L201306010002", "", "七年级（1）班", "", "", ""])
    wb.save(path)
    return path


@pytest.fixture
def imported(session, tmp_path):
    path = roster(tmp_path / "花名册.xlsx")
    import_roster(session, path)
    sid = int(session.db.scalar("SELECT id FROM students WHERE registry_no = 'L201305040001'"))
    return session, sid, path


def events(session, sid: int) -> list[tuple[str, str, str]]:
    return [tuple(r) for r in session.db.query(
        "SELECT kind, summary, account FROM student_events WHERE student_id = :s ORDER BY id", {"s": sid})]


def edits(session) -> list:
    return [e for e in recent(session.db, 1000, "edit")]


# -- the profile ---------------------------------------------------------------------------------------------
def test_update_profile_amends_and_records_who_when_why(imported):
    session, sid, _ = imported
    clock.set_fixed(clock.now() + dt.timedelta(minutes=5))  # after the import, so newest on the timeline
    before = len(events(session, sid))
    changed = update_profile(session, sid, {"gender": "男", "birth_date": "2013-05-14", "ethnicity": "回族",
                                            "boarding": True, "left_behind": True, "address": "某某镇某某村 12 号",
                                            "id_number": NEW_ID.lower(), "status": "休学"},
                             "家长提供户口本，更正出生日期")
    assert changed == ["birth_date", "ethnicity", "boarding", "left_behind", "address", "id_number", "status"]
    s = get_student(session.db, session.account, sid)
    assert (s.birth_date, s.ethnicity, s.boarding, s.left_behind, s.address, s.id_number, s.status) == \
        ("2013-05-14", "回族", True, True, "某某镇某某村 12 号", NEW_ID, "休学")

    rows = events(session, sid)
    assert len(rows) == before + 1
    kind, summary, account = rows[-1]
    assert kind == "edited" and account == session.account.label
    assert "出生日期（2013-05-04→2013-05-14）" in summary and "学籍状态（在读→休学）" in summary
    assert "身份证件号" in summary and "家庭住址" in summary and "原因：家长提供户口本，更正出生日期" in summary
    assert OLD_ID not in summary and NEW_ID not in summary and "0016" not in summary and "018X" not in summary

    entry = edits(session)[0]
    assert entry.target == "student:L201305040001"
    detail = json.loads(entry.detail)
    assert detail["profile"] == changed and OLD_ID not in entry.detail and NEW_ID not in entry.detail
    assert verify_chain(session.db).ok

    titles = [e.title for e in timeline(session, sid)]
    assert titles[0] == summary  # the amendment is the newest entry on the timeline


def test_status_change_shows_in_the_index(imported):
    session, sid, _ = imported
    update_profile(session, sid, {"status": "转出"}, "转学至外县")
    index = StudentIndex(session.db)
    assert sid not in [e.id for e in index.matching(session.account, StudentFilter())]
    assert sid in [e.id for e in index.matching(session.account, StudentFilter(include_left=True))]


def test_no_change_writes_nothing(imported):
    session, sid, _ = imported
    before, audits = len(events(session, sid)), len(edits(session))
    assert update_profile(session, sid, {"gender": "男", "id_number": OLD_ID}, "核对") == []
    assert len(events(session, sid)) == before and len(edits(session)) == audits


@pytest.mark.parametrize(("changes", "field", "fragment"), [
    ({"birth_date": "2013/5/14"}, "birth_date", "2013-05-04"),
    ({"birth_date": "2013-02-30"}, "birth_date", "无效"),
    ({"birth_date": "2099-01-01"}, "birth_date", "合理范围"),
    ({"gender": "未知"}, "gender", "男"),
    ({"id_number": "110105201305040018"}, "id_number", "校验位"),
    ({"id_number": "1101052013"}, "id_number", "18 位"),
    ({"status": "退学"}, "status", "在读"),
    ({"boarding": "是"}, "boarding", "是"),
    ({"ethnicity": "汉族123"}, "ethnicity", "民族"),
])
def test_invalid_values_are_refused_with_a_chinese_reason(imported, changes, field, fragment):
    session, sid, _ = imported
    before, audits = len(events(session, sid)), len(edits(session))
    with pytest.raises(ProfileInvalid) as exc:
        update_profile(session, sid, {"ethnicity": "汉族", **changes}, "更正")
    assert list(exc.value.errors) == [field]
    assert fragment in exc.value.errors[field]
    assert len(events(session, sid)) == before and len(edits(session)) == audits
    assert get_student(session.db, session.account, sid).ethnicity == ""  # nothing written, not even the valid part


def test_reason_is_required_and_reported_with_field_errors(imported):
    session, sid, _ = imported
    with pytest.raises(ProfileInvalid) as exc:
        update_profile(session, sid, {"birth_date": "明天"}, "  ")
    assert set(exc.value.errors) == {"birth_date", "reason"}
    assert "修改原因" in exc.value.errors["reason"]


def test_unknown_field_is_a_programming_error(imported):
    session, sid, _ = imported
    with pytest.raises(ValueError):
        update_profile(session, sid, {"name": "王大明"}, "改名")


def test_id_number_rules():
    assert id_number_problem(OLD_ID) is None and id_number_problem(NEW_ID) is None
    assert id_number_problem("110105130504001") is None  # an old 15-digit card
    assert id_number_problem("H12345678") is None          # 港澳居民来往内地通行证
    assert "校验位" in (id_number_problem("110105201305040017") or "")


def test_head_teacher_may_not_edit(school, head_teacher):
    sid = next(e.id for e in StudentIndex(school.db).matching(
        head_teacher.account, StudentFilter()))
    assert not can_edit(head_teacher.account) and can_edit(school.account)
    for attempt in (lambda: update_profile(head_teacher, sid, {"status": "休学"}, "病假"),
                    lambda: set_guardians(head_teacher, sid, [Guardian("张丽", "母亲", "13900000000")], "补充")):
        with pytest.raises(PermissionDenied) as exc:
            attempt()
        assert "班主任" in str(exc.value) or "只有心理教师" in str(exc.value)
    assert get_student(school.db, school.account, sid).status == "在读"


def test_a_manager_may_edit(imported, data_dir):
    from app.accounts.admin import add_account
    from app.accounts.model import Role
    from app.session import open_session

    session, sid, _ = imported
    add_account(session, "admin2", "Admin-password-2026!", Role.ADMIN, display_name="教务管理员")
    admin = open_session(data_dir, "admin2", "Admin-password-2026!")
    try:
        assert update_profile(admin, sid, {"address": "新址"}, "家长告知搬家") == ["address"]
        assert events(admin, sid)[-1][2] == "教务管理员"
    finally:
        admin.close()


# -- guardians -----------------------------------------------------------------------------------------------
def test_set_guardians_keeps_the_registry_guardian_and_survives_reimport(imported, tmp_path):
    session, sid, path = imported
    both = guardians_of(session, sid)
    assert both.registry == Guardian("王建国", "父亲", "13800000001") and both.edited == []

    assert set_guardians(session, sid, [Guardian(" 张丽 ", "母亲", "139 0000 0000"),
                                        Guardian("王老汉", "祖父", "")], "家长会上登记")
    both = guardians_of(session, sid)
    assert both.registry == Guardian("王建国", "父亲", "13800000001")
    assert both.edited == [Guardian("张丽", "母亲", "13900000000"), Guardian("王老汉", "祖父", "")]
    sorts = [r[0] for r in session.db.query("SELECT sort FROM guardians WHERE student_id = :s ORDER BY sort",
                                            {"s": sid})]
    assert sorts == [0, 1, 2]
    summary = events(session, sid)[-1][1]
    assert summary.startswith("修改监护人：新增 张丽（母亲）、王老汉（祖父）") and "原因：家长会上登记" in summary
    assert "13900000000" not in summary
    assert [g.name for g in get_student(session.db, session.account, sid).guardians] == ["王建国", "张丽", "王老汉"]

    # Re-importing the same roster changes nothing; a new registry phone replaces only the registry's guardian.
    assert preview_roster(session, path).counts()["unchanged"] == 2
    import_roster(session, roster(tmp_path / "新花名册.xlsx", phone="13800000009"))
    both = guardians_of(session, sid)
    assert both.registry == Guardian("王建国", "父亲", "13800000009")
    assert both.edited == [Guardian("张丽", "母亲", "13900000000"), Guardian("王老汉", "祖父", "")]

    # Edit again: one changed phone, one removed.
    assert set_guardians(session, sid, [Guardian("张丽", "母亲", "13900000001")], "更换手机号")
    summary = events(session, sid)[-1][1]
    assert "删除 王老汉（祖父）" in summary and "更改 张丽 的联系电话" in summary
    assert not set_guardians(session, sid, [Guardian("张丽", "母亲", "13900000001")], "再次保存")  # unchanged


def test_invalid_guardians_write_nothing(imported):
    session, sid, _ = imported
    set_guardians(session, sid, [Guardian("张丽", "母亲", "13900000000")], "登记")
    before = len(events(session, sid))
    with pytest.raises(ProfileInvalid) as exc:
        set_guardians(session, sid, [Guardian("张丽", "母亲", "13900000000"), Guardian("", "父亲", "abc")], "")
    assert set(exc.value.errors) == {"guardian:2:name", "guardian:2:phone", "reason"}
    assert "第 2 位监护人" in exc.value.errors["guardian:2:phone"]
    assert guardians_of(session, sid).edited == [Guardian("张丽", "母亲", "13900000000")]
    assert len(events(session, sid)) == before


def test_empty_list_removes_the_archive_guardians_only(imported):
    session, sid, _ = imported
    set_guardians(session, sid, [Guardian("张丽", "母亲", "13900000000")], "登记")
    assert set_guardians(session, sid, [], "登记有误，删除")
    both = guardians_of(session, sid)
    assert both.edited == [] and both.registry is not None
    assert "删除 张丽（母亲）" in events(session, sid)[-1][1]


# -- sheets of a workbook --------------------------------------------------------------------------------------
def test_sheet_names(tmp_path):
    wb = Workbook()
    wb.active.title = "说明"
    wb.create_sheet("七年级")
    wb.create_sheet("八年级")
    wb.save(tmp_path / "全校.xlsx")
    assert sheet_names(tmp_path / "全校.xlsx") == ["说明", "七年级", "八年级"]
    (tmp_path / "a.csv").write_text("姓名,学籍号,班级\n", encoding="utf-8")
    assert sheet_names(tmp_path / "a.csv") == []
    (tmp_path / "bad.xlsx").write_bytes(b"not a zip")
    with pytest.raises(TableError) as exc:
        sheet_names(tmp_path / "bad.xlsx")
    assert "无法打开" in str(exc.value)
