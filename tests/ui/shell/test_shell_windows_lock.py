"""Windows' session-lock notice (WM_WTSSESSION_CHANGE / WTS_SESSION_LOCK) reaches the main window as a native
message and locks the app; a synthetic MSG stands in for the one Windows sends."""
from __future__ import annotations

import ctypes
from ctypes import wintypes

from PySide6.QtCore import QByteArray

from tests.conftest import PASSWORD
from tests.ui.conftest import wait_tasks
from ui.shell.idle import WM_WTSSESSION_CHANGE, WTS_SESSION_LOCK, OsLockWatcher, is_session_lock
from ui.shell.main_window import MainWindow

WTS_SESSION_UNLOCK = 0x8
WM_ACTIVATE = 0x0006


def msg(message: int, wparam: int) -> wintypes.MSG:
    m = wintypes.MSG()
    m.message = message
    m.wParam = wparam
    return m


def test_only_the_lock_notice_counts():
    lock = msg(WM_WTSSESSION_CHANGE, WTS_SESSION_LOCK)
    assert is_session_lock(b"windows_generic_MSG", ctypes.addressof(lock))
    assert not is_session_lock(b"windows_generic_MSG", ctypes.addressof(msg(WM_WTSSESSION_CHANGE, WTS_SESSION_UNLOCK)))
    assert not is_session_lock(b"windows_generic_MSG", ctypes.addressof(msg(WM_ACTIVATE, WTS_SESSION_LOCK)))
    assert not is_session_lock(b"xcb_generic_event_t", ctypes.addressof(lock))  # another platform's event
    assert not is_session_lock(b"windows_generic_MSG", 0)


def test_the_watcher_registers_only_on_windows(qtbot):
    watcher = OsLockWatcher(use_dbus=False)
    assert watcher.watch_window(1234) is False   # this is not Windows: nothing to register with
    watcher.unwatch_window()


def test_locking_windows_locks_the_window(qtbot, session):
    win = MainWindow(session, auto_backup=False, watch_os_lock=True, pages=[])
    qtbot.addWidget(win)
    win.show()
    unlock_notice = msg(WM_WTSSESSION_CHANGE, WTS_SESSION_UNLOCK)
    assert win.nativeEvent(QByteArray(b"windows_generic_MSG"), ctypes.addressof(unlock_notice)) == (False, 0)
    assert not session.locked
    lock_notice = msg(WM_WTSSESSION_CHANGE, WTS_SESSION_LOCK)
    assert win.nativeEvent(QByteArray(b"windows_generic_MSG"), ctypes.addressof(lock_notice)) == (False, 0)
    assert session.locked
    assert "系统锁屏" in win.unlock_widget.subtitle.text()
    win.unlock_widget.password_edit.setText(PASSWORD)
    win.unlock_widget.unlock_button.click()
    wait_tasks(qtbot)
    assert not session.locked
