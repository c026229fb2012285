"""A counselor's first day, end to end through the real window: set-up wizard → roster import from a messy
workbook → Ctrl+K by initials → tag, plan, timeline → an individual session by keyboard and a group session →
search for two characters → screening entry by keyboard with a critical item → 工作台 alert → follow-up interview
→ ledger export → crisis case → lock with unsaved text → settings (a 班主任 account, a backup to a folder).

Set ``WALK_PNG=/some/folder`` to save a PNG of every step (for looking at the window, not for asserting)."""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from openpyxl import Workbook
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget, QWizard

from app import clock
from app.policy import class_scope
from tests.conftest import PASSWORD
from tests.ui.conftest import wait_tasks
from tests.xlsx_crypto import EXPORT_PASSWORD, load_encrypted
from ui.pages import PAGES
from ui.shell import dialogs

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")
PNG = os.environ.get("WALK_PNG", "")
T0 = dt.datetime(2026, 10, 12, 9, 0)  # a Monday in the autumn semester


def snap(widget: QWidget, name: str) -> None:
    if not PNG:
        return
    active, focus = QApplication.activeWindow(), QApplication.focusWidget()
    for _ in range(3):
        QApplication.processEvents()
    Path(PNG).mkdir(parents=True, exist_ok=True)
    widget.grab().save(str(Path(PNG) / f"{name}.png"))
    if active is not None and QApplication.activeWindow() is not active:
        active.activateWindow()  # offscreen, processing events can drop the activation: keep the walk's state
        QApplication.processEvents()
    if focus is not None and QApplication.focusWidget() is not focus:
        focus.setFocus()


def type_text(qtbot, widget, text: str) -> None:
    """Chinese text arrives as an input method's commit (QTest types Latin-1 only)."""
    from PySide6.QtGui import QInputMethodEvent

    widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)
    qtbot.wait(1)


def activate(qtbot, window: QWidget) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def messy_roster(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "学生名单"
    ws.append(["育才中学 2026 学年七年级学生花名册（导出自全国学籍系统）"])
    ws.merge_cells("A1:J1")
    ws.append(["序号", "姓名", "性别", "出生日期", "全国学籍号", "班级名称", "民族", "是否住校", "监护人姓名",
               "监护人联系电话"])
    rows = [
        ["张晓明", "男", "2013-05-04", "G330102201305040011", "七年级（3）班", "汉族", "否", "张建国", "13800000001"],
        ["李雨桐", "女", dt.datetime(2013, 9, 1), "G330102201309010022", "七年级（3）班", "汉族", "是", "李芳",
         "13800000002"],
        ["王子涵", "男", "2013年12月1日", "G330102201312010033", "初一3班", "回族", "否", "王磊", "13800000003"],
        ["陈思远", "女", "20130707", "G330102201307070044", "7.3", "汉族", "否", "陈红", "13800000004"],
        ["刘一诺", "男", "2013/2/30", "G330102201302300055", "七年级（3）班", "汉族", "否", "", ""],   # bad date
        ["赵可欣", "女", "2013-08-08", "", "七年级（4）班", "汉族", "否", "赵强", "13800000006"],           # no number
        ["周子轩", "男", "2013-03-15", "G330102201303150077", "七年级（4）班", "汉族", "否", "周平", "13800000007"],
        ["吴佳怡", "女", "2013-06-21", "G330102201306210088", "七年级（4）班", "汉族", "是", "吴敏", "13800000008"],
        ["郑浩然", "男", "2013-01-09", "G330102201301090099", "七年级（4）班", "汉族", "否", "郑军", "13800000009"],
        ["孙雅琪", "女", "2013-10-30", "G330102201310300100", "七年级（4）班", "汉族", "否", "孙丽", "13800000010"],
    ]
    for i, r in enumerate(rows, 1):
        ws.append([i, *r])
    wb.save(path)
    return path


def test_first_day(qtbot, data_dir, tmp_path):
    from ui.shell.application import Shell

    clock.set_fixed(T0)
    # -- 1. first run: the set-up wizard from an empty data folder ------------------------------------
    shell = Shell(data_dir, watch_os_lock=False, pages=PAGES)
    wizard = shell.start()
    assert isinstance(wizard, QWizard)
    snap(wizard, "01_wizard_school")
    for b in (QWizard.WizardButton.NextButton, QWizard.WizardButton.BackButton, QWizard.WizardButton.CancelButton,
              QWizard.WizardButton.FinishButton):
        assert wizard.buttonText(b) in ("下一步", "上一步", "取消", "完成")
    sp = wizard.school_page
    sp.name_edit.setText("育才中学")
    sp.stage_boxes["junior"].setChecked(True)
    wizard.next()
    assert wizard.currentPage() is wizard.folder_page and wizard.folder_page.folder_edit.text() == str(data_dir)
    snap(wizard, "01b_wizard_folder")
    wizard.next()
    ap = wizard.account_page
    ap.user_edit.setText("wang")
    ap.display_edit.setText("王老师")
    ap.password_edit.setText(PASSWORD)
    ap.again_edit.setText(PASSWORD)
    snap(wizard, "02_wizard_account")
    wizard.next()
    wait_tasks(qtbot)
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.recovery_page)
    snap(wizard, "03_wizard_recovery")
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    assert not finish.isEnabled()
    wizard.recovery_page.confirm.setChecked(True)
    finish.click()
    qtbot.waitUntil(lambda: shell.window is not None)
    win = shell.window
    qtbot.addWidget(win)
    win.resize(1280, 800)
    session = win.session
    bench = win.pages["workbench"]
    assert bench.wait_loaded()
    snap(win, "04_main_first")

    # -- 2. roster import from a messy workbook -------------------------------------------------------
    win.show_page("students")
    students = win.pages["students"]
    dlg = students.open_import_dialog()
    dlg.set_file(messy_roster(tmp_path / "七年级花名册.xlsx"))
    qtbot.waitUntil(lambda: not dlg.busy, timeout=10_000)
    dlg.resize(1024, 700)
    snap(dlg, "05_import_preview")
    counts = dlg.counts()
    assert (counts["new"], counts["invalid"]) == (8, 2)
    errors = {r[0]: r for r in dlg.error_model.rows}
    assert set(errors) == {7, 8} and errors[7][1] == "出生日期" and errors[8][1] == "全国学籍号"
    assert not dlg.import_button.isEnabled()
    dlg.skip_invalid.setChecked(True)
    dlg.import_button.click()
    qtbot.waitUntil(lambda: not dlg.busy, timeout=10_000)
    snap(dlg, "06_import_done")
    assert "新增 8 名" in dlg.result_label.text()
    dlg.close()

    # -- 3. Ctrl+K by pinyin initials, the archive: a focus tag, a 一生一策 plan, the timeline -----------
    win.show_page("workbench")
    activate(qtbot, win)
    qtbot.keyClick(win.nav, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert win.current_page_id() == "students" and students.search.hasFocus()
    qtbot.keyClicks(students.search, "zxm")
    snap(win, "07_search_initials")
    assert [students.model.entry(r).name for r in range(students.model.rowCount())] == ["张晓明"]
    qtbot.keyClick(students.search, Qt.Key.Key_Return)
    assert students.showing_archive()
    archive = students.archive
    sid = archive.student.id
    snap(win, "08_archive")
    archive.show_tab("重点关注")
    tag_dlg = archive.tags.open_add_dialog()
    qtbot.mouseClick(tag_dlg.tag.chips["学业压力"], Qt.MouseButton.LeftButton)   # a checkable tag
    type_text(qtbot, tag_dlg.note, "期中考试前失眠")
    snap(tag_dlg, "09_tag_dialog")
    tag_dlg.buttons.button(tag_dlg.buttons.StandardButton.Ok).click()
    assert [r[0] for r in archive.tags.model.rows] == ["学业压力"]
    archive.show_tab("一生一策")
    plan = archive.plan
    type_text(qtbot, plan.edits["situation"], "近期情绪低落，上课注意力不集中")
    type_text(qtbot, plan.edits["growth_advice"], "每两周与心理教师面谈一次")
    snap(win, "10_plan")
    activate(qtbot, win)  # offscreen, a closed dialog does not hand activation back by itself
    qtbot.keyClick(plan.edits["growth_advice"], Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert [p.version for p in plan.versions] == [1]
    archive.show_tab("时间线")
    snap(win, "11_timeline")
    titles = [r[2] for r in archive.timeline.rows()]
    assert "制定一生一策方案" in titles and "设为重点关注：学业压力" in titles


    # -- 4. an individual session by keyboard alone, a group session, search for two characters ----------
    win.show_page("casework")
    cw = win.pages["casework"]
    qtbot.keyClick(cw.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    form = cw.form
    assert cw.stack.currentWidget() is form
    qtbot.waitUntil(lambda: QApplication.focusWidget() is form.kind)
    qtbot.keyClick(form.kind, Qt.Key.Key_Tab)
    qtbot.keyClick(form.template, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is form.student.edit
    qtbot.keyClicks(form.student.edit, "G330102201305040011")
    qtbot.keyClick(form.student.edit, Qt.Key.Key_Return)
    assert form.student.student_id == sid
    for _ in range(25):
        if QApplication.focusWidget() is form.summary:
            break
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is form.summary
    form.summary.insertPlainText("考试焦虑，睡眠不好，约定一周后回访。")
    qtbot.keyClick(form.summary, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is form.confidential
    form.confidential.insertPlainText("提到父母争吵。")
    snap(win, "12_record_form")
    qtbot.keyClick(form.confidential, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert cw.stack.currentWidget() is cw.tabs
    snap(win, "13_records")

    cw.group_btn.click()
    form = cw.form
    picker = form.attendance
    picker.class_combo.setCurrentIndex(picker.class_combo.findText("七年级（4）班"))
    picker.all_btn.click()
    assert "已选 4 人" in picker.count.text()
    type_text(qtbot, form.title, "情绪管理")
    type_text(qtbot, form.summary, "团体辅导：认识和表达情绪。")
    snap(win, "14_group_form")
    assert form.save()
    cw.tabs.setCurrentWidget(cw.search)
    type_text(qtbot, cw.search.edit, "焦虑")
    qtbot.waitUntil(lambda: len(cw.search.hits) >= 1)
    snap(win, "15_search")
    qtbot.keyClick(cw.search.edit, Qt.Key.Key_Return)
    assert cw.stack.currentWidget() is cw.form and "考试焦虑" in cw.form.summary.toPlainText()
    cw.form.cancel_btn.click()

    # -- 5. screening: a campaign, answers by keyboard (one with PHQ-9 item 9 ≥ 1), the 工作台 alert, the
    #       follow-up interview, the ledger exported -------------------------------------------------------
    win.show_page("screening")
    scr = win.pages["screening"]
    camps = scr.campaigns

    def fill_campaign() -> None:
        d = QApplication.activeModalWidget()
        snap(d, "16_new_campaign")
        d.name.setText("2026年秋季七年级心理健康测评")
        d.create()

    QTimer.singleShot(0, fill_campaign)
    camps.new_btn.click()
    assert camps.wait_loaded() and camps.campaign_id()
    snap(win, "17_campaign")
    entry = scr.entry
    scr.tabs.setCurrentWidget(entry)
    entry.campaign_combo.setCurrentIndex(entry.campaign_combo.findData(camps.campaign_id()))
    assert entry.wait_loaded()
    entry.class_combo.setCurrentIndex(entry.class_combo.findText("七年级（3）班"))
    activate(qtbot, win)
    entry.search.setFocus()
    qtbot.keyClicks(entry.search, "zxm")
    qtbot.keyClick(entry.search, Qt.Key.Key_Return)
    assert entry.current is not None and entry.current.student_id == sid
    qtbot.keyClicks(entry.pad, "110100102")      # item 9 = 2
    snap(win, "18_entry")
    qtbot.keyClick(entry.pad, Qt.Key.Key_Return)
    assert "PHQ-9" in entry.status.text() and "一级" in entry.status.text()
    assert entry.current is not None and entry.current.student_id != sid   # the next student of the class
    second = entry.current.student_id
    qtbot.keyClicks(entry.pad, "000100000")
    qtbot.keyClick(entry.pad, Qt.Key.Key_Return)
    snap(win, "19_entry_saved")

    win.show_page("workbench")
    assert bench.wait_loaded()
    snap(win, "20_workbench_alert")
    urgent = [i for i in bench.items if i.urgent]
    assert [i.student_id for i in urgent] == [sid]
    assert second not in [i.student_id for i in bench.items]

    win.show_page("screening")
    ledger = scr.ledger
    scr.tabs.setCurrentWidget(ledger)
    ledger.refresh()
    assert ledger.wait_loaded()
    ledger.select_student(sid)
    row = ledger.selected()
    assert row is not None and row.level == 1 and row.status == "pending_review"
    snap(win, "21_ledger")

    def fill_interview() -> None:
        d = ledger.dialog
        snap(d, "22_interview")
        d.level.setCurrentIndex(d.level.findData(1))
        d.next_step.setCurrentText("转介")
        type_text(qtbot, d.reason, "当面访谈：承认有轻生念头，无具体计划。")
        d.save()

    QTimer.singleShot(0, fill_interview)
    dialogs.preanswer(False)   # "open the archive for a plan now?" — later
    ledger.interview()
    assert ledger.wait_loaded()
    ledger.select_student(sid)
    assert ledger.selected().status == "confirmed"
    out = tmp_path / "台账.xlsx"
    dialogs.preanswer(str(out), EXPORT_PASSWORD, EXPORT_PASSWORD, None)
    ledger.export("xlsx")
    ws = load_encrypted(out).active
    header = [c.value for c in ws[1]]
    assert {"学籍号", "姓名", "班级", "初评等级", "复核结果", "状态"} <= set(header)
    assert any("张晓明" in [c.value for c in r] for r in ws.iter_rows(min_row=2))

    # -- 6. a crisis case from that student's archive, the first steps, on the 工作台 and atop the archive ---
    win.ctx.open_student.emit(sid)
    students.show_student(sid)
    assert students.showing_archive() and archive.crisis_button.isVisible()
    archive.crisis_button.click()
    assert win.current_page_id() == "crisis"
    crisis = win.pages["crisis"]
    case_dlg = crisis.dialog
    assert case_dlg.fixed_student == sid and "张晓明" in case_dlg.student_label.text()
    case_dlg.level.setCurrentIndex(case_dlg.level.findData("severe"))
    case_dlg.source.setCurrentIndex(case_dlg.source.findData("screening"))
    type_text(qtbot, case_dlg.summary, "测评第9题阳性，复核访谈承认有轻生念头")
    snap(case_dlg, "23_new_case")
    case_dlg.ok_button.click()
    assert not case_dlg.isVisible(), case_dlg.error.text()
    assert len(crisis.case_ids()) == 1
    crisis.view.select_step("assessment")
    step = crisis.view.open_step_dialog()
    type_text(qtbot, step.summary, "面谈评估：中度风险，无具体计划")
    step.ok_button.click()
    assert not step.isVisible(), step.error.text()
    snap(win, "24_case")
    win.show_page("workbench")
    assert bench.wait_loaded()
    snap(win, "25_workbench_case")
    assert any(i.student_id == sid and "危机" in i.kind_label for i in bench.items)
    win.ctx.open_student.emit(sid)
    students.show_student(sid)
    snap(win, "26_archive_banner")
    assert any("危机" in t for t in archive.banner_texts())
    assert archive.crisis_button.text() == "查看危机个案"  # one open case per student: the button opens it
    archive.crisis_button.click()
    assert win.current_page_id() == "crisis" and crisis.view.case is not None
    assert crisis.view.case.row.student_id == sid

    # -- 7. Ctrl+L with unsaved text in a form; unlock; the text is still there ----------------------------
    win.show_page("casework")
    cw.new_record()
    type_text(qtbot, cw.form.summary, "尚未保存的谈话记录")
    activate(qtbot, win)
    qtbot.keyClick(cw.form.summary, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert session.locked and win.unlock_widget is not None
    snap(win, "27_locked")
    win.unlock_widget.password_edit.setText(PASSWORD)
    win.unlock_widget.unlock_button.click()
    wait_tasks(qtbot)
    qtbot.waitUntil(lambda: not session.locked)
    assert win.current_page_id() == "casework" and cw.form.summary.toPlainText() == "尚未保存的谈话记录"

    # -- 8. settings: a 班主任 account; a backup to a folder -------------------------------------------------
    win.show_page("settings")
    settings = win.pages["settings"]
    acc = settings.accounts.add_account()
    acc.user.setText("li")
    acc.display.setText("李老师")
    acc.role.setCurrentIndex(acc.role.findData("head_teacher"))
    acc.klass.setCurrentIndex(acc.klass.findText("七年级（3）班"))
    acc.pw.new.setText("Teacher-li-2026!")
    acc.pw.again.setText("Teacher-li-2026!")
    snap(acc, "28_account_dialog")
    acc.submit()
    wait_tasks(qtbot)
    from app.accounts.store import get_account

    li = get_account(session.db, "li")
    assert li is not None and class_scope(li) is not None
    usb = tmp_path / "U盘"
    usb.mkdir()
    dialogs.preanswer(str(usb), None)
    settings.backup.backup_to_folder()
    wait_tasks(qtbot)
    assert list(usb.iterdir()) and dialogs.shown[-1].title == "备份完成"
    snap(win, "29_settings")
    assert dialogs.pending() == 0

    # -- at 1024×768: every page fits, and the main dialogs fit the screen ---------------------------------
    win.resize(1024, 768)
    for page_id in win.page_ids():
        win.show_page(page_id)
        snap(win, f"30_small_{page_id}")
        hint = win.minimumSizeHint()
        assert hint.width() <= 1024 and hint.height() <= 768, (page_id, hint)
    win.show_page("students")
    students.show_student(sid)
    snap(win, "31_small_archive")
    dialogs.preanswer(False)   # Ctrl+N over the unsaved talk above asks; the answer keeps it (issue 10)
    for name, make in [("record", lambda: (cw.new_record(), cw.form)[1]),
                       ("import", students.open_import_dialog),
                       ("case", lambda: crisis.open_new_case_dialog()),
                       ("account", settings.accounts.add_account)]:
        d = make()
        if d.isWindow():
            d.adjustSize()
        snap(d, f"32_small_dialog_{name}")
        hint = d.minimumSizeHint()
        assert hint.width() <= 1024 and hint.height() <= 740, (name, hint)
        if d.isWindow():
            d.close()
    win._close_ok = True
