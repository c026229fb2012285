"""The roster import dialog: a messy real .xlsx (title row, full-width digits, a bad row), preview, skip, import."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook

from app.archive.students import find_by_registry

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

HEADERS = ["序号", "学生姓名", "性别", "出生日期", "全国学籍号", "班级名称", "是否住校", "监护人", "监护人联系电话"]


@pytest.fixture(autouse=True)
def _cjk_font(qapp):
    from ui.shell.fonts import apply_app_font

    apply_app_font(qapp)


def messy_roster(path: Path, headers: list[str] = HEADERS) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "花名册"
    ws.append(["测试学校 2026 学年七年级新生花名册"])
    ws.merge_cells("A1:I1")
    ws.append(headers)
    ws.append([1, "欧阳晓明", "男", "2013/5/4", "Ｌ２０１３０５０４０００１", "初一３班", "是", "欧阳建国", "13800000001"])
    ws.append([2, "司马小雨", "女", dt.datetime(2013, 9, 1), "L201309010002", "七年级（3）班", "否", "李芳", "13800000002"])
    ws.append([3, "诸葛明亮", "男", "2013年12月1日", "L201312010003", "火星班", "否", "", ""])  # sheet row 5: bad class
    ws.append([4, "　上官　婉儿　", "女", "20130707", "L201307070004", "7.3", "否", "上官云", "13800000004"])
    wb.save(path)
    return path


def make_dialog(qtbot, session):
    """The roster's import dialog, opened as the 学生档案 page opens it."""
    from ui.archive.page import StudentsPage
    from ui.shell.context import AppContext

    ctx = AppContext(session)
    opener = StudentsPage(ctx)
    qtbot.addWidget(opener)
    dlg = opener.open_import_dialog()
    assert dlg.windowTitle() == "导入花名册"
    return ctx, dlg


def wait_idle(qtbot, dlg) -> None:
    qtbot.waitUntil(lambda: not dlg.busy, timeout=10000)


def test_preview_skip_and_import(qtbot, school, tmp_path):
    from ui.archive.page import StudentsPage

    ctx, dlg = make_dialog(qtbot, school)
    page = StudentsPage(ctx)
    qtbot.addWidget(page)
    dlg.set_file(messy_roster(tmp_path / "花名册.xlsx"))
    assert dlg.busy and not dlg.progress.isHidden()  # the file is read off the UI thread
    wait_idle(qtbot, dlg)
    assert dlg.progress.isHidden()
    assert dlg.preview is not None
    assert "第 2 行" in dlg.status.text()
    assert dlg.counts() == {"new": 3, "updated": 0, "unchanged": 0, "invalid": 1, "duplicates": 0, "absent": 120}
    assert dlg.error_model.rows[0][0] == 5
    assert dlg.error_model.rows[0][1] == "班级名称"
    assert "火星班" in dlg.error_model.rows[0][2] and "无法识别" in dlg.error_model.rows[0][2]
    assert dlg.lists.currentWidget() is dlg.error_view
    assert dlg.lists.tabText(2) == "无效行（1）"
    new = {r[1]: r for r in dlg.models["new"].rows}
    assert new["L201305040001"][5] == "七年级（3）班"  # full-width digits and 初一３班 understood
    assert new["L201307070004"][2] == "上官 婉儿" or new["L201307070004"][2] == "上官婉儿"
    assert dlg.map_combos["name"].currentText() == "学生姓名"
    assert dlg.map_combos["registry_no"].currentText() == "全国学籍号"

    assert not dlg.import_button.isEnabled()
    dlg.skip_invalid.setChecked(True)
    assert dlg.import_button.isEnabled()
    assert dlg.option("mark_absent").currentData() is None  # absent students are left alone unless asked
    dlg.import_button.click()
    wait_idle(qtbot, dlg)
    assert dlg.outcome is not None
    assert "新增 3 名" in dlg.result_label.text()
    assert "错误报告已保存到" in dlg.result_label.text()
    assert dlg.outcome.error_report is not None and dlg.outcome.error_report.exists()
    assert not dlg.import_button.isEnabled()  # one preview, one import

    student = find_by_registry(school.db, school.account, "L201305040001")
    assert student is not None and student.class_name == "七年级（3）班" and student.birth_date == "2013-05-04"
    assert find_by_registry(school.db, school.account, "L201312010003") is None
    assert school.db.scalar("SELECT count(*) FROM students WHERE status = '在读'") == 123
    page.search.setText("oyxm")  # 欧阳晓明 by initials, in the list after the import
    assert [page.model.entry(r).registry_no for r in range(page.model.rowCount())] == ["L201305040001"]


def test_reimport_changes_nothing_and_absent_marked_only_on_request(qtbot, school, tmp_path):
    path = messy_roster(tmp_path / "roster.xlsx")
    _ctx, dlg = make_dialog(qtbot, school)
    dlg.set_file(path)
    wait_idle(qtbot, dlg)
    dlg.skip_invalid.setChecked(True)
    dlg.option("mark_absent").setCurrentIndex(dlg.option("mark_absent").findData("毕业"))
    assert dlg.import_button.text() == "导入并将 120 名学生标记为毕业"
    dlg.import_button.click()
    wait_idle(qtbot, dlg)
    assert "120 名标记为毕业" in dlg.result_label.text()
    assert school.db.scalar("SELECT count(*) FROM students WHERE status = '毕业'") == 120

    _ctx, again = make_dialog(qtbot, school)
    again.set_file(path)
    wait_idle(qtbot, again)
    assert again.counts() == {"new": 0, "updated": 0, "unchanged": 3, "invalid": 1, "duplicates": 0, "absent": 0}


def test_mapping_adjusted_repreviewed_and_saved_as_profile(qtbot, school, tmp_path):
    from app.tabular.profiles import load_profile

    headers = ["序号", "学生姓名", "性别", "出生日期", "学生编号", "班级名称", "是否住校", "监护人", "监护人联系电话"]
    path = messy_roster(tmp_path / "odd.xlsx", headers)
    _ctx, dlg = make_dialog(qtbot, school)
    dlg.set_file(path)
    wait_idle(qtbot, dlg)
    assert dlg.preview is None  # 学生编号 is not a known registry column
    assert "学籍号" in dlg.status.text()
    assert not dlg.import_button.isEnabled()

    # the editor offers the file's headers: the user maps 学籍号 → 学生编号 and previews again
    from app.school.roster_import import SYNONYMS, preview_roster

    assert "学生编号" not in SYNONYMS["registry_no"]
    assert dlg.mapping_box.isEnabled()
    combo = dlg.map_combos["registry_no"]
    assert combo.currentData() is None and combo.findText("学生编号") > 0
    assert dlg.map_combos["name"].currentText() == "学生姓名"
    combo.setCurrentIndex(combo.findText("学生编号"))
    dlg.repreview_button.click()
    wait_idle(qtbot, dlg)
    assert dlg.preview is not None and dlg.counts()["new"] == 3
    assert combo.currentText() == "学生编号"
    dlg.map_combos["guardian_phone"].setCurrentIndex(0)  # （未对应）: do not import phone numbers
    dlg.repreview()
    wait_idle(qtbot, dlg)
    assert dlg.preview is not None and "guardian_phone" not in dlg.preview.columns
    dlg.profile_name.setText("区学籍系统")
    assert dlg.save_mapping_profile()
    saved = load_profile(school.db, "roster", "区学籍系统")
    assert saved is not None and saved["registry_no"] == "学生编号"
    assert dlg.profile_combo.currentText() == "区学籍系统"
    assert preview_roster(school, path, {k: str(v) for k, v in saved.items()}).counts()["new"] == 3

    # a fresh dialog: choosing the saved profile maps the odd file at once
    _ctx, fresh = make_dialog(qtbot, school)
    fresh.set_file(path)
    wait_idle(qtbot, fresh)
    fresh.profile_combo.setCurrentIndex(fresh.profile_combo.findText("区学籍系统"))
    wait_idle(qtbot, fresh)
    assert fresh.preview is not None and fresh.counts()["new"] == 3


def test_unreadable_file_is_reported_not_raised(qtbot, school, tmp_path):
    bad = tmp_path / "不是表格.xlsx"
    bad.write_bytes(b"not a zip file")
    _ctx, dlg = make_dialog(qtbot, school)
    dlg.set_file(bad)
    wait_idle(qtbot, dlg)
    assert dlg.preview is None
    assert "无法打开此 Excel 文件" in dlg.status.text()
    assert not dlg.import_button.isEnabled()


def workbook_of_sheets(path: Path) -> Path:
    """A school's workbook: a 说明 sheet first, then one roster sheet per grade."""
    wb = Workbook()
    ws = wb.active
    ws.title = "说明"
    ws.append(["本工作簿按年级分工作表，请勿修改表头。"])
    ws.append(["填表人：教务处"])
    seven = wb.create_sheet("七年级")
    seven.append(["姓名", "性别", "出生日期", "全国学籍号", "班级"])
    seven.append(["欧阳晓明", "男", "2013-05-04", "L201305040001", "七年级（3）班"])
    seven.append(["司马小雨", "女", "2013-09-01", "L201309010002", "七年级（3）班"])
    eight = wb.create_sheet("八年级")
    eight.append(["八年级学生名单"])
    eight.append(["姓名", "性别", "出生日期", "学籍号", "班级名称"])
    eight.append(["诸葛明亮", "男", "2012-12-01", "L201212010003", "八年级（2）班"])
    wb.save(path)
    return path


def test_workbook_with_several_sheets_lets_the_user_pick_the_sheet(qtbot, session, tmp_path):
    path = workbook_of_sheets(tmp_path / "全校花名册.xlsx")
    _ctx, dlg = make_dialog(qtbot, session)
    dlg.set_file(path)
    assert not dlg.sheet_combo.isHidden()
    assert [dlg.sheet_combo.itemText(i) for i in range(dlg.sheet_combo.count())] == ["说明", "七年级", "八年级"]
    wait_idle(qtbot, dlg)
    # 说明 is not a roster: the first sheet that reads as one is previewed, and the list shows which
    assert dlg.preview is not None and dlg.preview.sheet == "七年级"
    assert dlg.sheet_combo.currentText() == "七年级"
    assert "工作表“七年级”" in dlg.status.text() and "共 3 个工作表" in dlg.status.text()
    assert dlg.counts()["new"] == 2

    dlg.choose_sheet("八年级")
    wait_idle(qtbot, dlg)
    assert dlg.preview is not None and dlg.preview.sheet == "八年级" and dlg.preview.header_row == 2
    assert [r[1] for r in dlg.models["new"].rows] == ["L201212010003"]

    dlg.choose_sheet("说明")
    wait_idle(qtbot, dlg)
    assert dlg.preview is None and "找不到表头行" in dlg.status.text() and "多个工作表" in dlg.status.text()
    assert not dlg.import_button.isEnabled()

    dlg.choose_sheet("八年级")
    wait_idle(qtbot, dlg)
    dlg.import_button.click()
    wait_idle(qtbot, dlg)
    assert "新增 1 名" in dlg.result_label.text()
    assert find_by_registry(session.db, session.account, "L201212010003") is not None
    assert find_by_registry(session.db, session.account, "L201305040001") is None  # the other sheet is not read


def test_single_sheet_and_csv_show_no_sheet_list(qtbot, session, tmp_path):
    _ctx, dlg = make_dialog(qtbot, session)
    dlg.set_file(messy_roster(tmp_path / "one.xlsx"))
    wait_idle(qtbot, dlg)
    assert dlg.sheet_combo.isHidden() and dlg.preview is not None
    csv = tmp_path / "roster.csv"
    csv.write_text("姓名,学籍号,班级\n欧阳晓明,L201305040001,7.3\n", encoding="utf-8")
    dlg.set_file(csv)
    wait_idle(qtbot, dlg)
    assert dlg.sheet_combo.isHidden() and dlg.preview is not None and dlg.counts()["new"] == 1


def test_a_sheet_without_a_header_row_names_the_other_sheets_once(qtbot, session, tmp_path):
    path = workbook_of_sheets(tmp_path / "全校花名册.xlsx")
    _ctx, dlg = make_dialog(qtbot, session)
    dlg.set_file(path)
    wait_idle(qtbot, dlg)
    dlg.choose_sheet("说明")
    wait_idle(qtbot, dlg)
    text = dlg.status.text()
    assert "其他工作表：“七年级”、“八年级”" in text and "“工作表”列表中选择" in text
    assert text.count("多个工作表") == 1
