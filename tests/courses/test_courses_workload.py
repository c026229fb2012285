"""The workload sheet: per teacher per semester, lessons, group sessions, lectures, talks and individual sessions
with their minutes, and its sums; the encrypted .xlsx and the printable PDF; who may see it."""
from __future__ import annotations

import pytest

from app.casework.model import RecordInput
from app.casework.records import create_record, delete_record
from app.courses.progress import find_semester
from app.courses.records import ParentSessionInput, add_parent_session
from app.courses.workload import LESSON_MINUTES, export_workload, print_workload, workload
from app.errors import InputRejected, PermissionDenied
from app.school.staff import add_staff
from tests.courses.helpers import activity, lesson
from tests.xlsx_crypto import EXPORT_PASSWORD, is_encrypted, load_encrypted


@pytest.fixture
def pupils(session, classes):
    from app.demo import generate_students, insert_students

    return insert_students(session, generate_students(4, grades=(7,), class_size=4))


def _record(session, kind, students, day, minutes):  # type: ignore[no-untyped-def]
    return create_record(session, RecordInput(kind, students, f"{day}T10:00", minutes, title="团辅" if kind == "group"
                                              else "", summary="……"))


def test_the_sums_per_teacher_and_in_total(session, classes, pupils):
    add_staff(session, "王老师", "psych_fulltime")
    me = session.account.label
    lesson(session, classes["7.1"], "2026-10-10", teacher="王老师")
    lesson(session, classes["7.2"], "2026-10-11", periods=2, teacher="王老师")
    lesson(session, classes["7.3"], "2026-11-11", teacher="李老师")
    lesson(session, classes["7.3"], "2026-08-20", teacher="王老师")      # the previous semester
    activity(session, "2026-11-13", "grade", grade=7, kind="讲座", teacher="王老师")
    activity(session, "2026-11-14", class_id=classes["7.1"], teacher="李老师")
    add_parent_session(session, ParentSessionInput("2026-11-20", "读懂孩子", 2, speaker="王老师"))
    _record(session, "group", pupils[:3], "2026-10-20", 45)
    _record(session, "talk", pupils[:1], "2026-10-21", 20)
    _record(session, "talk", pupils[1:2], "2026-10-22", 15)
    _record(session, "individual", pupils[2:3], "2026-11-02", 50)
    gone = _record(session, "individual", pupils[3:], "2026-11-03", 50)
    delete_record(session, gone, "录错了")
    _record(session, "home_visit", pupils[:1], "2026-11-04", 60)        # not teaching load
    sheet = workload(session, find_semester(session.db, "2026-2027-1"))
    rows = {r.teacher: r for r in sheet.rows}
    assert set(rows) == {"王老师", "李老师", me}
    w = rows["王老师"]
    assert (w.lessons, w.lesson_periods, w.lectures, w.activities) == (2, 3.0, 2, 0)
    assert w.total_minutes == 3 * LESSON_MINUTES
    li = rows["李老师"]
    assert (li.lessons, li.activities, li.lectures) == (1, 1, 0)
    c = rows[me]
    assert (c.group_sessions, c.group_minutes, c.talks, c.talk_minutes, c.individual, c.individual_minutes) == \
        (1, 45, 2, 35, 1, 50)
    assert c.total_minutes == 130
    t = sheet.total
    assert (t.lessons, t.lesson_periods, t.lectures, t.talks, t.individual) == (3, 4.0, 2, 2, 1)
    assert t.total_minutes == 4 * LESSON_MINUTES + 130
    assert sheet.as_json()["total"]["total_minutes"] == t.total_minutes


def test_the_xlsx_is_encrypted_and_the_pdf_prints(session, classes, tmp_path):
    lesson(session, classes["7.1"], "2026-10-10", teacher="王老师")
    sheet = workload(session, find_semester(session.db, "2026-10-10"))
    out = export_workload(session, sheet, tmp_path / "load.xlsx", password=EXPORT_PASSWORD)
    assert is_encrypted(out)
    ws = load_encrypted(out).active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[0][0] == "教师" and values[1][:3] == ["王老师", 1, 1]
    assert values[-1][0] == "合计"
    pdf = print_workload(session, sheet, tmp_path / "load.pdf")
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 2000
    actions = [r[0] for r in session.db.query("SELECT action FROM audit_log WHERE target IN ('workload', 'load.pdf')")]
    assert actions == ["export", "print"]
    with pytest.raises(InputRejected, match="学期"):
        find_semester(session.db, "2030-2031-1")


def test_a_head_teacher_sees_no_workload(session, classes):
    from app.accounts.admin import add_account
    from app.accounts.model import Role
    from app.session import open_session

    add_account(session, "ht", "Teacher-password-2026!", Role.HEAD_TEACHER, class_id=classes["7.1"])
    ht = open_session(session.paths.root, "ht", "Teacher-password-2026!")
    try:
        with pytest.raises(PermissionDenied):
            workload(ht, find_semester(ht.db, ""))
    finally:
        ht.close()


def test_the_workload_and_norms_commands(session, classes, tmp_path):
    import json

    from tests.courses.test_courses_import import _cli

    lesson(session, classes["7.1"], "2026-10-10", teacher="王老师")
    data = session.paths.root
    session.close()
    r = _cli(["workload", "--semester", "2026-2027-1", "--json"], data)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["semester"] == "2026-2027学年第一学期" and out["teachers"][0]["teacher"] == "王老师"
    assert out["total"]["lessons"] == 1
    r = _cli(["workload", "--semester", "2026-2027-1", "--out", tmp_path / "w.xlsx"], data)
    assert r.returncode == 3 and "XINQIAO_EXPORT_PASSWORD" in r.stderr and not (tmp_path / "w.xlsx").exists()
    r = _cli(["workload", "--semester", "2026-2027-1", "--out", tmp_path / "w.pdf"], data)
    assert r.returncode == 0 and (tmp_path / "w.pdf").read_bytes().startswith(b"%PDF")
    r = _cli(["workload", "--semester", "下学期"], data)
    assert r.returncode == 3 and "找不到学期" in r.stderr
    r = _cli(["courses-norms", "--use", "ningxia"], data)
    assert r.returncode == 0 and "宁夏" in r.stdout
    r = _cli(["courses-norms", "--json"], data)
    assert json.loads(r.stdout)["current"]["key"] == "ningxia"
