"""Idle lock with an injected clock: drafts survive, dialogs close, the clipboard is cleared, the key is dropped."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QFormLayout, QLineEdit, QMessageBox, QWidget

from app.store.settings import set_setting
from tests.conftest import PASSWORD
from tests.ui.conftest import wait_tasks
from ui.shell import clipboard
from ui.shell.context import AppContext
from ui.shell.main_window import MainWindow
from ui.shell.page import Page


def form_page() -> Page:
    """A page with an unsaved form that records what the lock signals told it."""

    def create(ctx: AppContext) -> QWidget:
        w = QWidget()
        lay = QFormLayout(w)
        w.note = QLineEdit()
        lay.addRow("谈话要点", w.note)
        w.events = []
        ctx.locking.connect(lambda: w.events.append(("locking", ctx.session.locked)))
        ctx.unlocked.connect(lambda: w.events.append(("unlocked", ctx.session.locked)))
        return w

    return Page("form", "表单", create)


def make_window(qtbot, session, clock) -> MainWindow:
    win = MainWindow(session, idle_clock=clock, auto_backup=False, pages=[form_page()])
    qtbot.addWidget(win)
    win.show()
    return win


def unlock(qtbot, win: MainWindow, password: str = PASSWORD) -> None:
    assert win.unlock_widget is not None
    win.unlock_widget.password_edit.setText(password)
    win.unlock_widget.unlock_button.click()
    wait_tasks(qtbot)


def test_idle_lock_keeps_the_unsaved_form_and_drops_the_key(qtbot, session, fake_clock):
    win = make_window(qtbot, session, fake_clock)
    page = win.pages["form"]
    qtbot.keyClicks(page.note, "PHQ-9 ")  # typed (QTest types ASCII only) ...
    page.note.insert("情绪低落，约下周二再谈")  # ... and Chinese as an input method commits it
    dlg = QDialog(win)
    dlg.setWindowTitle("未保存的对话框")
    dlg.open()
    box = QMessageBox(QMessageBox.Icon.Question, "确认", "确定吗？", QMessageBox.StandardButton.Yes, win)
    box.open()
    clipboard.copy_text("G370202201600000033")
    assert QGuiApplication.clipboard().text() == "G370202201600000033"

    fake_clock.advance(9 * 60)
    assert not win.idle.check() and not session.locked
    fake_clock.advance(61)
    assert win.idle.check()

    assert session.locked and session._key is None and session._db is None
    assert page.events == [("locking", False)]  # drafts are saved while the session is still open
    assert not dlg.isVisible() and not box.isVisible()
    assert QGuiApplication.clipboard().text() == ""
    assert win.outer.currentWidget() is win.unlock_widget and not win.workspace.isVisible()
    assert not win.toolbar.isVisible()
    assert "长时间未操作" in win.unlock_widget.subtitle.text()

    unlock(qtbot, win, "wrong password")
    assert session.locked and "不正确" in win.unlock_widget.error_label.text()
    unlock(qtbot, win)
    assert not session.locked
    assert win.outer.currentWidget() is win.workspace
    assert page.note.text() == "PHQ-9 情绪低落，约下周二再谈"
    assert page.events[-1] == ("unlocked", False)
    # The idle timer runs again after unlocking.
    assert win.idle.active
    fake_clock.advance(11 * 60)
    assert win.idle.check() and session.locked


def test_activity_restarts_the_idle_timer(qtbot, session, fake_clock):
    set_setting(session.db, "idle_lock_minutes", 2)
    win = make_window(qtbot, session, fake_clock)
    assert win.idle.timeout == 120
    fake_clock.advance(100)
    qtbot.keyClick(win.pages["form"].note, Qt.Key.Key_A)
    fake_clock.advance(100)
    assert not win.idle.check() and not session.locked
    fake_clock.advance(30)
    assert win.idle.check() and session.locked


def test_ctrl_l_and_the_toolbar_button_lock(qtbot, session, fake_clock):
    win = make_window(qtbot, session, fake_clock)
    with qtbot.waitActive(win):
        win.activateWindow()
    qtbot.keyClick(win.pages["form"].note, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert session.locked
    unlock(qtbot, win)
    assert not session.locked
    win.lock_action.trigger()
    assert session.locked
    unlock(qtbot, win)


def test_clipboard_text_of_other_programs_is_left_alone(qtbot, session, fake_clock):
    win = make_window(qtbot, session, fake_clock)
    clipboard.copy_text("学生姓名")
    QGuiApplication.clipboard().setText("another program's text")
    win.lock()
    assert QGuiApplication.clipboard().text() == "another program's text"
    unlock(qtbot, win)


def test_os_session_lock_locks(qtbot, session, fake_clock):
    from ui.shell.idle import OsLockWatcher

    win = make_window(qtbot, session, fake_clock)
    watcher = OsLockWatcher(win, use_dbus=False)
    watcher.locked.connect(win.lock)
    watcher._state_changed(Qt.ApplicationState.ApplicationInactive)
    assert not session.locked
    watcher._state_changed(Qt.ApplicationState.ApplicationSuspended)
    assert session.locked
    unlock(qtbot, win)


DBUS_SCRIPT = r"""
import subprocess, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from ui.shell.idle import OsLockWatcher
app = QApplication([])
w = OsLockWatcher()
hits = []
w.locked.connect(lambda: (hits.append(1), app.quit()))
QTimer.singleShot(200, lambda: subprocess.run(["dbus-send", "--session", "--type=signal", "/org/freedesktop/ScreenSaver",
                                               "org.freedesktop.ScreenSaver.ActiveChanged", "boolean:true"]))
QTimer.singleShot(5000, app.quit)
app.exec()
print("watching", w.dbus_watching, "locked", bool(hits))
"""


def test_screen_saver_signal_on_the_session_bus_locks(tmp_path):
    import os
    import shutil
    import subprocess
    import sys

    import pytest

    from tests.conftest import ROOT

    if not (shutil.which("dbus-run-session") and shutil.which("dbus-send")):
        pytest.skip("no D-Bus tools on this machine")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    proc = subprocess.run(["dbus-run-session", "--", sys.executable, "-c", DBUS_SCRIPT], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)
    assert "locked True" in proc.stdout, proc.stdout + proc.stderr


def test_lock_closes_the_apps_own_file_dialogs_and_modal_loops(qtbot, session, fake_clock):
    """The app's file dialogs are Qt's own (never the platform's), so a lock reaches and closes them, even
    while the code that opened them waits in a modal loop."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QFileDialog

    from ui.shell import dialogs

    win = make_window(qtbot, session, fake_clock)
    dialogs.strict = False  # really open the dialogs
    seen: list[str] = []

    def lock_when_shown(kind: type) -> None:
        shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]
        if not shown:
            QTimer.singleShot(20, lambda: lock_when_shown(kind))
            return
        seen.append(shown[0].windowTitle())
        if isinstance(shown[0], QFileDialog):  # a native dialog would be out of the lock's reach
            assert shown[0].testOption(QFileDialog.Option.DontUseNativeDialog)
        fake_clock.advance(11 * 60)
        win.idle.check()

    for kind, ask in ((QFileDialog, lambda: dialogs.open_file(win, "选择要恢复的备份文件", str(session.paths.backups))),
                      (QFileDialog, lambda: dialogs.choose_folder(win, "选择备份位置")),
                      (QFileDialog, lambda: dialogs.save_file(win, "保存", str(session.paths.root / "a.xlsx"))),
                      (QMessageBox, lambda: dialogs.ask(win, "确认", "确定吗？"))):
        QTimer.singleShot(20, lambda kind=kind: lock_when_shown(kind))
        assert not ask()  # the modal loop ended because the lock rejected the dialog
        assert session.locked
        assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, QFileDialog | QMessageBox)
                    and w.isVisible()]
        unlock(qtbot, win)
        fake_clock.advance(1)
    assert seen == ["选择要恢复的备份文件", "选择备份位置", "保存", "确认"]
