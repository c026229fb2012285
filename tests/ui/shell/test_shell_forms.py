"""The one form mechanism (issue 10): the discard question, the 工作台's 未完成的记录, Ctrl+L inside a dialog, a
lock that hides and restores dialogs, and the clipboard cleared on lock when its text came from the app."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from app.drafts.store import list_drafts, load_draft
from tests.conftest import PASSWORD
from tests.ui.conftest import wait_tasks
from tests.ui.every_form import find_data, open_form, type_into
from ui.shell import dialogs
from ui.shell.forms import DISCARD_TITLE

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def _unlock(qtbot, win) -> None:
    win.unlock_widget.password_edit.setText(PASSWORD)
    win.unlock_widget.unlock_button.click()
    wait_tasks(qtbot)
    qtbot.waitUntil(lambda: not win.session.locked)


def test_discard_asks_and_the_default_keeps_the_text(qtbot, school):
    win, dlg = open_form(school, "HolidayDialog", qtbot)
    # nothing typed: Esc closes at once, no question
    qtbot.keyClick(dlg.name, Qt.Key.Key_Escape)
    assert not dlg.isVisible() and dialogs.shown == []

    dlg = win.pages["settings"].school.add_holiday()
    type_into(qtbot, dlg.name, "国庆节")
    dlg.save_draft_now()
    key = dlg.draft_key
    # Esc, 取消 and the close button ask; "继续填写" keeps the dialog, its text and its draft
    dialogs.preanswer(False, False)
    qtbot.keyClick(dlg.name, Qt.Key.Key_Escape)
    dlg.close()
    assert [s.title for s in dialogs.shown] == [DISCARD_TITLE, DISCARD_TITLE]
    assert dlg.isVisible() and dlg.name.text().endswith("国庆节") and load_draft(school, key) is not None

    # the question itself: its default button keeps the text (Enter on the real message box)
    dialogs.strict = False

    def press_enter() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, press_enter)
            return
        assert box.defaultButton().text() == "继续填写"
        qtbot.keyClick(box, Qt.Key.Key_Return)

    QTimer.singleShot(20, press_enter)
    dlg.reject()
    assert dlg.isVisible() and load_draft(school, key) is not None
    dialogs.strict = True

    # "放弃" closes it and deletes the draft
    dialogs.preanswer(True)
    dlg.reject()
    assert not dlg.isVisible() and load_draft(school, key) is None


def test_ctrl_n_and_another_student_ask_before_dropping_typed_text(qtbot, school):
    win, form = open_form(school, "RecordForm", qtbot)
    page = win.pages["casework"]
    type_into(qtbot, form.summary, "还没保存的谈话")
    with qtbot.waitActive(win):
        win.activateWindow()
    dialogs.preanswer(False)
    qtbot.keyClick(page.form.summary, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert dialogs.shown[-1].title == DISCARD_TITLE
    assert page.form.summary.toPlainText().endswith("还没保存的谈话")   # kept (not replaced by a blank form)

    data = find_data(school)
    students = win.pages["students"]
    win.show_page("students")
    students.show_student(data.student_id)
    view = students.archive
    view.show_tab("一生一策")
    type_into(qtbot, view.plan.edits[next(iter(view.plan.edits))], "方案写了一半")
    other = school.db.scalar("SELECT id FROM students WHERE id <> :s ORDER BY id LIMIT 1", {"s": data.student_id})
    dialogs.preanswer(False)
    assert not view.load(other)                          # kept: still the first student
    assert dialogs.shown[-1].title == DISCARD_TITLE and view.student.id == data.student_id
    dialogs.preanswer(True)
    assert view.load(other) and view.student.id == other
    assert load_draft(school, f"plan:{data.student_id}") is None


def test_drafts_are_listed_on_the_workbench_and_open_their_form(qtbot, school):
    data = find_data(school)
    win, dlg = open_form(school, "AddTagDialog", qtbot)
    type_into(qtbot, dlg.note, "课间常独自一人")
    assert win.lock()
    _unlock(qtbot, win)
    dlg.stop_drafts()
    dlg.hide()        # as after a restart: only the vault has it
    [draft] = [d for d in list_drafts(school) if d.form_key == f"tag:add:{data.student_id}"]
    assert draft.label == "添加重点关注" and draft.student_id == data.student_id

    win.show_page("workbench")          # it reads the drafts again when shown (a draft appeared meanwhile)
    bench = win.pages["workbench"]
    assert bench.wait_loaded()
    name = school.db.scalar("SELECT name FROM students WHERE id = :s", {"s": data.student_id})
    from app import clock
    from app.workbench import display_rows

    rows = [r for r in display_rows(school, clock.today()) if r["group"] == "未完成的记录"]
    assert [(r["student"], r["source"]) for r in rows] == [(name, f"draft:tag:add:{data.student_id}")]
    assert "添加重点关注" in rows[0]["title"] and draft.saved_at[11:16] in rows[0]["title"]
    groups = [bench.tree.topLevelItem(i).text(0) for i in range(bench.tree.topLevelItemCount())]
    assert any("未完成的记录" in g for g in groups)
    assert bench.select_source(f"draft:tag:add:{data.student_id}")
    bench._activated(bench.tree.currentItem())        # a double-click
    assert win.current_page_id() == "students"
    again = win.pages["students"].archive.tags.dialog
    assert again is not dlg and again.isVisible() and again.note.toPlainText().endswith("课间常独自一人")


def test_ctrl_l_locks_from_inside_a_dialog_which_comes_back_after_unlock(qtbot, school):
    win, dlg = open_form(school, "SchoolDialog", qtbot)
    type_into(qtbot, dlg.code, "370202")
    qtbot.keyClick(dlg.code, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert school.locked and not dlg.isVisible() and dialogs.shown == []
    _unlock(qtbot, win)
    assert dlg.isVisible() and dlg.code.text().endswith("370202")
    assert "370202" in str(load_draft(school, "settings:school"))   # saved at once when Ctrl+L locked


def test_text_copied_in_the_app_is_cleared_on_lock_and_other_programs_text_is_not(qtbot, school):
    win, dlg = open_form(school, "IncidentDialog", qtbot)
    with qtbot.waitActive(dlg):
        dlg.activateWindow()
    assert QGuiApplication.focusWindow() is not None
    dlg.note.setPlainText("保密记录：学生称被同学逼迫")
    dlg.note.selectAll()
    qtbot.keyClick(dlg.note, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)   # the user's own copy
    assert QGuiApplication.clipboard().text() == "保密记录：学生称被同学逼迫"
    wait_tasks(qtbot)                 # a lock waits for background work (the 工作台 loading) to finish
    assert win.lock()
    assert QGuiApplication.clipboard().text() == ""
    _unlock(qtbot, win)
