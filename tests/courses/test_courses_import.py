"""import-courses with messy sheets: a title row and merged header cells, blank rows, classes written as 7.1,
七(1)班 and 初一1班, grade- and school-wide activities, unknown types and classes with clear Chinese row errors; the
contract's tidy sheet on the command line."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from openpyxl import Workbook

from app.courses.importer import apply_courses, import_courses, preview_courses
from app.courses.indicators import course_figures
from app.courses.records import list_entries
from app.errors import InputRejected
from app.indicators.compute import by_key
from tests.conftest import PASSWORD, ROOT
from tests.courses.helpers import month


def _messy(path):  # type: ignore[no-untyped-def]
    wb = Workbook()
    ws = wb.active
    ws.append(["某某中学 2026 年 11 月 心理课与主题活动登记"])
    ws.merge_cells("A1:G1")
    ws.append(["日期", "班级信息", None, "类型", "主题", "授课/组织教师", "课时"])
    ws.append([None, "年级", "班级", None, None, None, None])
    for col in "ADEFG":
        ws.merge_cells(f"{col}2:{col}3")
    ws.merge_cells("B2:C2")
    ws.append(["2026-11-05", "七年级", "7.1", "心理健康教育课", "认识情绪", "王老师", 1])          # row 4
    ws.append([None, None, None, None, None, None, None])                                          # row 5 blank
    ws.append(["2026/11/06", "", "七(2)班", "心理课", "学会倾听", "王老师", "2节"])                 # row 6
    ws.append(["2026年11月12日", "初一", "1班", "班会", "情绪漂流瓶", "李老师", None])              # row 7
    ws.append(["2026-11-13", "七年级", "", "讲座", "青春期心理", "王老师", 1])                      # row 8: grade-wide
    ws.append(["2026-11-14", "", "全校", "心理健康月", "阳光心理月", "王老师", ""])                 # row 9: school
    ws.append(["2026-11-15", "七年级", "初一3班", "郊游", "秋游", "", 1])                           # row 10: bad type
    ws.append(["2026-11-16", "", "九年级（9）班", "心理课", "生命教育", "", 1])                      # row 11: no class
    ws.append(["2026-13-01", "", "7.1", "心理课", "挫折教育", "", 1])                               # row 12: bad date
    ws.append(["2027-03-01", "", "7.1", "心理课", "挫折教育", "", 1])                               # row 13: future
    ws.append(["2026-11-17", "七年级", "", "心理课", "挫折教育", "", 1])                             # row 14: no class
    ws.append(["2026-11-18", "", "7.2", "心理课", "", "", "abc"])                                   # row 15: 2 errors
    wb.save(path)


def test_a_messy_sheet_gives_clear_row_errors(session, classes, tmp_path):
    f = tmp_path / "courses.xlsx"
    _messy(f)
    p = preview_courses(session, f)
    assert p.header_row == 3
    assert [(e.row, e.field) for e in p.errors] == [
        (10, "类型"), (11, "班级"), (12, "日期"), (13, "日期"), (14, "班级"), (15, "主题"), (15, "课时")]
    reasons = {e.row: e.reason for e in p.errors}
    assert "郊游" in reasons[10] and "心理健康教育课" in reasons[10]
    assert "学校没有九年级（9）班" in reasons[11]
    assert "晚于今天" in reasons[13]
    assert "心理课要写明班级" in reasons[14]
    rows = {r.row: r for r in p.rows}
    assert sorted(rows) == [4, 6, 7, 8, 9]
    assert (rows[4].kind, rows[4].place) == ("lesson", "七年级（1）班")
    assert (rows[6].place, rows[6].periods) == ("七年级（2）班", 2)
    assert (rows[7].kind, rows[7].label, rows[7].place) == ("activity", "主题班会", "七年级（1）班")
    assert (rows[8].activity.scope, rows[8].activity.grade, rows[8].place) == ("grade", 7, "七年级")
    assert (rows[9].activity.scope, rows[9].label) == ("school", "心理健康月")
    assert p.counts() == {"lessons": 2, "activities": 3, "duplicates": 0, "invalid": 6}
    with pytest.raises(InputRejected, match="6 行无效"):
        apply_courses(session, p)
    assert list_entries(session, "2026-09-01", "2026-12-31") == []


def test_skip_invalid_writes_the_rest_and_keeps_the_error_report(session, classes, tmp_path):
    f = tmp_path / "courses.xlsx"
    _messy(f)
    result = import_courses(session, f, skip_invalid=True)
    assert result.written == 5 and result.error_report
    entries = list_entries(session, "2026-11-01", "2026-11-30", class_id=classes["7.3"])
    assert sorted(e.what for e in entries) == ["心理健康月", "讲座"]     # grade- and school-wide cover 七年级（3）班
    f_nov = by_key(course_figures(session, month("2026-11")))
    assert {e.label for e in f_nov["courses.lessons_every_class"].evidence} == {"七年级（3）班", "高一（1）班"}
    assert f_nov["courses.activities_every_class"].ok is True
    again = preview_courses(session, f)
    assert again.rows == [] and again.duplicates == [4, 6, 7, 8, 9]
    audit = session.db.query("SELECT detail FROM audit_log WHERE action = 'import'")
    assert any('"courses"' in r[0] for r in audit)


def test_a_sheet_without_the_type_column_is_refused(session, classes, tmp_path):
    from app.tabular import TableError

    wb = Workbook()
    wb.active.append(["日期", "班级", "主题"])
    wb.active.append(["2026-11-05", "7.1", "认识情绪"])
    wb.save(tmp_path / "x.xlsx")
    with pytest.raises(TableError, match="类型"):
        preview_courses(session, tmp_path / "x.xlsx")


def _cli(args, data):  # type: ignore[no-untyped-def]
    env = dict(os.environ, XINQIAO_DATA_DIR=str(data), XINQIAO_USER="counselor", XINQIAO_PASSWORD=PASSWORD,
               XINQIAO_TEST_FAST_KDF="1", PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, args)], env=env, capture_output=True,
                          text=True, timeout=120, cwd=ROOT)


def test_the_contract_sheet_on_the_command_line(session, classes, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["日期", "年级", "班级", "类型", "主题", "授课/组织教师", "课时"])
    ws.append(["2026-11-05", "七年级", "七年级（1）班", "心理健康教育课", "认识情绪", "王老师", 1])
    ws.append(["2026-11-06", "七年级", "七年级（1）班", "主题活动", "情绪漂流瓶", "班主任", 1])
    ws.append(["2026-11-12", "七年级", "七年级（2）班", "主题活动", "情绪漂流瓶", "班主任", 1])
    f = tmp_path / "courses.xlsx"
    wb.save(f)
    data = session.paths.root
    session.close()
    r = _cli(["import-courses", f, "--dry-run", "--json"], data)
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert report["counts"] == {"lessons": 1, "activities": 2, "duplicates": 0, "invalid": 0}
    assert report["written"] == 0 and report["dry_run"] is True
    r = _cli(["import-courses", f, "--json"], data)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["written"] == 3
    r = _cli(["courses", "--semester", "2026-2027-1", "--json"], data)
    assert r.returncode == 0, r.stderr
    grid = {c["class"]: c for c in json.loads(r.stdout)["classes"]}
    assert grid["七年级（2）班"]["months"]["2026-11"] == {"lessons": 0, "periods": 0.0, "activities": 1,
                                                      "lessons_short": True, "activities_short": False}
    bad = tmp_path / "bad.xlsx"
    ws.append(["2026-11-13", "七年级", "7.9", "心理课", "x", "", 1])
    wb.save(bad)
    r = _cli(["import-courses", bad, "--json"], data)
    assert r.returncode == 3
    errors = json.loads(r.stdout)["errors"]
    assert [(e["row"], e["field"]) for e in errors] == [(5, "班级")]


def test_a_column_mapping_is_saved_for_the_courses_import(session, classes, tmp_path):
    from app.courses.importer import COURSES_IMPORT

    wb = Workbook()
    wb.active.append(["上课日期", "授课班级", "课程类别", "课程名称"])
    wb.active.append(["2026-11-05", "7.1", "心理课", "认识情绪"])
    wb.save(tmp_path / "odd.xlsx")
    mapping = {"kind": "课程类别", "topic": "课程名称"}
    COURSES_IMPORT.save(session, "本校登记表", mapping)
    assert COURSES_IMPORT.profiles(session) == ["本校登记表"]
    loaded = COURSES_IMPORT.load(session, "本校登记表")
    p = preview_courses(session, tmp_path / "odd.xlsx", loaded)
    assert [(r.kind, r.place, r.topic) for r in p.rows] == [("lesson", "七年级（1）班", "认识情绪")]
