"""The unlock screen: inline error, the password re-selected, Caps Lock, the delay after 5 failures, recovery."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.errors import WrongPassword
from app.session import open_session
from app.store.keyslots import KeySlots
from tests.conftest import PASSWORD
from tests.ui.conftest import wait_tasks
from ui.shell import dialogs
from ui.shell.unlock import UnlockWidget


def _try(qtbot, w: UnlockWidget, password: str) -> None:
    w.password_edit.setText(password)
    w.unlock_button.click()
    wait_tasks(qtbot)


def test_wrong_password_is_an_inline_error_with_the_password_selected(qtbot, session, fake_clock):
    data_dir = session.paths.root
    session.close()
    slots_before = session.paths.keyslots.read_bytes()
    db_before = session.paths.db.stat().st_mtime_ns
    w = UnlockWidget(data_dir, "counselor", lockout_clock=fake_clock)
    qtbot.addWidget(w)
    w.show()
    _try(qtbot, w, "not-the-password")
    assert w.error_label.isVisible() and "不正确" in w.error_label.text()
    assert w.password_edit.selectedText() == "not-the-password"
    assert w.password_edit.hasFocus() or not w.isActiveWindow()
    assert dialogs.shown == []  # inline, not a dialog
    assert w.unlock_button.isEnabled()
    # A wrong password touches neither the key slots nor the database.
    assert session.paths.keyslots.read_bytes() == slots_before
    assert session.paths.db.stat().st_mtime_ns == db_before

    with qtbot.waitSignal(w.signed_in) as signed:
        _try(qtbot, w, PASSWORD)
    s = signed.args[0]
    assert s.account.username == "counselor" and not s.locked
    assert not w.error_label.isVisible() and w.password_edit.text() == ""
    s.close()


def test_five_failures_start_a_countdown_that_survives_a_restart(qtbot, session, fake_clock):
    data_dir = session.paths.root
    session.close()
    w = UnlockWidget(data_dir, "counselor", lockout_clock=fake_clock)
    qtbot.addWidget(w)
    w.show()
    for _ in range(4):
        _try(qtbot, w, "wrong")
        assert w.unlock_button.isEnabled()
    _try(qtbot, w, "wrong")
    assert not w.unlock_button.isEnabled()
    assert "30 秒" in w.error_label.text()
    fake_clock.advance(10)
    assert w.tick() == 20 and "20 秒" in w.error_label.text()

    # A "restart": a new unlock screen reads the delay from lockout.json.
    w2 = UnlockWidget(data_dir, "counselor", lockout_clock=fake_clock)
    qtbot.addWidget(w2)
    assert not w2.unlock_button.isEnabled() and "20 秒" in w2.error_label.text()
    w2.password_edit.setText(PASSWORD)
    w2.attempt()  # ignored while the button is disabled
    assert w2.busy is False

    fake_clock.advance(20)
    assert w2.tick() == 0 and w2.unlock_button.isEnabled()
    # The next failure doubles the delay.
    _try(qtbot, w2, "wrong again")
    assert not w2.unlock_button.isEnabled() and "60 秒" in w2.error_label.text()
    fake_clock.advance(61)
    w2.tick()
    with qtbot.waitSignal(w2.signed_in) as signed:
        _try(qtbot, w2, PASSWORD)
    signed.args[0].close()
    assert not session.paths.lockout.exists()


def test_caps_lock_warning_from_key_events(qtbot, session):
    w = UnlockWidget(session.paths.root, "counselor")
    qtbot.addWidget(w)
    w.show()
    assert not w.caps_label.isVisible()
    qtbot.keyClick(w.password_edit, Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier)
    assert not w.caps_label.isVisible()
    qtbot.keyClicks(w.password_edit, "B")  # upper case without Shift: Caps Lock is on
    assert w.caps_label.isVisible()
    qtbot.keyClick(w.password_edit, Qt.Key.Key_C, Qt.KeyboardModifier.NoModifier)
    assert not w.caps_label.isVisible()


def test_forgotten_password_reset_with_the_recovery_code(qtbot, data_dir):
    from app.school.setup import create_vault

    s, code = create_vault(data_dir, school_name="测试学校", username="counselor", password=PASSWORD)
    s.close()
    w = UnlockWidget(data_dir, "counselor")
    qtbot.addWidget(w)
    w.show()
    dlg = w.open_recovery()
    assert dlg.isVisible() and dlg.user_edit.text() == "counselor"
    dlg.code_edit.setText(code.lower())
    dlg.new_edit.setText("New-password-2027!")
    dlg.again_edit.setText("New-password-2027?")
    dlg.submit()
    assert "不一致" in dlg.error_label.text()
    dlg.code_edit.setText("2222-2222-2222-2222-2222-2222")
    dlg.again_edit.setText("New-password-2027!")
    dlg.submit()
    wait_tasks(qtbot)
    assert "恢复码不正确" in dlg.error_label.text() and dlg.isVisible()
    dlg.code_edit.setText(code)
    with qtbot.waitSignal(dlg.reset_done):
        dlg.submit()
        wait_tasks(qtbot)
    assert not dlg.isVisible()
    assert "新密码" in w.subtitle.text()
    with qtbot.waitSignal(w.signed_in) as signed:
        _try(qtbot, w, "New-password-2027!")
    signed.args[0].close()
    assert KeySlots.load(data_dir / "keyslots.json").unlock("counselor", "New-password-2027!")
    with pytest.raises(WrongPassword):
        open_session(data_dir, "counselor", PASSWORD)
