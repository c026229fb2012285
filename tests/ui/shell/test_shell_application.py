"""Start-up: wizard or unlock screen, a damaged vault set aside with the newest backup offered, the demo
screenshot, and error reporting."""
from __future__ import annotations

import os
import subprocess
import sys

from app import backups
from app.errors import InputRejected
from tests.conftest import PASSWORD, ROOT
from tests.ui.conftest import wait_tasks
from ui.pages import PAGES
from ui.shell import dialogs
from ui.shell.application import Shell
from ui.shell.main_window import MainWindow
from ui.shell.setup_wizard import SetupWizard
from ui.shell.unlock import UnlockWidget


def test_no_vault_opens_the_wizard(qtbot, data_dir):
    shell = Shell(data_dir, watch_os_lock=False, pages=PAGES)
    first = shell.start()
    qtbot.addWidget(first)
    assert isinstance(first, SetupWizard)


def test_a_damaged_vault_is_set_aside_and_the_newest_backup_offered(qtbot, school, corrupt_vault):
    n = len(school.db.query("SELECT id FROM students"))  # noqa: S608 - test-side check
    backups.backup_now(school)
    school.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data_dir = school.paths.root
    key = school.key
    school.close()
    corrupt_vault(data_dir / "vault.db", key)

    shell = Shell(data_dir, "counselor", watch_os_lock=False, pages=PAGES)
    unlock = shell.start()
    qtbot.addWidget(unlock)
    assert isinstance(unlock, UnlockWidget)
    dialogs.preanswer(True, None)  # restore? yes; then the "restored" message
    unlock.password_edit.setText(PASSWORD)
    unlock.attempt()
    for _ in range(3):
        wait_tasks(qtbot)
    asked = [s for s in dialogs.shown if s.kind == "question"]
    assert asked and "隔离" in asked[0].title and "学生" in asked[0].text
    assert isinstance(shell.window, MainWindow)
    qtbot.addWidget(shell.window)
    session = shell.window.session
    assert len(session.db.query("SELECT id FROM students")) == n  # noqa: S608
    assert any((data_dir / "quarantine").iterdir())  # the damaged file is kept, not deleted
    shell.window._close_ok = True
    shell.window.close()


def test_demo_screenshot_writes_a_png(tmp_path):
    shot = tmp_path / "shot.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XINQIAO_DATA_DIR=str(tmp_path / "data"))
    proc = subprocess.run([sys.executable, str(ROOT / "main.py"), "--demo", "--screenshot", str(shot)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
    assert not (tmp_path / "data").exists()  # the demo never touches the real data folder


def test_user_errors_are_plain_messages_and_bugs_get_a_report(qtbot, tmp_path, monkeypatch):
    from ui.shell import errors

    dialogs.preanswer(None)
    errors.show_error(None, InputRejected("第 3 行：出生日期无法识别。"))
    assert dialogs.shown[-1].kind == "error" and dialogs.shown[-1].text == "第 3 行：出生日期无法识别。"
    monkeypatch.setattr(errors, "_log_dir", lambda: tmp_path / "logs")
    dialogs.preanswer(None)
    try:
        raise ValueError("boom")
    except ValueError as e:
        errors.show_error(None, e)
    assert dialogs.shown[-1].kind == "crash" and "ValueError: boom" in dialogs.shown[-1].text
    logs = list((tmp_path / "logs").glob("crash-*.log"))
    assert len(logs) == 1 and "Traceback" in logs[0].read_text("utf-8")
    dlg = errors.CrashDialog("report text", logs[0])
    qtbot.addWidget(dlg)
    assert "report text" in dlg.text.toPlainText()


def test_qt_speaks_chinese_and_the_cjk_font_is_registered(qtbot):
    from PySide6.QtGui import QFontDatabase
    from PySide6.QtWidgets import QApplication, QDialogButtonBox

    from ui.shell.fonts import register_fonts

    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "取消"
    families = register_fonts()
    assert families and all(f in QFontDatabase.families() for f in families)
    assert families[0] in QApplication.font().families()


def test_first_run_goes_from_the_wizard_to_the_main_window(qtbot, data_dir, tmp_path):
    from app.config import chosen_data_dir
    from app.session import vault_exists
    from ui.shell import dialogs

    shell = Shell(data_dir, watch_os_lock=False, pages=PAGES)
    wizard = shell.start()
    assert isinstance(wizard, SetupWizard)
    wizard.school_page.name_edit.setText("育才中学")
    wizard.next()
    chosen = tmp_path / "D-drive" / "心桥数据"
    chosen.parent.mkdir()
    dialogs.preanswer(str(chosen))
    wizard.folder_page.choose()          # another folder than the default one
    assert wizard.folder_page.folder_edit.text() == str(chosen)
    wizard.next()
    ap = wizard.account_page
    ap.user_edit.setText("wang")
    ap.password_edit.setText(PASSWORD)
    ap.again_edit.setText(PASSWORD)
    wizard.next()
    wait_tasks(qtbot)
    wizard.recovery_page.confirm.setChecked(True)
    wizard.accept()
    assert isinstance(shell.window, MainWindow)
    qtbot.addWidget(shell.window)
    assert shell.window.isVisible() and shell.window.windowTitle() == "心桥 · 育才中学"
    # the vault is in the chosen folder, the shell follows it, and the next start will open it
    assert vault_exists(chosen) and not vault_exists(data_dir) and shell.paths.root == chosen
    assert chosen_data_dir() == chosen
    qtbot.wait(50)  # the window is up (pages' deferred first loads have run) before closing
    shell.window._close_ok = True
    shell.window.close()


def test_after_a_restart_a_set_aside_vault_still_offers_the_backup(qtbot, session):
    from app.session import quarantine

    backups.backup_now(session)
    data_dir = session.paths.root
    session.close()
    quarantine(session.paths)  # what a failed check at an earlier start did
    shell = Shell(data_dir, "counselor", watch_os_lock=False, pages=PAGES)
    unlock = shell.start()
    qtbot.addWidget(unlock)
    assert isinstance(unlock, UnlockWidget) and "隔离" in unlock.subtitle.text()
    dialogs.preanswer(False)  # not now
    unlock.password_edit.setText(PASSWORD)
    unlock.attempt()
    for _ in range(2):
        wait_tasks(qtbot)
    assert dialogs.shown[-1].kind == "question" and shell.window is None
    assert not (data_dir / "vault.db").exists()


def test_the_student_index_is_built_off_the_ui_thread_at_sign_in(qtbot, school, monkeypatch):
    """Building the index takes ~150 ms at 20,000 students: it runs on the sign-in worker, not the UI thread."""
    import threading

    from app.archive.students import StudentIndex

    built_on: list[bool] = []
    real_reload = StudentIndex.reload

    def spy(self, db):  # type: ignore[no-untyped-def]
        built_on.append(threading.current_thread() is threading.main_thread())
        return real_reload(self, db)

    monkeypatch.setattr(StudentIndex, "reload", spy)
    data_dir = school.paths.root
    school.close()
    shell = Shell(data_dir, "counselor", watch_os_lock=False, pages=PAGES)
    unlock = shell.start()
    qtbot.addWidget(unlock)
    unlock.password_edit.setText(PASSWORD)
    unlock.attempt()
    wait_tasks(qtbot)
    assert isinstance(shell.window, MainWindow)
    qtbot.addWidget(shell.window)
    assert built_on == [False]  # once, on the worker
    page = shell.window.pages["students"]
    assert page.model.rowCount() > 100
    # after a lock and unlock nothing is rebuilt on the UI thread either
    shell.window.lock()
    shell.window.unlock_widget.password_edit.setText(PASSWORD)
    shell.window.unlock_widget.attempt()
    wait_tasks(qtbot)
    assert not shell.window.session.locked and True not in built_on
    shell.window._close_ok = True
    shell.window.close()


def test_a_head_teacher_account_added_in_the_window_signs_in_and_sees_one_class(qtbot, school):
    """Add a 班主任 in 设置 → 账号, sign in as them on the unlock screen: only their class, no 一生一策, no
    confidential text, no backups or audit log."""
    from app.accounts.model import Role
    from app.school.classes import find_class

    win = MainWindow(school, auto_backup=False, pages=PAGES)
    qtbot.addWidget(win)
    cls = find_class(school.db, "8.1")
    dlg = win.pages["settings"].accounts.add_account()
    dlg.user.setText("zhou")
    dlg.display.setText("周老师")
    dlg.role.setCurrentIndex(dlg.role.findData(Role.HEAD_TEACHER.value))
    dlg.klass.setCurrentIndex(dlg.klass.findData(cls.id))
    dlg.pw.new.setText("Week-teacher-2026!")
    dlg.pw.again.setText("Week-teacher-2026!")
    dlg.submit()
    wait_tasks(qtbot)
    qtbot.wait(50)  # pages' deferred first loads run before the session closes
    win._close_ok = True
    win.close()
    data_dir = school.paths.root
    school.close()

    shell = Shell(data_dir, "zhou", watch_os_lock=False, pages=PAGES)
    unlock = shell.start()
    qtbot.addWidget(unlock)
    unlock.password_edit.setText("Week-teacher-2026!")
    unlock.attempt()
    wait_tasks(qtbot)
    assert isinstance(shell.window, MainWindow), unlock.error_label.text()
    w = shell.window
    qtbot.addWidget(w)
    assert w.session.account.role == Role.HEAD_TEACHER and "周老师" in w.account_label.text()
    students = w.pages["students"]
    rows = [students.model.entry(r) for r in range(students.model.rowCount())]
    assert rows and {e.class_id for e in rows} == {cls.id}
    assert students.grade_combo.isHidden() and students.import_button.isHidden()
    students.open_row(0)
    assert "一生一策" not in students.archive.tab_titles()
    settings = w.pages["settings"]
    assert settings.backup is None and settings.audit is None and settings.accounts.table.isHidden()
    w._close_ok = True
    w.close()


def test_none_cannot_be_exhausted_by_qt_calls():
    """PySide6 6.12 on CPython 3.11 drops a reference to None on every void Qt call (pyproject excludes it;
    ui.shell.application guards it if installed anyway): 20,000 calls must not abort the interpreter."""
    code = ("import ui.shell.application; from PySide6.QtWidgets import QApplication, QLabel; app = QApplication([]);"
            " label = QLabel(); [label.setText('心桥') for _ in range(20000)]; print('ok')")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                       env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert r.returncode == 0 and "ok" in r.stdout, r.stderr[-500:]
