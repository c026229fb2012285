"""The one import dialog with a counselor's own log: name matches listed for confirmation, only the checked ones
written; a long read can be cancelled; a lock waits for the dialog's work, then closes it."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app import clock
from app.school.roster_import import import_roster
from tests.conftest import PASSWORD
from tests.ui.conftest import wait_tasks
from ui.pages import PAGES
from ui.shell import tasks

DATA = Path(__file__).resolve().parents[2] / "data"
sys.path.insert(0, str(DATA))
from make_counselor_log import LOG_EXPECTED, LOG_TODAY  # noqa: E402

LOG = DATA / "counselor_log.xlsx"


@pytest.fixture(autouse=True)
def _cjk_font(qapp):
    from ui.shell.fonts import apply_app_font

    apply_app_font(qapp)


@pytest.fixture
def log_school(session, tmp_path):
    clock.set_fixed(LOG_TODAY)
    import_roster(session, DATA / "roster_registry.xlsx")
    namesake = tmp_path / "转入.csv"
    namesake.write_text("姓名,学籍号,班级\n王子涵,G370202201299999999,七年级（1）班\n", encoding="utf-8")
    import_roster(session, namesake)
    return session


def casework_page(qtbot, session):
    from ui.casework.page import CaseworkPage
    from ui.shell.context import AppContext

    page = CaseworkPage(AppContext(session))
    qtbot.addWidget(page)
    return page


def test_counselor_log_previews_asks_to_confirm_names_and_imports_the_checked(qtbot, log_school):
    page = casework_page(qtbot, log_school)
    page.open_import()
    dlg = page.import_dialog
    assert dlg is not None and dlg.windowTitle() == "导入谈话与辅导记录"
    dlg.set_file(LOG)
    assert dlg.busy and not dlg.progress.isHidden() and not dlg.cancel_button.isHidden()
    qtbot.waitUntil(lambda: not dlg.busy, timeout=10_000)
    assert dlg.preview is not None and dlg.progress.isHidden()
    assert "工作表“辅导记录”，表头在第 2 行" in dlg.status.text()
    assert dlg.counts()["new"] == 6 and dlg.counts()["invalid"] == 6 and dlg.counts()["name_matches"] == 6
    assert "新记录 6 条" in dlg.counts_label.text() and "需确认 6 条" in dlg.counts_label.text()
    # the mapping editor shows what was recognised: no 学籍号 column, the log's own headers
    assert dlg.map_combos["date"].currentText() == "来访日期"
    assert dlg.map_combos["kind"].currentText() == "辅导形式"
    assert dlg.map_combos["confidential"].currentText() == "主要问题/记录"
    assert dlg.map_combos["registry_no"].currentData() is None
    # row errors: sheet row and the log's own column name
    assert {r[0]: r[1] for r in dlg.error_model.rows} == LOG_EXPECTED["invalid"]
    assert dlg.lists.currentWidget() is dlg.error_view
    # name matches: listed, unchecked; nothing is written until some are checked
    assert not dlg.matches.isHidden() and dlg.matches.count() == 6
    assert all(dlg.matches.item(i).checkState() == Qt.CheckState.Unchecked for i in range(dlg.matches.count()))
    assert "七年级（1）班 李俊熙" in dlg.matches.item(0).text()
    assert not dlg.import_button.isEnabled()          # invalid rows and no skip
    dlg.skip_invalid.setChecked(True)
    assert dlg.import_button.isEnabled()
    for i in range(dlg.matches.count()):
        item = dlg.matches.item(i)
        if item.data(Qt.ItemDataRole.UserRole) in (3, 6):
            item.setCheckState(Qt.CheckState.Checked)
    assert dlg.confirmed_rows() == {3, 6}
    before = log_school.db.scalar("SELECT count(*) FROM case_records")
    page_rows = page.table.rowCount()
    with qtbot.waitSignal(dlg.imported, timeout=10_000):
        dlg.import_button.click()
    assert dlg.outcome.written == 2 and dlg.outcome.skipped_name_matches == 4
    assert "已写入 2 条记录" in dlg.result_label.text() and "4 条按姓名对应的记录未确认" in dlg.result_label.text()
    assert log_school.db.scalar("SELECT count(*) FROM case_records") == before + 2
    assert not dlg.import_button.isEnabled()          # one preview, one import
    qtbot.waitUntil(lambda: page.table.rowCount() == page_rows + 2)  # the page heard the change


def test_confirm_all_then_a_second_import_finds_them_all_there(qtbot, log_school):
    page = casework_page(qtbot, log_school)
    page.open_import()
    dlg = page.import_dialog
    dlg.set_file(LOG)
    qtbot.waitUntil(lambda: not dlg.busy, timeout=10_000)
    dlg.confirm_all_button.click()
    assert dlg.confirmed_rows() == set(LOG_EXPECTED["new"])
    dlg.skip_invalid.setChecked(True)
    with qtbot.waitSignal(dlg.imported, timeout=10_000):
        dlg.start_import()
    assert dlg.outcome.written == 6
    dlg.set_file(LOG)                                  # the same log again: everything is already there
    qtbot.waitUntil(lambda: not dlg.busy, timeout=10_000)
    assert dlg.counts()["new"] == 0 and dlg.counts()["duplicates"] == 6 and dlg.matches.isHidden()


def test_a_long_read_can_be_cancelled(qtbot, log_school, tmp_path):
    big = tmp_path / "三年的记录.csv"
    lines = ["来访日期,学生姓名,班级,辅导形式,主要问题/记录"]
    lines += [f"2026-10-{1 + i % 28:02d},李俊熙,七年级（1）班,个体辅导,第{i}次" for i in range(20_000)]
    big.write_text("\n".join(lines), encoding="utf-8")
    page = casework_page(qtbot, log_school)
    page.open_import()
    dlg = page.import_dialog
    dlg.set_file(big)
    assert dlg.busy and tasks.running() == 1
    dlg.cancel_button.click()
    qtbot.waitUntil(lambda: not dlg.busy, timeout=20_000)
    assert dlg.preview is None and "已取消读取" in dlg.status.text()
    assert not dlg.import_button.isEnabled() and tasks.running() == 0


def test_a_lock_waits_for_the_dialogs_work_then_closes_it(qtbot, log_school):
    from ui.shell.main_window import MainWindow

    win = MainWindow(log_school, auto_backup=False, pages=PAGES)
    qtbot.addWidget(win)
    win.show()
    win.show_page("casework")
    page = win.pages["casework"]
    page.open_import()
    dlg = page.import_dialog
    dlg.set_file(LOG)
    assert dlg.busy and tasks.running() == 1
    assert not win.lock()                  # the read is running: the lock waits for it (the vault stays open)
    assert not log_school.locked
    qtbot.waitUntil(lambda: log_school.locked, timeout=10_000)
    assert not dlg.isVisible() and dlg.result() == 0  # closed by the lock, nothing of the log on screen
    assert win.unlock_widget is not None
    win.unlock_widget.password_edit.setText(PASSWORD)
    win.unlock_widget.unlock_button.click()
    wait_tasks(qtbot)
    assert not log_school.locked and not dlg.isVisible()
