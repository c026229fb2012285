"""Roster import: messy files, the preview, one-transaction apply, re-import, absent students."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from app import clock
from app.errors import InputRejected, PermissionDenied
from app.school.classnames import ClassRef, parse_class, parse_grade
from app.school.roster_import import apply_roster, import_roster, preview_roster
from app.tabular import TableError, cell_text, parse_bool, parse_date

DATA = Path(__file__).resolve().parent.parent / "data"
MESSY = DATA / "roster_messy.xlsx"
REGISTRY = DATA / "roster_registry.xlsx"


def count(session, sql: str = "SELECT count(*) FROM students") -> int:  # type: ignore[no-untyped-def]
    return int(session.db.scalar(sql))


# -- cells ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["2013-05-04", "2013/5/4", "20130504", "2013年5月4日", "2013.5.4", "２０１３－０５－０４",
                                   " 2013-05-04 ", "2013/05/04 00:00", "2013/5/4 0:00", "2013-05-04T00:00:00", dt.datetime(2013, 5, 4), dt.date(2013, 5, 4),
                                   41398, 41398.0, "2013年5月4"])
def test_dates_in_every_form(value):
    assert parse_date(value) == dt.date(2013, 5, 4)


@pytest.mark.parametrize("value", ["2013-13-45", "明天", "5/4/2013", "2013-02-30"])
def test_bad_dates_have_a_chinese_reason(value):
    with pytest.raises(ValueError) as exc:
        parse_date(value)
    assert "日期" in str(exc.value)


def test_blank_date_is_none():
    assert parse_date(None) is None and parse_date("") is None and parse_date("  ") is None


def test_cell_text_normalises_width_and_spaces():
    assert cell_text("\u3000王小明 ") == "王小明"
    assert cell_text("ＡＢＣ１２３") == "ABC123"
    assert cell_text("七年级　（3）班") == "七年级 (3)班"
    assert cell_text(2013.0) == "2013" and cell_text(None) == "" and cell_text(True) == "是"
    assert cell_text(370202201305040011) == "370202201305040011"


def test_yes_no():
    assert parse_bool("是") is True and parse_bool("否") is False and parse_bool("") is None
    assert parse_bool("√") is True and parse_bool(1) is True and parse_bool("走读") is False
    with pytest.raises(ValueError):
        parse_bool("也许")


@pytest.mark.parametrize("text", ["七年级（3）班", "七年级(3)班", "七年级3班", "初一3班", "初一（3）班", "7.3", "7-3",
                                  "７．３", "7年级3班", "初一(三)班", " 7 - 3 ", "七年级（３）班", "七年级三班"])
def test_class_forms_are_the_same_class(text):
    assert parse_class(text) == ClassRef(7, 3)


def test_class_other_grades_and_hints():
    assert parse_class("高一2班") == ClassRef(10, 2)
    assert parse_class("九年级（12）班") == ClassRef(9, 12)
    assert parse_class("3班", grade_hint=8) == ClassRef(8, 3)
    assert parse_class("3班") is None
    assert parse_class("火箭班") is None and parse_class("") is None and parse_class("13.1") is None
    assert parse_grade("初二") == 8 and parse_grade("八年级") == 8 and parse_grade("8") == 8
    assert parse_grade("高三") == 12 and parse_grade("十三年级") is None


# -- the preview ------------------------------------------------------------------------------------------
def test_header_below_title_rows_and_synonyms(session):
    p = preview_roster(session, REGISTRY)
    assert p.header_row == 2 and p.sheet == "学生名单"
    assert p.columns["registry_no"] == "全国学籍号" and p.columns["class"] == "班级名称"
    assert p.counts()["new"] == 30 and not p.errors


def test_messy_preview_counts_rows_and_reasons(session):
    p = preview_roster(session, MESSY)
    assert p.header_row == 3
    c = p.counts()
    assert (c["new"], c["updated"], c["unchanged"], c["invalid"], c["duplicates"]) == (8, 0, 0, 4, 1)
    assert p.duplicates == [13]
    by_row = {e.row: e for e in p.errors}
    assert {r: e.field for r, e in by_row.items()} == {11: "姓名", 12: "出生日期", 14: "全国学籍号", 16: "班级"}
    assert "姓名为空" in by_row[11].reason
    assert "2013-13-45" in by_row[12].reason
    assert "第 5 行" in by_row[14].reason and "李雨桐" in by_row[14].reason  # the later row is the invalid one
    assert "火箭班" in by_row[16].reason
    for e in p.errors:  # every reason is Chinese
        assert any("\u4e00" <= ch <= "\u9fff" for ch in e.reason)
    rows = {c.row.sheet_row: c.row for c in p.new}
    assert set(rows) == {4, 5, 6, 7, 8, 9, 10, 17}
    assert {r.class_ref for r in rows.values()} == {ClassRef(7, 3)}
    assert {r.birth_date for r in rows.values() if r.sheet_row != 17} == {"2013-05-04"}
    assert rows[10].name == "赵一诺" and rows[10].registry_no == "G3702022013050407"
    assert rows[10].guardian[2] == "13900000007"
    assert rows[17].registry_no == "370202000017"  # 学籍辅号 when 全国学籍号 is blank
    assert count(session) == 0  # a preview writes nothing
    js = p.as_json()
    assert js["counts"]["invalid"] == 4 and {"row", "field", "reason"} <= set(js["errors"][0])


def test_without_skip_nothing_is_written(session):
    p = preview_roster(session, MESSY)
    audit_before = count(session, "SELECT count(*) FROM audit_log")
    with pytest.raises(InputRejected) as exc:
        apply_roster(session, p)
    assert "未写入" in exc.value.message
    assert count(session) == 0 and count(session, "SELECT count(*) FROM classes") == 0
    assert count(session, "SELECT count(*) FROM imports") == 0
    assert count(session, "SELECT count(*) FROM audit_log") == audit_before


def test_with_skip_valid_rows_written_and_error_report_saved(session):
    result = import_roster(session, MESSY, skip_invalid=True)
    assert result.written and count(session) == 8
    assert count(session, "SELECT count(*) FROM classes") == 1
    assert session.db.scalar("SELECT name FROM classes") == "七年级（3）班"
    assert result.error_report is not None and result.error_report.exists()
    ws = load_workbook(result.error_report).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:4] == ("文件", "工作表行号", "字段", "原因")
    assert sorted(r[1] for r in rows[1:]) == [11, 12, 14, 16]
    assert count(session, "SELECT count(*) FROM audit_log WHERE action = 'import'") == 1
    assert count(session, "SELECT count(*) FROM student_events WHERE kind = 'imported'") == 8


def test_reimport_changes_nothing(session):
    clock.set_fixed(dt.datetime(2026, 9, 1, 9, 0, 0))
    import_roster(session, REGISTRY)
    before = session.db.query("SELECT registry_no, updated_at, class_id, birth_date FROM students ORDER BY id")
    clock.set_fixed(dt.datetime(2026, 9, 2, 9, 0, 0))
    again = preview_roster(session, REGISTRY)
    c = again.counts()
    assert (c["new"], c["updated"], c["unchanged"], c["invalid"]) == (0, 0, 30, 0), again.updated[:1]
    apply_roster(session, again)
    after = session.db.query("SELECT registry_no, updated_at, class_id, birth_date FROM students ORDER BY id")
    assert [tuple(r) for r in after] == [tuple(r) for r in before]
    assert count(session, "SELECT count(*) FROM guardians") == 30


@pytest.mark.parametrize("csv_name", ["roster_registry_gbk.csv", "roster_registry_utf8bom.csv"])
def test_csv_in_gbk_and_utf8_bom_match_the_xlsx(session, csv_name):
    import_roster(session, REGISTRY)
    p = preview_roster(session, DATA / csv_name)
    c = p.counts()
    assert p.header_row == 1 and (c["unchanged"], c["new"], c["updated"], c["invalid"]) == (30, 0, 0, 0)


def test_changed_rows_are_updated_with_what_changed(session, tmp_path):
    import_roster(session, REGISTRY)
    wb = load_workbook(REGISTRY)
    ws = wb.active
    ws.cell(3, 9, "七年级（2）班")  # first student moves class
    ws.cell(4, 2, "李俊希")  # second student's name corrected
    path = tmp_path / "roster_changed.xlsx"
    wb.save(path)
    p = preview_roster(session, path)
    assert p.counts()["updated"] == 2 and p.counts()["unchanged"] == 28
    changes = {c.row.sheet_row: c.changed for c in p.updated}
    assert changes == {3: ["class_key"], 4: ["name"]}
    apply_roster(session, p)
    sid = session.db.scalar("SELECT id FROM students WHERE registry_no = 'G37020220120000000'")
    events = [r[0] for r in session.db.query("SELECT summary FROM student_events WHERE student_id = :s", {"s": sid})]
    assert any("七年级（2）班" in e for e in events)
    assert session.db.scalar("SELECT pinyin_full FROM students WHERE registry_no = 'G37020220120000001'") == "lijunxi"


def test_same_registry_other_student_in_the_vault_is_invalid(session, tmp_path):
    import_roster(session, REGISTRY)
    wb = load_workbook(REGISTRY)
    ws = wb.active
    ws.cell(3, 2, "完全不同")
    ws.cell(3, 4, dt.datetime(2010, 10, 10))
    path = tmp_path / "clash.xlsx"
    wb.save(path)
    p = preview_roster(session, path)
    assert [e.row for e in p.errors] == [3] and "另一名学生" in p.errors[0].reason


def test_absent_students_are_kept_and_marked_only_when_asked(session, tmp_path):
    import_roster(session, REGISTRY)
    wb = load_workbook(REGISTRY)
    ws = wb.active
    ws.delete_rows(23, 10)  # the ninth graders (sheet rows 23–32) left
    path = tmp_path / "next_year.xlsx"
    wb.save(path)
    p = preview_roster(session, path)
    assert p.counts()["absent"] == 10 and p.counts()["unchanged"] == 20
    apply_roster(session, p)
    assert count(session) == 30 and count(session, "SELECT count(*) FROM students WHERE status = '在读'") == 30
    result = import_roster(session, path, mark_absent="毕业")
    assert result.marked_absent == 10
    assert count(session) == 30
    assert count(session, "SELECT count(*) FROM students WHERE status = '毕业'") == 10
    # a graduate who turns up again is back 在读
    p = preview_roster(session, REGISTRY)
    assert p.counts()["updated"] == 10 and all(c.changed == ["status"] for c in p.updated)
    with pytest.raises(InputRejected):
        import_roster(session, path, mark_absent="删除")


def test_dry_run_writes_nothing(session):
    r = import_roster(session, REGISTRY, dry_run=True)
    assert not r.written and count(session) == 0


def test_head_teacher_may_not_import(head_teacher):
    with pytest.raises(PermissionDenied):
        preview_roster(head_teacher, REGISTRY)


def _sheet(path: Path, rows: list[list[object]]) -> Path:
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    wb.save(path)
    return path


def test_missing_required_column_is_a_table_error(session, tmp_path):
    path = _sheet(tmp_path / "no_class.xlsx", [["姓名", "性别", "学籍号"], ["王小明", "男", "G3702022013050401"]])
    with pytest.raises(TableError) as exc:
        preview_roster(session, path)
    assert "班级" in exc.value.message and exc.value.exit_code == 3


def test_not_a_roster_at_all(session, tmp_path):
    path = _sheet(tmp_path / "menu.xlsx", [["星期一", "米饭"], ["星期二", "面条"]])
    with pytest.raises(TableError):
        preview_roster(session, path)
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(TableError):
        preview_roster(session, bad)
    # a file type that is no spreadsheet: refused, naming the types that are read
    doc = tmp_path / "花名册.docx"
    shutil.copy(REGISTRY, doc)
    with pytest.raises(TableError) as exc:
        preview_roster(session, doc)
    assert ".xlsx" in exc.value.message and ".xls" in exc.value.message and "花名册.docx" in exc.value.message
    # an .xlsx saved under an .xls name is read by its content, like the .xlsx itself
    old = tmp_path / "old.xls"
    shutil.copy(REGISTRY, old)
    assert preview_roster(session, old).counts() == preview_roster(session, REGISTRY).counts()


def test_grade_column_and_bare_class_numbers(session, tmp_path):
    path = _sheet(tmp_path / "bare.xlsx", [
        ["姓名", "学籍号", "年级", "班级"],
        ["王一", "G0000000001", "初二", "3"],
        ["王二", "G0000000002", "八年级", "3班"],
        ["王三", "G0000000003", "七年级", "八年级3班"],
    ])
    p = preview_roster(session, path)
    assert {c.row.class_ref for c in p.new} == {ClassRef(8, 3)}
    assert [e.row for e in p.errors] == [4] and "不一致" in p.errors[0].reason


def test_merged_header_cells(session, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["学生名单"])
    ws.append(["姓名", "学籍号", "班级", "监护人", None])
    ws.append([None, None, None, "监护人姓名", "监护人联系电话"])
    ws.merge_cells("A2:A3")
    ws.merge_cells("B2:B3")
    ws.merge_cells("C2:C3")
    ws.merge_cells("D2:E2")
    ws.append(["王小明", "G3702022013050401", "7.1", "王建国", "13900000001"])
    path = tmp_path / "merged.xlsx"
    wb.save(path)
    p = preview_roster(session, path)
    assert p.counts()["new"] == 1 and not p.errors
    assert p.new[0].row.guardian == ("王建国", "", "13900000001")


def test_a_class_list_without_optional_columns_erases_nothing(session, tmp_path):
    """A later file with only 姓名 / 学籍号 / 班级 (a class list) moves classes but keeps birth dates, gender,
    ethnicity, flags and guardians; a blank optional cell means "not given", not "erase"."""
    import_roster(session, REGISTRY)
    before = {r["registry_no"]: tuple(r) for r in session.db.query(
        "SELECT registry_no, gender, birth_date, id_number, ethnicity, boarding, left_behind FROM students")}
    students = load_workbook(REGISTRY).active
    rows = [["姓名", "学籍号", "班级"]]
    for r in students.iter_rows(min_row=3, values_only=True):
        rows.append([r[1], r[4], r[8]])
    rows[1][2] = "七年级（2）班"  # one student moved class
    path = _sheet(tmp_path / "class_list.xlsx", rows)
    p = preview_roster(session, path)
    assert p.counts()["updated"] == 1 and p.counts()["unchanged"] == 29, [c.changed for c in p.updated]
    assert p.updated[0].changed == ["class_key"]
    apply_roster(session, p)
    after = {r["registry_no"]: tuple(r) for r in session.db.query(
        "SELECT registry_no, gender, birth_date, id_number, ethnicity, boarding, left_behind FROM students")}
    assert after == before
    # blank cells in a present column do not erase either
    wb = load_workbook(REGISTRY)
    ws = wb.active
    for col in (3, 4, 7, 10, 11, 12):  # 性别, 出生日期, 身份证件号, 民族, 是否住校, 是否留守儿童
        ws.cell(3, col).value = None
    path = tmp_path / "blanks.xlsx"
    wb.save(path)
    p = preview_roster(session, path)
    assert p.counts()["updated"] == 1 and p.counts()["unchanged"] == 29  # only the class move back
    apply_roster(session, p)
    row = session.db.one("SELECT gender, birth_date, ethnicity, boarding, left_behind FROM students"
                         " WHERE registry_no = 'G37020220120000000'")
    assert tuple(row) == ("男", "2012-01-01", "回族", 1, 1)
