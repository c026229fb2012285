"""家长告知书 page through real widgets: editing a template with its live preview, a class batch with progress and
Cancel, printing through the print preview, and the receipt date completing the crisis case's parent step."""
from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QPushButton

from app.letters.records import LetterRequest, list_letters
from app.letters.templates import get_template
from tests.ui.conftest import wait_tasks
from ui.shell import dialogs


@pytest.fixture
def letters_school(school):
    from app.school.profile import set_local_hotline

    set_local_hotline(school, "0951-2160707")
    return school


def make_page(qtbot, session):
    from ui.pages import page as declared
    from ui.shell.context import AppContext

    decl = declared("letters")
    assert (decl.id, decl.title) == ("letters", "家长告知书")
    ctx = AppContext(session)
    page = decl.factory(ctx)
    qtbot.addWidget(page)
    page.resize(1400, 900)
    page.show()
    return page, ctx


def class_id(session, text: str) -> int:  # type: ignore[no-untyped-def]
    from app.school.classes import find_class

    return find_class(session.db, text).id


def test_editing_a_template_updates_its_preview(qtbot, letters_school):
    page, _ctx = make_page(qtbot, letters_school)
    assert page.select_template("holiday")
    assert "假期学生心理健康提示" in page.preview_text() and "12355" in page.preview_text()
    assert not page.preview_label.pixmap().isNull()
    page.title_edit.selectAll()
    page.title_edit.insert("寒假致家长的一封信")     # typed (keyClicks cannot send Chinese)
    qtbot.waitUntil(lambda: "寒假致家长的一封信" in page.preview_text(), timeout=3000)
    page.body_edit.setPlainText("尊敬的{家长称呼}：\n{学生姓名}同学的{成绩}")
    qtbot.waitUntil(lambda: "{成绩}" in page.preview_error.text(), timeout=3000)
    assert not page.save_template() and "成绩" in page.edit_error.text()
    page.body_edit.setPlainText("尊敬的{家长称呼}：\n请陪伴{学生姓名}度过{假期}。")
    qtbot.waitUntil(lambda: "请陪伴张小明度过寒假" in page.preview_text().replace("\n", ""), timeout=3000)
    assert page.save_template()
    t = get_template(letters_school.db, "holiday")
    assert t.edited and t.title == "寒假致家长的一封信"
    assert page.template_list.currentItem().text().endswith("（已修改）")
    dialogs.preanswer(True)
    assert page.reset_template()
    assert not get_template(letters_school.db, "holiday").edited
    assert page.title_edit.text() == "假期学生心理健康提示"


def test_a_class_batch_shows_progress_and_cancels(qtbot, letters_school, tmp_path, monkeypatch):
    import ui.letters.page as page_module

    page, _ctx = make_page(qtbot, letters_school)
    page.select_template("parent-school")
    page.set_scope("class")
    page.class_combo.setCurrentIndex(page.class_combo.findData(class_id(letters_school, "7.1")))
    size = int(letters_school.db.scalar("SELECT count(*) FROM students WHERE class_id = :c AND status = '在读'",
                                        {"c": page.selection().class_id}))
    gate = threading.Event()
    real = page_module.export_pdf

    def held(session, prepared, target, *, per_student=False, progress=None):  # type: ignore[no-untyped-def]
        def step(done: int, total: int) -> None:
            progress(done, total)
            if done == 2:
                gate.wait(10)      # hold the worker while the test presses Cancel on the real dialog
        return real(session, prepared, target, per_student=per_student, progress=step)

    monkeypatch.setattr(page_module, "export_pdf", held)
    task = page.export_to(tmp_path / "class.pdf")
    assert task is not None
    qtbot.waitUntil(lambda: task.dialog is not None and task.dialog.isVisible() and task.dialog.value() == 2,
                    timeout=5000)
    assert task.dialog.maximum() == size and "2/" in task.dialog.labelText()
    cancel = task.dialog.findChild(QPushButton)
    assert cancel.text() == "取消"
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    gate.set()
    wait_tasks(qtbot)
    assert not (tmp_path / "class.pdf").exists() and not list(tmp_path.glob("*.part"))
    assert list_letters(letters_school) == []
    monkeypatch.setattr(page_module, "export_pdf", real)
    dialogs.preanswer(None)        # 已导出
    page.export_to(tmp_path / "class.pdf")
    wait_tasks(qtbot)
    assert (tmp_path / "class.pdf").exists()
    assert page.letters_table.rowCount() == size
    assert any("已生成" in s.text for s in dialogs.shown)


def test_printing_goes_through_the_preview_and_is_recorded(qtbot, letters_school, tmp_path):
    from PySide6.QtPrintSupport import QPrinter, QPrintPreviewWidget

    from app.audit.log import recent

    page, _ctx = make_page(qtbot, letters_school)
    page.select_template("holiday")
    page.set_scope("class")
    page.class_combo.setCurrentIndex(page.class_combo.findData(class_id(letters_school, "7.1")))
    assert page.print_letters() is not None        # laid out on a worker, then the preview opens
    wait_tasks(qtbot)
    dlg = page.print_dialog
    assert dlg is not None and dlg.isVisible()
    preview = dlg.findChild(QPrintPreviewWidget)
    preview.updatePreview()
    n = len(page._laid)
    qtbot.waitUntil(lambda: preview.pageCount() == n, timeout=5000)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert page.paint(printer) == n
    assert (tmp_path / "printed.pdf").stat().st_size > 1000
    batch = page.printed(printer)
    dlg.close()
    assert batch is not None and len(list_letters(letters_school, batch_id=batch)) == n
    assert recent(letters_school.db, 3, action="print")[0].target.startswith("打印")


def test_the_receipt_date_completes_the_crisis_parent_step(qtbot, letters_school, tmp_path):
    from app import clock
    from app.crisis.cases import get_case, open_case

    sid = int(letters_school.db.scalar("SELECT id FROM students WHERE status = '在读' AND id NOT IN"
                                       " (SELECT student_id FROM crisis_cases) ORDER BY id LIMIT 1"))
    case = open_case(letters_school, sid, "severe", "teacher", summary="情绪低落")
    page, ctx = make_page(qtbot, letters_school)
    page.open_request(LetterRequest("crisis-notice", sid))
    assert page.template_id() == "crisis-notice" and page.student_id == sid
    assert "学生心理危机告知书" in page.preview_text()
    dialogs.preanswer(None)
    page.export_to(tmp_path / "crisis.pdf")
    wait_tasks(qtbot)
    assert page.letters_table.rowCount() == 1
    page.letters_table.selectRow(0)
    dlg = page.mark_receipt()
    assert dlg is not None
    assert any("“家长知情/告知书签署”步骤将以这一天完成" in label.text() for label in dlg.findChildren(QLabel))
    today = clock.today()
    dlg.date.setDate(QDate(today.year, today.month, today.day))
    changed: list[object] = []
    ctx.data_changed.connect(changed.append)
    qtbot.mouseClick(dlg.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert not dlg.isVisible()
    step = get_case(letters_school, case, audit=False).step("parent_consent")
    assert step is not None and step.status == "done" and step.done_at[:10] == today.isoformat()
    assert page.letters_table.item(0, 6).text() == today.isoformat()
    assert changed and "家长知情/告知书签署" in page.last_message


def test_a_batch_marked_delivered_from_the_list(qtbot, letters_school, tmp_path):
    page, _ctx = make_page(qtbot, letters_school)
    page.select_template("semester-feedback")
    page.set_scope("class")
    page.class_combo.setCurrentIndex(page.class_combo.findData(class_id(letters_school, "7.1")))
    dialogs.preanswer(None)
    page.export_to(tmp_path / "fb.pdf")
    wait_tasks(qtbot)
    page.letters_table.selectRow(0)
    page.select_batch()
    n = page.letters_table.rowCount()
    assert len(page.selected_letters()) == n
    dlg = page.mark_delivered()
    assert dlg is not None
    dlg.how.setCurrentText("家长会发放")
    qtbot.mouseClick(dlg.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert all(r.delivered_how == "家长会发放" for r in list_letters(letters_school))
    assert page.letters_table.item(0, 5).text().endswith("（家长会发放）")


def test_a_head_teacher_gets_their_templates_and_class_only(qtbot, head_teacher):
    page, _ctx = make_page(qtbot, head_teacher)
    ids = [page.template_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(page.template_list.count())]
    assert ids == ["semester-feedback", "home-visit", "parent-school", "holiday"]
    assert [page.class_combo.itemText(i) for i in range(page.class_combo.count())] == ["七年级（1）班"]
    assert page.scope.findData("level") < 0
    assert page.title_edit.isReadOnly() and not page.save_button.isVisible()


def test_the_archive_and_the_crisis_step_ask_for_a_letter(qtbot, letters_school):
    from app.crisis.cases import open_case
    from ui.crisis.case_view import CaseView

    sid = int(letters_school.db.scalar("SELECT id FROM students WHERE status = '在读' AND id NOT IN"
                                       " (SELECT student_id FROM crisis_cases) ORDER BY id LIMIT 1"))
    case = open_case(letters_school, sid, "severe", "teacher", summary="x")
    view = CaseView(letters_school)
    qtbot.addWidget(view)
    got: list[LetterRequest] = []
    view.letter_requested.connect(got.append)
    view.show_case(case)
    view.select_step("parent_consent")
    assert view.letter_button.isEnabled()
    qtbot.mouseClick(view.letter_button, Qt.MouseButton.LeftButton)
    assert got == [LetterRequest("crisis-notice", sid)]
    view.select_step("assessment")
    assert not view.letter_button.isEnabled()


def test_the_template_editor_keeps_a_draft_asks_before_switching_and_drops_it_on_save(qtbot, letters_school):
    """Issue 10: typing in the template editor is in the vault a second later (``letter-template:<id>``), comes
    back when the page opens again, is asked about before another template replaces it, and goes on 保存模板 and on
    恢复默认文本."""
    from app.drafts.store import list_drafts, load_draft
    from ui.shell.forms import DISCARD_TITLE

    page, _ctx = make_page(qtbot, letters_school)
    assert page.select_template("holiday")
    key = "letter-template:holiday"
    assert page.editor.draft_key == key
    page.body_edit.setPlainText("草稿：寒假前请家长留意孩子作息。")
    qtbot.waitUntil(lambda: load_draft(letters_school, key) is not None, timeout=3000)
    assert [d.label for d in list_drafts(letters_school) if d.form_key == key] == ["告知书模板"]
    # another template: asked; "继续填写" keeps the text and the selection
    other = next(t.id for t in page.templates if t.id != "holiday")
    dialogs.preanswer(False)
    page.select_template(other)
    assert dialogs.shown[-1].title == DISCARD_TITLE
    assert page.template_id() == "holiday" and page.body_edit.toPlainText().startswith("草稿：")
    # a restart: a new page opens the template with the typing back, and says so
    page.editor.stop_drafts()
    page.hide()
    again, _ = make_page(qtbot, letters_school)
    again.open_draft(key)
    assert again.template_id() == "holiday" and again.editor.draft_restored
    assert again.body_edit.toPlainText() == "草稿：寒假前请家长留意孩子作息。"
    assert "已恢复" in again.edit_state.text() and again.reset_button.isEnabled()
    # 保存模板: the template is saved, the draft is gone, switching asks nothing
    again.title_edit.setText("寒假提示")
    assert again.save_template()
    assert load_draft(letters_school, key) is None and get_template(letters_school.db, "holiday").edited
    n = len(dialogs.shown)
    again.select_template(other)
    assert len(dialogs.shown) == n
    # typing then 恢复默认文本: the draft goes with the school's text
    again.select_template("holiday")
    again.body_edit.setPlainText("又改了一半")
    assert again.editor.save_draft_now()
    dialogs.preanswer(True)
    assert again.reset_template()
    assert load_draft(letters_school, key) is None and not get_template(letters_school.db, "holiday").edited
    assert again.title_edit.text() == "假期学生心理健康提示"
    # a confirmed discard by switching deletes the draft
    again.body_edit.setPlainText("不要了")
    assert again.editor.save_draft_now()
    dialogs.preanswer(True)
    again.select_template(other)
    assert again.template_id() == other and load_draft(letters_school, key) is None


def test_at_1024_the_letter_fits_its_pane_and_nothing_scrolls_sideways(qtbot, letters_school):
    """A 1024×768 screen leaves the page about 820 pixels: the editor scrolls down, never sideways, and the preview
    draws the whole page width into its pane (drawn again when the pane narrows)."""
    page, _ctx = make_page(qtbot, letters_school)
    page.resize(820, 620)
    qtbot.wait(50)
    page.refresh_preview()
    qtbot.waitUntil(lambda: not page.preview_label.pixmap().isNull(), timeout=3000)
    viewport = page.preview_scroll.viewport()
    qtbot.waitUntil(lambda: page.preview_label.pixmap().width() <= viewport.width(), timeout=3000)
    assert page.preview_label.pixmap().width() >= viewport.width() - 40      # fills the pane, not a thumbnail
    editor_scroll = page.split.widget(1)
    assert not editor_scroll.horizontalScrollBar().isVisible()
    assert editor_scroll.widget().width() <= editor_scroll.viewport().width()
    assert not page.preview_scroll.horizontalScrollBar().isVisible()
    # the letters made are on their own tab, counted in its title
    assert page.tabs.tabText(0) == "制作告知书" and page.tabs.tabText(1) == "已打印的告知书（0）"
