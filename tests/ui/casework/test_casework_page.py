"""个案与谈话 page: keyboard-only recording, a 12-student group session, a draft surviving a forced lock,
search with highlighted results, coverage bars, import, and the head teacher's view."""
from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPlainTextEdit

from app.archive.chronology import timeline
from app.casework.records import RecordFilter, create_record, list_records
from app.drafts.store import load_draft
from tests.casework.helpers import class_students, record

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def page(qtbot, school):
    from ui.casework.page import CaseworkPage
    from ui.shell.context import AppContext

    ctx = AppContext(school)
    widget = CaseworkPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    return widget


def focused():
    return QApplication.focusWidget()


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(focused(), key, modifier)


def test_page_contract():
    from ui.pages import PAGES

    ids = [p.id for p in PAGES]
    casework = PAGES[ids.index("casework")]
    assert (casework.id, casework.title) == ("casework", "个案与谈话")
    assert ids.index("screening") < ids.index("casework") < ids.index("crisis")  # after 测评, before 危机干预
    assert casework.search_sources == ("casework",)


def test_session_recorded_by_keyboard_alone(qtbot, page, school):
    sid = class_students(school)[3]
    reg = school.db.scalar("SELECT registry_no FROM students WHERE id = :i", {"i": sid})
    before = len(list_records(school, RecordFilter(student_id=sid)))
    qtbot.keyClick(page, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    form = page.form
    assert page.stack.currentWidget() is form
    qtbot.waitUntil(lambda: focused() is form.kind)
    assert form.date.date().toString("yyyy-MM-dd") == dt.date.today().isoformat() or form.date.date().isValid()
    press(qtbot, Qt.Key.Key_Tab)                      # -> template
    assert focused() is form.template
    press(qtbot, Qt.Key.Key_Tab)                      # -> student search
    assert focused() is form.student.edit
    qtbot.keyClicks(focused(), reg)                   # the registry number finds exactly one student
    press(qtbot, Qt.Key.Key_Return)
    assert form.student.student_id == sid
    for _ in range(20):                               # Tab on to the summary
        if focused() is form.summary:
            break
        press(qtbot, Qt.Key.Key_Tab)
    assert isinstance(focused(), QPlainTextEdit) and focused() is form.summary
    form.summary.insertPlainText("近期失眠，约定一周后回访。")   # as an input method commits Chinese text
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is form.confidential
    form.confidential.insertPlainText("谈及家庭冲突。")
    press(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert page.stack.currentWidget() is page.tabs
    after = list_records(school, RecordFilter(student_id=sid))
    assert len(after) == before + 1
    rec = after[0]
    assert rec.summary == "近期失眠，约定一周后回访。" and rec.kind == "individual"
    assert rec.occurred_at[:10] == form.date.date().toString("yyyy-MM-dd")
    assert load_draft(school, "record:new") is None   # saved: the draft is gone


def test_template_fills_the_form(qtbot, page):
    page.new_record()
    form = page.form
    form.template.setCurrentIndex(form.template.findData("exam_anxiety"))
    form.template.activated.emit(form.template.currentIndex())
    assert form.kind.currentData() == "individual" and "考前" in form.concern.text()
    assert form.follow.isChecked() and form.duration.value() == 40


def test_group_session_with_12_attendees_on_12_timelines(qtbot, page, school):
    page.group_btn.click()
    form = page.form
    assert form.kind.currentData() == "group" and form.who.currentWidget() is form.attendance
    picker = form.attendance
    picker.class_combo.setCurrentIndex(picker.class_combo.findText("七年级（1）班"))
    for i in range(12):
        picker.list.item(i).setCheckState(Qt.CheckState.Checked)
    ids = picker.selected_ids()
    assert len(ids) == 12 and "已选 12 人" in picker.count.text()
    form.title.setText("情绪管理")
    form.summary.setPlainText("团体辅导：认识情绪。")
    rid = form.save()
    assert rid
    for sid in ids:
        assert f"case_records:{rid}" in [e.source for e in timeline(school, sid)]
    assert school.db.scalar("SELECT count(*) FROM case_attendance WHERE record_id = :r", {"r": rid}) == 12


def test_draft_survives_a_forced_lock(qtbot, school):
    from tests.conftest import PASSWORD
    from tests.ui.conftest import wait_tasks
    from ui.casework.page import CaseworkPage
    from ui.pages import page as declared
    from ui.shell.context import AppContext
    from ui.shell.main_window import MainWindow

    win = MainWindow(school, auto_backup=False, pages=[declared("casework")])
    qtbot.addWidget(win)
    win.show()
    page = win.pages["casework"]
    page.new_record()
    sid = class_students(school)[0]
    page.form.student.set_student(sid, "某学生")
    page.form.summary.insertPlainText("谈到一半被叫走，")
    page.form.confidential.insertPlainText("保密的半句话")
    assert win.lock("强制锁定")
    assert school.locked
    win.unlock_widget.password_edit.setText(PASSWORD)
    win.unlock_widget.unlock_button.click()
    wait_tasks(qtbot)
    qtbot.waitUntil(lambda: not school.locked)
    # the widgets kept the text, and the vault holds the draft (a crash now would lose nothing)
    assert page.form.summary.toPlainText() == "谈到一半被叫走，"
    draft = load_draft(school, "record:new")
    assert draft and draft["summary"] == "谈到一半被叫走，" and draft["confidential"] == "保密的半句话"
    assert draft["student_ids"] == [sid]
    # a fresh window (after a crash) restores the draft into a new form
    fresh = CaseworkPage(AppContext(school))
    qtbot.addWidget(fresh)
    fresh.new_record()
    assert fresh.form.summary.toPlainText() == "谈到一半被叫走，" and fresh.form.student.student_id == sid
    assert "草稿" in fresh.form.status.text()


def test_draft_saved_by_timer(qtbot, page, school):
    page.new_record()
    page.form.summary.insertPlainText("自动保存的草稿")
    page.form.timer.setInterval(50)
    qtbot.waitUntil(lambda: (load_draft(school, "record:new") or {}).get("summary") == "自动保存的草稿",
                    timeout=3000)


def test_search_highlights_and_opens_the_record(qtbot, school):
    """The hit goes to the window, which routes it by its source back to this page (the record opens)."""
    from ui.pages import page as declared
    from ui.shell.main_window import MainWindow

    win = MainWindow(school, auto_backup=False, pages=[declared("casework")])
    qtbot.addWidget(win)
    win.resize(1200, 800)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    page = win.pages["casework"]
    sid = class_students(school)[0]
    rid = create_record(school, record(sid, summary="独特的蝴蝶标本话题。"))
    page.tabs.setCurrentWidget(page.search)
    page.search.edit.setText("蝴蝶")
    qtbot.waitUntil(lambda: len(page.search.hits) == 1)
    label = page.search.results.itemWidget(page.search.results.item(0))
    assert "<b" in label.text() and "蝴蝶</b>" in label.text()
    page.search.edit.setFocus()
    qtbot.keyClick(page.search.edit, Qt.Key.Key_Return)
    assert page.stack.currentWidget() is page.form and page.form.record_id == rid
    assert page.form.confidential.toPlainText() == "谈及家庭冲突，父母经常争吵。"
    assert school.db.scalar("SELECT count(*) FROM audit_log WHERE action = 'view_confidential' AND target = :t",
                            {"t": f"case_records:{rid}"}) >= 1


def test_edit_asks_a_reason_and_keeps_a_version(qtbot, page, school):
    from ui.shell import dialogs

    sid = class_students(school)[0]
    rid = create_record(school, record(sid, summary="原来的摘要"))
    page.refresh()
    page.open_record(rid)
    page.form.summary.setPlainText("改过的摘要")
    assert page.form.save() is None                      # not yet: the reason is asked in a form first
    ask = page.form.reason_dialog
    assert ask.isVisible() and ask.draft_key == f"record:reason:{rid}"
    saved: list[int] = []
    page.form.saved.connect(saved.append)
    assert not ask.save() and "请写明原因" in ask.error.text()      # an empty reason is refused, the dialog stays
    ask.reason.setPlainText("补充内容")
    assert ask.save() and saved == [rid] and not ask.isVisible()
    from app.casework.records import versions

    assert versions(school, rid)[0].record["summary"] == "原来的摘要"
    page.table.selectRow(page.record_ids.index(rid))
    dialogs.preanswer(None)
    page.show_versions()
    assert "原来的摘要" in dialogs.shown[-1].text
    page.delete_selected()
    ask = page.delete_dialog
    assert ask.isVisible() and ask.draft_key == f"record:delete:{rid}"
    ask.reason.setPlainText("重复录入")
    assert ask.save()
    assert rid not in page.record_ids


def test_coverage_view_bars_and_missing(qtbot, page, school):
    view = page.coverage
    view.class_combo.setCurrentIndex(view.class_combo.findText("七年级（1）班"))
    view.refresh()
    cov = view.coverage
    assert cov is not None
    assert view.bars["talk"].maximum() == max(1, cov.talk.total)
    assert view.bars["talk"].value() == len(cov.talk.done)
    assert view.missing["talk"].count() == len(cov.talk.missing)
    assert "一生一谈" in view.titles["talk"].text()


def test_coverage_exported_encrypted(qtbot, page, school, tmp_path):
    from tests.xlsx_crypto import EXPORT_PASSWORD, is_encrypted, load_encrypted
    from ui.shell import dialogs

    view = page.coverage
    view.class_combo.setCurrentIndex(view.class_combo.findText("七年级（1）班"))
    view.refresh()
    cov = view.coverage
    assert cov is not None
    out = tmp_path / "完成情况.xlsx"
    dialogs.preanswer(str(out), EXPORT_PASSWORD, EXPORT_PASSWORD, None)
    assert view.export() == out and is_encrypted(out)
    wb = load_encrypted(out)
    assert wb["完成情况"]["A2"].value == "七年级（1）班"
    names = {r[3] for r in wb["未完成名单"].iter_rows(min_row=2, values_only=True)}
    assert names == {s.name for m in (cov.talk, cov.home_visit, cov.feedback) for s in m.missing}


def test_import_dialog(qtbot, page, school, tmp_path):
    from openpyxl import Workbook

    from app.casework.importer import SESSIONS_IMPORT
    from ui.imports.dialog import ImportDialog

    reg, name = school.db.one("SELECT registry_no, name FROM students ORDER BY id LIMIT 1")
    wb = Workbook()
    ws = wb.active
    ws.append(["学籍号", "姓名", "日期", "类型", "时长（分钟）", "问题类别", "记录摘要", "保密记录"])
    ws.append([reg, name, "2026-10-11", "个体咨询", 40, "情绪", "导入的失眠记录。", "导入的保密内容"])
    ws.append(["G000", "某人", "2026-10-11", "个体咨询", 40, "情绪", "坏行", ""])
    path = tmp_path / "records.xlsx"
    wb.save(path)
    before = school.db.scalar("SELECT count(*) FROM case_records")
    dlg = ImportDialog(SESSIONS_IMPORT, page.ctx.session, page, ctx=page.ctx, path=path)
    qtbot.addWidget(dlg)
    assert dlg.busy                       # the file is read off the UI thread
    qtbot.waitUntil(lambda: not dlg.busy, timeout=10_000)
    assert "新记录 1 条" in dlg.counts_label.text() and dlg.error_model.rowCount() == 1
    assert dlg.error_model.rows[0][0] == 3
    dlg.start_import()                    # an invalid row and no skip: nothing written
    assert not dlg.import_button.isEnabled() and dlg.outcome is None
    assert school.db.scalar("SELECT count(*) FROM case_records") == before
    dlg.skip_invalid.setChecked(True)
    with qtbot.waitSignal(dlg.imported, timeout=10_000):
        dlg.start_import()                # the import runs on a worker too
    assert dlg.outcome.written == 1 and "已写入 1 条记录" in dlg.result_label.text()
    assert school.db.scalar("SELECT count(*) FROM case_records") == before + 1


def test_head_teacher_view(qtbot, school, head_teacher):
    from ui.casework.page import CaseworkPage
    from ui.shell.context import AppContext

    mine = class_students(school)[0]
    create_record(school, record(mine, summary="本班学生失眠。", confidential="家庭冲突细节：父亲酗酒"))
    create_record(school, record(class_students(school, "8.1")[0], summary="外班学生失眠。"))
    w = CaseworkPage(AppContext(head_teacher))
    qtbot.addWidget(w)
    w.show()
    assert w.form.confidential.isHidden() and not w.import_btn.isVisible()
    texts = [w.table.item(r, 3).text() for r in range(w.table.rowCount())]
    assert "本班学生失眠。" in texts and "外班学生失眠。" not in texts
    w.search.edit.setText("酗酒")  # only in the confidential text (the demo's ordinary summaries say 冲突)
    w.search.run()
    assert w.search.hits == []
    w.search.edit.setText("失眠")
    w.search.run()
    assert all("外班" not in h.snippet for h in w.search.hits) and w.search.hits


def test_a_template_never_changes_the_type_behind_the_users_back(qtbot, page):
    """Issue 9: 一生一谈（常规） on a 个体咨询 record silently made it 谈心谈话."""
    page.new_record("individual")
    form = page.form
    assert form.kind.currentData() == "individual"
    form.template.setCurrentIndex(form.template.findData("talk_routine"))
    form.template.activated.emit(form.template.currentIndex())
    assert form.kind.currentData() == "individual"                # the type stays what the user chose
    assert "学期常规谈心谈话" in form.concern.text()                # the template's text is filled
    assert not form.template_note.isHidden() and "谈心谈话" in form.template_note.text()
    assert "个体咨询" in form.template_note.text()
    form.kind.setCurrentIndex(form.kind.findData("talk"))
    form.template.activated.emit(form.template.currentIndex())   # a template of the record's own type: no note
    assert form.template_note.isHidden() and form.kind.currentData() == "talk"
