"""账号: the list, add (with role and the class of a 班主任), disable/enable, change password, recovery reset."""
from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.accounts.admin import add_account, change_password, set_account_class, set_account_disabled
from app.accounts.model import ROLE_LABELS, Account, Role
from app.accounts.store import list_accounts
from app.policy import can_manage_accounts
from app.school.classes import list_classes
from ui.settings.common import cell, make_table
from ui.shell import dialogs, tasks
from ui.shell.context import AppContext, Change
from ui.shell.errors import show_error
from ui.shell.flow import flow_bar
from ui.shell.forms import DraftDialog
from ui.shell.theme import set_tone
from ui.shell.unlock import PasswordFields, RecoveryDialog


class AccountDialog(DraftDialog):
    """Add an account; the work (two key derivations) runs off the UI thread. Its draft never holds the password
    (``ui.shell.forms`` skips password fields)."""

    draft_label = "添加账号"
    draft_confidential = False

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("新建账号")
        self.setMinimumWidth(420)
        form = QFormLayout(self)
        self.user = QLineEdit()
        self.display = QLineEdit()
        self.role = QComboBox()
        for role in (Role.COUNSELOR, Role.HEAD_TEACHER, Role.ADMIN):
            self.role.addItem(ROLE_LABELS[role], role.value)
        self.klass = QComboBox()
        for c in list_classes(ctx.session.db):
            self.klass.addItem(c.name, c.id)
        form.addRow("账号", self.user)
        form.addRow("姓名", self.display)
        form.addRow("角色", self.role)
        form.addRow("所带班级", self.klass)
        self.pw = PasswordFields(form, names=lambda: (self.user.text(), ctx.session.school_name()))
        self.error = QLabel("")
        set_tone(self.error, "error")
        self.error.setWordWrap(True)
        form.addRow(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self.role.currentIndexChanged.connect(self._role_changed)
        self._role_changed()
        self.added: Account | None = None
        self.use_drafts(ctx.session, "settings:account:new")

    def _role_changed(self) -> None:
        self.klass.setEnabled(self.role.currentData() == Role.HEAD_TEACHER.value)

    def submit(self) -> None:
        role = Role(self.role.currentData())
        problem = self.pw.problem()
        if not self.user.text().strip():
            problem = "请填写账号。"
        elif role == Role.HEAD_TEACHER and self.klass.currentData() is None:
            problem = "班主任账号需要选择所带班级（请先导入花名册）。"
        if problem:
            self.error.setText(problem)
            return
        session = self.ctx.session
        user, pw, display = self.user.text().strip(), self.pw.new.text(), self.display.text().strip()
        class_id = self.klass.currentData() if role == Role.HEAD_TEACHER else None
        self.buttons.setEnabled(False)
        self.error.setText("正在添加……")

        def work(_p: tasks.Progress) -> Account:
            return add_account(session, user, pw, role, display_name=display, class_id=class_id)

        tasks.run_task(self, work, self._done, self._failed, show_progress=False)

    def _done(self, acc: Account) -> None:
        self.added = acc
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        self.error.setText(getattr(exc, "message", ""))
        if not hasattr(exc, "message"):
            show_error(self, exc)


class PasswordDialog(QDialog):
    """Set an account's password; with ``enable`` the account is enabled again with it (disabling removed its
    key slot, so there is no old password to return to)."""

    def __init__(self, ctx: AppContext, username: str, parent: QWidget | None = None, *,
                 enable: bool = False) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.username = username
        self.enable = enable
        self.setWindowTitle(f"重新启用“{username}”" if enable else f"修改“{username}”的密码")
        self.setMinimumWidth(400)
        form = QFormLayout(self)
        if enable:
            note = QLabel("停用时这个账号的密钥槽已删除，旧密码不再有效。请为它设置新密码，并把新密码告诉本人。")
            note.setWordWrap(True)
            form.addRow(note)
        self.pw = PasswordFields(form, names=lambda: (username, ctx.session.school_name()))
        self.error = QLabel("")
        set_tone(self.error, "error")
        form.addRow(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)

    def submit(self) -> None:
        problem = self.pw.problem()
        if problem:
            self.error.setText(problem)
            return
        session, user, pw = self.ctx.session, self.username, self.pw.new.text()
        self.buttons.setEnabled(False)
        enable = self.enable

        def work(_p: tasks.Progress) -> None:
            if enable:
                set_account_disabled(session, user, False, pw)
            else:
                change_password(session, user, pw)

        tasks.run_task(self, work, lambda _r: self.accept(), self._failed, show_progress=False)

    def _failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        show_error(self, exc)


class AccountsTab(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.may_manage = can_manage_accounts(ctx.session.account)
        lay = QVBoxLayout(self)
        self.table = make_table(["账号", "姓名", "角色", "所带班级", "状态"])
        lay.addWidget(self.table, 1)
        self.add_button = QPushButton("添加账号…")
        self.toggle_button = QPushButton("停用")
        self.password_button = QPushButton("修改密码…")
        self.recovery_button = QPushButton("用恢复码重设密码…")
        self.class_button = QPushButton("更换所带班级…")
        self.class_button.setToolTip("班主任随班升级，或换带其他班级时使用")
        self.rekey_button = QPushButton("更换密钥…")
        self.rekey_button.setToolTip("删除或停用有权限的账号后使用：数据库换新密钥，只授予仍在的账号")
        self.rekey_button.clicked.connect(self.offer_rekey)
        self.grant_button = QPushButton("授予保密密钥")
        self.grant_button.setToolTip("升级后或用恢复码重设密码后，心理教师账号需要由持有保密密钥的心理教师授予")
        self.grant_button.clicked.connect(self.grant_key)
        self.rotate_button = QPushButton("生成新恢复码…")
        self.rotate_button.clicked.connect(self.rotate_recovery_code)
        self.class_button.clicked.connect(self.change_class)
        self.add_button.clicked.connect(self.add_account)
        self.toggle_button.clicked.connect(self.toggle_disabled)
        self.password_button.clicked.connect(self.change_password)
        self.recovery_button.clicked.connect(self.reset_with_recovery)
        lay.addWidget(flow_bar([self.add_button, self.toggle_button, self.class_button, self.password_button,
                                self.recovery_button, self.rekey_button, self.rotate_button, self.grant_button]))
        if not self.may_manage:
            self.table.hide()
            for b in (self.add_button, self.toggle_button, self.class_button, self.recovery_button,
                      self.rekey_button, self.rotate_button, self.grant_button):
                b.hide()
            self.password_button.setText("修改我的密码…")
            note = QLabel("账号管理只对管理员开放。您可以修改自己的密码。")
            lay.insertWidget(0, note)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.accounts: list[Account] = []
        self.dialog: QDialog | None = None
        ctx.unlocked.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        if self.ctx.session.locked or not self.may_manage:
            return
        self.rotate_button.setVisible(self.ctx.session.holds_confidential)
        self.grant_button.setVisible(self.ctx.session.holds_confidential)
        db = self.ctx.session.db
        classes = {c.id: c.name for c in list_classes(db)}
        self.accounts = list_accounts(db)
        self.table.setRowCount(len(self.accounts))
        for r, a in enumerate(self.accounts):
            role = a.role_label + ("（兼管理）" if a.manager and a.role != Role.ADMIN else "")
            values = [a.username, a.display_name, role, classes.get(a.class_id, "") if a.class_id else "",
                      "已停用" if a.disabled else "正常"]
            for c, v in enumerate(values):
                self.table.setItem(r, c, cell(v))
        self._selection_changed()

    def selected(self) -> Account | None:
        if not self.may_manage:
            return self.ctx.session.account
        rows = self.table.selectionModel().selectedRows()
        return self.accounts[rows[0].row()] if rows else None

    def _selection_changed(self) -> None:
        acc = self.selected() if self.may_manage else None
        self.toggle_button.setEnabled(acc is not None and acc.username != self.ctx.session.account.username)
        self.toggle_button.setText("启用" if acc is not None and acc.disabled else "停用")
        self.class_button.setEnabled(acc is not None and acc.role == Role.HEAD_TEACHER)
        self.grant_button.setEnabled(acc is not None and acc.role == Role.COUNSELOR and not acc.disabled
                                     and acc.username != self.ctx.session.account.username)

    def select_user(self, username: str) -> None:
        for r, a in enumerate(self.accounts):
            if a.username == username:
                self.table.selectRow(r)

    def add_account(self) -> AccountDialog:
        dlg = AccountDialog(self.ctx, self)
        dlg.accepted.connect(self._added)
        self.dialog = dlg
        dlg.open()
        return dlg

    def _added(self) -> None:
        self.refresh()
        if isinstance(self.dialog, AccountDialog) and self.dialog.added:
            self.select_user(self.dialog.added.username)

    def toggle_disabled(self) -> PasswordDialog | None:
        """Disable the selected account (its key slot is removed), or open the dialog that enables it again
        with a new password."""
        acc = self.selected()
        if acc is None:
            return None
        disable = not acc.disabled
        if not disable:
            dlg = PasswordDialog(self.ctx, acc.username, self, enable=True)
            dlg.accepted.connect(self.refresh)
            dlg.accepted.connect(lambda: self.select_user(acc.username))
            self.dialog = dlg
            dlg.open()
            return dlg
        if not dialogs.ask(self, "停用账号", f"停用账号“{acc.username}”？停用后该账号不能登录，它的密码也不再能打开数据"
                           "（密钥槽被删除）；记录保留。以后可以重新启用，届时需要设置新密码。", yes="停用"):
            return None
        try:
            set_account_disabled(self.ctx.session, acc.username, disable)
        except Exception as e:  # noqa: BLE001 - shown to the user
            show_error(self, e)
            self.refresh()
            return None
        self.refresh()
        self.select_user(acc.username)
        self.offer_rekey(after=acc.username)
        return None

    def offer_rekey(self, *, after: str = "") -> bool:
        """Rotate the tier keys (asked first); offered right after an account with access is disabled."""
        from app.accounts.rekey import rekey

        why = (f"“{after}”已停用。它以前能打开的密钥可能还留在旧的密钥文件副本里。" if after else "")
        if not dialogs.ask(self, "更换密钥", why + "现在更换数据库密钥吗？更换后只有仍在的账号能打开数据。"
                           "注意：更换前做的备份仍可用当时的密码打开，请妥善保管或销毁旧备份。", yes="更换密钥"):
            return False
        try:
            result = rekey(self.ctx.session)
        except Exception as e:  # noqa: BLE001 - shown to the user
            show_error(self, e)
            return False
        text = "已更换普通数据的密钥" + ("和保密数据的密钥。" if result.confidential_rotated else
                                 "。保密数据的密钥需要由持有它的心理教师登录后更换。")
        if result.dropped:
            text += f"这些账号需要重设密码：{'、'.join(result.dropped)}。"
        dialogs.inform(self, "更换密钥", text)
        return True

    def grant_key(self) -> bool:
        """Give the selected counselor account the confidential key (it needs no one's password)."""
        from app.accounts.rekey import grant_confidential

        acc = self.selected()
        if acc is None:
            return False
        try:
            grant_confidential(self.ctx.session, acc.username)
        except Exception as e:  # noqa: BLE001 - shown to the user
            show_error(self, e)
            return False
        dialogs.inform(self, "授予保密密钥", f"已把保密密钥授予“{acc.label}”。")
        return True

    def rotate_recovery_code(self) -> str:
        from app.accounts.rekey import rotate_recovery

        if not dialogs.ask(self, "生成新恢复码", "生成新的恢复码后，旧恢复码立即作废。继续吗？", yes="生成"):
            return ""
        try:
            code = rotate_recovery(self.ctx.session)
        except Exception as e:  # noqa: BLE001 - shown to the user
            show_error(self, e)
            return ""
        dialogs.inform(self, "新的恢复码", f"新的恢复码（只显示这一次，请抄下后锁好）：\n\n{code}")
        return code

    def change_class(self) -> bool:
        """Pick the class a 班主任 account now leads; True if it was changed."""
        acc = self.selected()
        if acc is None or acc.role != Role.HEAD_TEACHER:
            return False
        classes = list_classes(self.ctx.session.db)
        names = [c.name for c in classes]
        current = next((i for i, c in enumerate(classes) if c.id == acc.class_id), 0)
        choice = dialogs.get_item(self, "更换所带班级", f"“{acc.label}”现在所带的班级：", names, current)
        if choice is None:
            return False
        try:
            set_account_class(self.ctx.session, acc.username, classes[names.index(choice)].id)
        except Exception as e:  # noqa: BLE001 - shown to the user
            show_error(self, e)
            return False
        self.ctx.data_changed.emit(Change.SCHOOL)
        self.refresh()
        self.select_user(acc.username)
        return True

    def change_password(self) -> PasswordDialog | None:
        acc = self.selected()
        if acc is None:
            dialogs.inform(self, "修改密码", "请先在列表中选择一个账号。")
            return None
        dlg = PasswordDialog(self.ctx, acc.username, self)
        dlg.accepted.connect(lambda: dialogs.inform(self, "修改密码", f"“{acc.username}”的密码已修改。"))
        self.dialog = dlg
        dlg.open()
        return dlg

    def reset_with_recovery(self) -> RecoveryDialog:
        acc = self.selected()
        dlg = RecoveryDialog(self.ctx.session.paths.root, acc.username if acc else "", self)
        dlg.reset_done.connect(lambda u: dialogs.inform(self, "重设密码", f"“{u}”的密码已用恢复码重设。"))
        self.dialog = dlg
        dlg.open()
        return dlg
