"""Storage errors in the window: a full disk, a read-only folder or a busy vault is a plain Chinese message, never
the crash dialog; at sign-in it is an inline message and no restore is offered (the vault is not damaged)."""
from __future__ import annotations

import errno
import os
import subprocess
import sys

import app.store.db as store_db
from tests.conftest import PASSWORD
from tests.store.conftest import child
from tests.ui.conftest import wait_tasks
from ui.pages import PAGES
from ui.shell import dialogs, tasks
from ui.shell.errors import install_excepthook, show_error
from ui.shell.unlock import UnlockWidget


def _no_crash_dialog() -> None:
    assert [s for s in dialogs.shown if s.kind == "crash"] == []


def test_a_full_disk_from_the_os_is_a_message_not_a_crash(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # put back after the test
    install_excepthook(lambda: tmp_path / "logs")
    dialogs.preanswer(None, None)
    show_error(None, OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(tmp_path / "report.xlsx")))
    try:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(tmp_path / "x"))
    except OSError as e:
        sys.excepthook(type(e), e, e.__traceback__)  # an uncaught error in a Qt slot
    assert [s.kind for s in dialogs.shown] == ["error", "error"]
    assert "磁盘已满" in dialogs.shown[0].text and "只读" in dialogs.shown[1].text
    _no_crash_dialog()
    assert not (tmp_path / "logs").exists()  # no crash report written


def _hold(folder) -> subprocess.Popen:
    p = child("hold", str(folder), "0", stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert p.stdout is not None and p.stdout.readline().strip() == "locked"
    return p


def test_a_busy_vault_in_a_task_is_a_message_not_a_crash(qtbot, session):
    session.db.execute("PRAGMA busy_timeout = 300")
    holder = _hold(session.paths.root)
    try:
        def write(_p: tasks.Progress) -> None:
            with session.db.transaction():
                session.db.execute("INSERT INTO settings (key, value) VALUES ('from_window', '1')")

        dialogs.preanswer(None)
        tasks.run_task(None, write, show_progress=False)
        wait_tasks(qtbot)
    finally:
        holder.communicate(input="", timeout=60)
    assert [s.kind for s in dialogs.shown] == ["error"] and "另一个程序占用" in dialogs.shown[0].text
    _no_crash_dialog()


def test_signing_in_while_another_program_writes_is_an_inline_message(qtbot, session, monkeypatch):
    data_dir = session.paths.root
    session.close()
    monkeypatch.setattr(store_db, "BUSY_TIMEOUT", 0.3)
    holder = _hold(data_dir)
    w = UnlockWidget(data_dir, "counselor")
    qtbot.addWidget(w)
    w.show()
    offered: list[object] = []
    w.integrity_failed.connect(lambda *a: offered.append(a))
    try:
        w.password_edit.setText(PASSWORD)
        w.unlock_button.click()
        wait_tasks(qtbot)
    finally:
        holder.communicate(input="", timeout=60)
    assert "另一个程序占用" in w.error_label.text() and not w.error_label.isHidden()
    assert dialogs.shown == [] and offered == []  # inline; no restore offered for a vault that is fine
    assert (data_dir / "vault.db").exists() and not (data_dir / "quarantine").exists()
    assert w.unlock_button.isEnabled()


def test_a_whole_vault_set_aside_by_mistake_is_offered_back_before_older_backups(qtbot, session):
    """What the full-disk bug left behind: a healthy vault in quarantine/. Signing in offers it (it holds what
    was written after the newest backup) and putting it back keeps that work."""
    from app import backups
    from app.store.backup import list_backups
    from app.store.settings import get_setting, set_setting
    from ui.shell.application import Shell
    from ui.shell.main_window import MainWindow

    backups.backup_now(session)
    set_setting(session.db, "written_after_the_backup", "yes")
    data_dir = session.paths.root
    session.close()
    from app.session import quarantine

    aside = quarantine(session.paths)
    shell = Shell(data_dir, "counselor", watch_os_lock=False, pages=PAGES)
    unlock = shell.start()
    qtbot.addWidget(unlock)
    dialogs.preanswer(True, None)  # put it back? yes; then the "restored" message
    unlock.password_edit.setText(PASSWORD)
    unlock.attempt()
    for _ in range(3):
        wait_tasks(qtbot)
    asked = [s for s in dialogs.shown if s.kind == "question"]
    assert asked and str(aside) in asked[0].text
    assert isinstance(shell.window, MainWindow)
    qtbot.addWidget(shell.window)
    assert get_setting(shell.window.session.db, "written_after_the_backup") == "yes"
    assert len(list_backups(data_dir / "backups")) == 1
    _no_crash_dialog()
    shell.window._close_ok = True
    shell.window.close()
