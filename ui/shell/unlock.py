"""The unlock screen (after KeePassXC's DatabaseOpenWidget) and the forgotten-password path.

Inline error (never a dialog) on a wrong password, the password re-selected for a retry, a Caps Lock warning
from the key events, and after five failures in a row a countdown read from ``lockout.json`` (so it survives a
restart) during which the button is disabled. The key derivation runs off the UI thread.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.accounts.store import normalize_username
from app.errors import IntegrityFailure, LockedOut, VaultMissing, WrongPassword, XinqiaoError
from app.passwords import password_problem
from app.session import Lockout, Session, VaultPaths, open_session, password_strength, reset_password_with_recovery
from ui.shell import dialogs, tasks
from ui.shell.errors import show_error
from ui.shell.theme import set_role, set_tone


def lockout_message(seconds: int) -> str:
    if seconds >= 120:
        return f"密码连续错误次数过多。请在 {seconds // 60} 分 {seconds % 60} 秒后重试。"
    return f"密码连续错误次数过多。请在 {seconds} 秒后重试。"


class CapsLockDetector(QObject):
    """Guesses Caps Lock from typed letters: upper case without Shift (or lower case with Shift) means on."""

    changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.on = False

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            text = event.text()
            if len(text) == 1 and text.isalpha() and text.isascii():
                shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
                caps = text.isupper() != shift
                if caps != self.on:
                    self.on = caps
                    self.changed.emit(caps)
        return False


def strength_hint(password: str, problem: str = "") -> tuple[int, str]:
    """0–4 and the hint under a new password, agreeing with the policy: a password the policy refuses (``problem``,
    from app/passwords.py) is 不可用 with the rule's gist, never 较强; one it accepts is at least 较弱."""
    if not password:
        return 0, ""
    if problem:
        gist = problem.split("：")[0].split("。")[0]
        return 0, f"密码强度：不可用——{gist}"
    score, hint = password_strength(password)
    if score == 0:
        score, hint = 1, "较弱：建议 14 位以上"
    return score, f"密码强度：{hint}"


def strength_label(label: QLabel, password: str, problem: str = "") -> None:
    score, text = strength_hint(password, problem)
    label.setText(text)
    set_tone(label, f"strength{max(0, min(score, 4))}" if text else "")


class PasswordFields:
    """New password twice with a live strength hint and a check against the password policy (app/passwords.py).

    ``names`` gives the account and school names the password must not contain (read when checking, so a
    name typed after the password counts)."""

    def __init__(self, form: QFormLayout, label: str = "密码",
                 names: Callable[[], tuple[str, str]] = lambda: ("", "")) -> None:
        self.names = names
        self.new = QLineEdit()
        self.new.setEchoMode(QLineEdit.EchoMode.Password)
        self.again = QLineEdit()
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        self.strength = QLabel("")
        self.label = label
        form.addRow(label, self.new)
        form.addRow("", self.strength)
        form.addRow("再输入一次", self.again)
        self.new.textChanged.connect(self._typed)
        self.again.textChanged.connect(self._typed)

    def _typed(self) -> None:
        pw = self.new.text()
        account, school = self.names()
        strength_label(self.strength, pw, password_problem(pw, account=account, school=school))

    def problem(self) -> str:
        pw = self.new.text()
        account, school = self.names()
        problem = password_problem(pw, account=account, school=school)
        if problem:
            return problem.replace("密码", self.label, 1) if self.label != "密码" else problem
        if pw != self.again.text():
            return f"两次输入的{self.label}不一致。"
        return ""


class UnlockWidget(QWidget):
    """Sign in to a vault (``session`` None) or unlock a locked session as the same account."""

    signed_in = Signal(object)                  # the Session
    integrity_failed = Signal(str, str, str)    # username, password, message

    def __init__(self, data_dir: Path, username: str = "", *, session: Session | None = None,
                 lockout_clock: Callable[[], float] | None = None, parent: QWidget | None = None,
                 prepare: Callable[[Session], object] | None = None) -> None:
        super().__init__(parent)
        self.data_dir = Path(data_dir)
        self.session = session
        self.lockout_clock = lockout_clock or time.time
        self.busy = False
        # Work that must follow a sign-in but is too slow for the UI thread (building the student index):
        # run on the same worker right after the key derivation; the result waits in ``prepared``.
        self.prepare = prepare
        self.prepared: object = None
        self.setObjectName("unlock")

        card = QFrame()
        card.setObjectName("unlockCard")
        card.setFrameShape(QFrame.Shape.StyledPanel)
        card.setMinimumWidth(380)
        card.setMaximumWidth(460)
        form_box = QVBoxLayout(card)
        form_box.setContentsMargins(28, 24, 28, 24)
        form_box.setSpacing(10)
        from ui.shell.about import app_icon

        logo = QLabel()
        logo.setPixmap(app_icon().pixmap(QSize(56, 56)))
        logo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        form_box.addWidget(logo)
        title = QLabel("心桥")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        set_role(title, "title")
        form_box.addWidget(title)
        self.subtitle = QLabel("已锁定。请输入密码解锁。" if session else "请登录")
        self.subtitle.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.subtitle.setWordWrap(True)
        form_box.addWidget(self.subtitle)

        form = QFormLayout()
        self.user_edit = QLineEdit(session.account.username if session else username)
        self.user_edit.setPlaceholderText("账号")
        if session:
            self.user_edit.setReadOnly(True)
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText("密码")
        form.addRow("账号", self.user_edit)
        form.addRow("密码", self.password_edit)
        form_box.addLayout(form)

        self.caps_label = QLabel("大写锁定已打开")
        set_tone(self.caps_label, "warn")
        self.caps_label.hide()
        form_box.addWidget(self.caps_label)
        self.error_label = QLabel("")
        set_tone(self.error_label, "error")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        form_box.addWidget(self.error_label)

        buttons = QHBoxLayout()
        self.forgot_button = QPushButton("忘记密码")
        self.forgot_button.setFlat(True)
        self.forgot_button.clicked.connect(self.open_recovery)
        self.unlock_button = QPushButton("解锁" if session else "登录")
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.attempt)
        set_role(self.unlock_button, "primary")
        buttons.addWidget(self.forgot_button)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)
        form_box.addLayout(buttons)

        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)

        self.caps = CapsLockDetector(self)
        self.caps.changed.connect(self.caps_label.setVisible)
        self.password_edit.installEventFilter(self.caps)
        self.user_edit.installEventFilter(self.caps)
        self.password_edit.returnPressed.connect(self.attempt)
        self.user_edit.returnPressed.connect(self.password_edit.setFocus)

        self._countdown = QTimer(self)
        self._countdown.setInterval(1000)
        self._countdown.timeout.connect(self.tick)
        self.recovery_dialog: RecoveryDialog | None = None
        self.user_edit.textChanged.connect(lambda _t: self.tick())  # the lockout counts per account
        self.tick()

    # -- state -------------------------------------------------------------------------------------
    @property
    def lockout(self) -> Lockout:
        return Lockout(VaultPaths(self.data_dir).lockout, self.lockout_clock)

    def show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    def focus_password(self) -> None:
        target = self.password_edit if self.user_edit.text() else self.user_edit
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def tick(self) -> int:
        """Refresh the lockout countdown; returns the seconds still to wait."""
        remaining = self.lockout.remaining(normalize_username(self.user_edit.text()))
        if remaining > 0:
            self.show_error(lockout_message(remaining))
            self.unlock_button.setEnabled(False)
            if not self._countdown.isActive():
                self._countdown.start()
        else:
            if self._countdown.isActive():
                self._countdown.stop()
                self.show_error("现在可以重试。")
            self.unlock_button.setEnabled(not self.busy)
        return remaining

    def reset_for_relock(self, message: str = "") -> None:
        self.password_edit.clear()
        self.show_error("")
        self.subtitle.setText(message or "已锁定。请输入密码解锁。")
        self.tick()

    # -- signing in --------------------------------------------------------------------------------
    def attempt(self) -> None:
        if self.busy or not self.unlock_button.isEnabled():
            return
        user = self.user_edit.text().strip()
        password = self.password_edit.text()
        if not user:
            self.show_error("请输入账号。")
            self.user_edit.setFocus()
            return
        if not password:
            self.show_error("请输入密码。")
            self.password_edit.setFocus()
            return
        self.busy = True
        self.unlock_button.setEnabled(False)
        self.show_error("")
        self.subtitle.setText("正在验证密码……")
        session = self.session
        data_dir, clock = self.data_dir, self.lockout_clock

        prepare = self.prepare
        self.prepared = None

        def work(_p: tasks.Progress) -> tuple[Session, object]:
            if session is not None:
                session.unlock(password)
                opened = session
            else:
                opened = open_session(data_dir, user, password, lockout_clock=clock)
            return opened, (prepare(opened) if prepare is not None else None)

        tasks.run_task(self, work, self._succeeded, lambda e: self._failed(e, user, password),
                       show_progress=False)

    def _succeeded(self, result: tuple[Session, object]) -> None:
        session, self.prepared = result
        self.busy = False
        self.password_edit.clear()
        self.show_error("")
        self.subtitle.setText("")
        self.tick()
        self.signed_in.emit(session)

    def _failed(self, exc: BaseException, user: str, password: str) -> None:
        self.busy = False
        self.subtitle.setText("已锁定。请输入密码解锁。" if self.session else "请登录")
        self.unlock_button.setEnabled(True)
        if isinstance(exc, LockedOut):
            self.tick()
        elif isinstance(exc, WrongPassword):
            self.show_error(exc.message)
            self.tick()
        elif isinstance(exc, IntegrityFailure | VaultMissing) and self.session is None:
            self.show_error(exc.message)
            self.integrity_failed.emit(user, password, exc.message)
            return
        elif isinstance(exc, XinqiaoError):
            self.show_error(exc.message)
        else:
            show_error(self, exc)
        self.password_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.password_edit.selectAll()

    # -- forgotten password ------------------------------------------------------------------------
    def open_recovery(self) -> RecoveryDialog:
        dlg = RecoveryDialog(self.data_dir, self.user_edit.text().strip(), self)
        dlg.reset_done.connect(self._recovered)
        self.recovery_dialog = dlg
        dlg.open()
        return dlg

    def _recovered(self, username: str) -> None:
        if not self.user_edit.isReadOnly():
            self.user_edit.setText(username)
        self.password_edit.clear()
        self.show_error("")
        self.subtitle.setText(f"已为“{username}”设置新密码，请用新密码登录。")
        self.tick()
        self.password_edit.setFocus()


class RecoveryDialog(QDialog):
    """Recovery code + account + new password twice → reset_password_with_recovery."""

    reset_done = Signal(str)

    def __init__(self, data_dir: Path, username: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data_dir = Path(data_dir)
        self.setWindowTitle("用恢复码重设密码")
        self.setMinimumWidth(440)
        lay = QVBoxLayout(self)
        intro = QLabel("请输入初始设置时抄写的恢复码，为任一账号设置新密码。")
        intro.setWordWrap(True)
        lay.addWidget(intro)
        form = QFormLayout()
        self.code_edit = QLineEdit()
        self.code_edit.setPlaceholderText("XXXX-XXXX-XXXX-XXXX-XXXX-XXXX")
        self.user_edit = QLineEdit(username)
        form.addRow("恢复码", self.code_edit)
        form.addRow("账号", self.user_edit)
        self.pw = PasswordFields(form, "新密码", lambda: (self.user_edit.text(), ""))
        self.new_edit, self.again_edit = self.pw.new, self.pw.again
        lay.addLayout(form)
        self.error_label = QLabel("")
        set_tone(self.error_label, "error")
        self.error_label.setWordWrap(True)
        lay.addWidget(self.error_label)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("重设密码")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self.busy = False

    def submit(self) -> None:
        if self.busy:
            return
        code, user = self.code_edit.text().strip(), self.user_edit.text().strip()
        pw = self.new_edit.text()
        if not code or not user:
            self.error_label.setText("请填写恢复码和账号。")
            return
        problem = self.pw.problem()
        if problem:
            self.error_label.setText(problem)
            self.again_edit.selectAll()
            self.again_edit.setFocus()
            return
        self.busy = True
        self.error_label.setText("正在重设……")
        data_dir = self.data_dir

        def work(_p: tasks.Progress) -> str:
            reset_password_with_recovery(data_dir, code, user, pw)
            return user

        tasks.run_task(self, work, self._done, self._failed, show_progress=False)

    def _done(self, user: str) -> None:
        self.busy = False
        self.reset_done.emit(user)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        if isinstance(exc, XinqiaoError):
            self.error_label.setText(exc.message)
        else:
            self.error_label.setText("")
            show_error(self, exc)


def ask_integrity_restore(parent: QWidget | None, message: str, backup_text: str) -> bool:
    return dialogs.ask(parent, "数据库已隔离",
                       f"{message}\n\n最近一份通过校验的备份：\n{backup_text}\n\n是否用这份备份恢复？",
                       yes="从备份恢复", no="暂不恢复", default_yes=True)
