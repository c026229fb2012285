"""The window matches the command line: a 班主任 cannot back up, restore or list accounts there either, and the
account dialogs apply the password policy."""
from __future__ import annotations

import pytest

from app.accounts.admin import add_account
from app.accounts.model import Role
from app.errors import PermissionDenied
from app.session import open_session
from app.store.backup import list_backups
from tests.conftest import PASSWORD
from tests.ui.conftest import wait_tasks
from ui.pages import page as declared
from ui.shell import dialogs
from ui.shell.main_window import MainWindow


def make_window(qtbot, session) -> MainWindow:
    win = MainWindow(session, auto_backup=False, pages=[declared("settings")])
    qtbot.addWidget(win)
    win.show()
    return win


def test_a_head_teacher_has_no_backup_restore_or_account_list_in_the_window(qtbot, head_teacher):
    from app import backups

    win = make_window(qtbot, head_teacher)
    page = win.pages["settings"]
    assert page.backup is None                                  # no backup tab: no backup, no restore
    assert page.accounts.table.isHidden() and page.accounts.accounts == []
    assert not page.accounts.add_button.isVisible() and not page.accounts.toggle_button.isVisible()
    assert not win.backup_action.isVisible()                    # nor the toolbar's backup
    before = len(list_backups(head_teacher.paths.backups))
    win.backup_now()                                            # a shortcut to it does nothing
    wait_tasks(qtbot)
    assert len(list_backups(head_teacher.paths.backups)) == before
    with pytest.raises(PermissionDenied):
        backups.backup_now(head_teacher)                      # and the app refuses underneath


def test_an_admin_has_backups_and_the_account_list(qtbot, school):
    add_account(school, "admin1", "Admin-password-2026!", Role.ADMIN)
    admin = open_session(school.paths.root, "admin1", "Admin-password-2026!")
    try:
        win = make_window(qtbot, admin)
        page = win.pages["settings"]
        assert page.backup is not None and win.backup_action.isVisible()
        assert not page.accounts.table.isHidden()
        assert {a.username for a in page.accounts.accounts} == {"counselor", "admin1"}
    finally:
        admin.close()


def test_the_account_dialogs_apply_the_password_policy(qtbot, school):
    win = make_window(qtbot, school)
    tab = win.pages["settings"].accounts
    dlg = tab.add_account()
    dlg.user.setText("zhaolaoshi")
    dlg.role.setCurrentIndex(dlg.role.findData(Role.ADMIN.value))
    for weak, words in (("short1!", "至少需要 10 个"), ("qwertyuiop123", "太常见"),
                        ("ZhaoLaoShi-2026", "账号名“zhaolaoshi”"), ("测试学校的密码2026", "学校名称")):
        dlg.pw.new.setText(weak)
        dlg.pw.again.setText(weak)
        dlg.submit()
        assert words in dlg.error.text(), (weak, dlg.error.text())
    assert tasks_idle()
    dlg.pw.new.setText("Quiet-harbour-2026")
    dlg.pw.again.setText("Quiet-harbour-2026")
    dlg.submit()
    wait_tasks(qtbot)
    assert dlg.added is not None and dlg.added.username == "zhaolaoshi"

    tab.select_user("counselor")
    pw = tab.change_password()
    pw.pw.new.setText("1qaz2wsx3edc")
    pw.pw.again.setText("1qaz2wsx3edc")
    pw.submit()
    assert "太常见" in pw.error.text()
    open_session(school.paths.root, "counselor", PASSWORD).close()   # unchanged


def test_the_recovery_dialog_applies_the_policy(qtbot, session):
    from ui.shell.unlock import RecoveryDialog

    dlg = RecoveryDialog(session.paths.root, "counselor")
    qtbot.addWidget(dlg)
    dlg.code_edit.setText("AAAA-AAAA-AAAA-AAAA-AAAA-AAAA")
    dlg.new_edit.setText("counselor-2026!")
    dlg.again_edit.setText("counselor-2026!")
    dlg.submit()
    assert "账号名" in dlg.error_label.text() and "新密码" in dlg.error_label.text()
    assert not dlg.busy


def tasks_idle() -> bool:
    from ui.shell import tasks

    return tasks.running() == 0


def test_the_unlock_countdown_follows_the_account_typed(qtbot, session):
    from app.store.lockout import FREE_ATTEMPTS, Lockout
    from ui.shell.unlock import UnlockWidget

    root = session.paths.root
    add_account(session, "admin1", "Admin-password-2026!", Role.ADMIN)
    session.close()
    lock = Lockout(root / "lockout.json")
    for _ in range(FREE_ATTEMPTS):
        lock.fail("counselor")
    w = UnlockWidget(root, "counselor")
    qtbot.addWidget(w)
    assert not w.unlock_button.isEnabled()
    w.user_edit.setText("admin1")
    assert w.unlock_button.isEnabled()
    w.user_edit.setText("counselor")
    assert not w.unlock_button.isEnabled()
    dialogs.reset()
