"""设置: 学校, 账号, 关注与反馈 (counselors and managers), 备份, 安全, 审计日志 (the last three for managers only)."""
from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from app.policy import can_manage_school, can_set_tag_tiers
from ui.settings.accounts_tab import AccountsTab
from ui.settings.audit_tab import AuditTab
from ui.settings.backup_tab import BackupTab
from ui.settings.focus_tab import FocusTab
from ui.settings.school_tab import SchoolTab
from ui.settings.security_tab import SecurityTab
from ui.shell.context import AppContext


class SettingsPage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        lay = QVBoxLayout(self)
        self.tabs = QTabWidget()
        lay.addWidget(self.tabs)
        self.school = SchoolTab(ctx)
        self.accounts = AccountsTab(ctx)
        self.tabs.addTab(self.school, "学校")
        self.tabs.addTab(self.accounts, "账号")
        self.backup: BackupTab | None = None
        self.security: SecurityTab | None = None
        self.audit: AuditTab | None = None
        self.focus: FocusTab | None = None
        account = ctx.session.account
        if can_set_tag_tiers(account) or can_manage_school(account):
            self.focus = FocusTab(ctx)
            self.tabs.addTab(self.focus, "关注与反馈")
        if can_manage_school(ctx.session.account):
            self.backup = BackupTab(ctx)
            self.security = SecurityTab(ctx)
            self.audit = AuditTab(ctx)
            self.tabs.addTab(self.backup, "备份")
            self.tabs.addTab(self.security, "安全")
            self.tabs.addTab(self.audit, "审计日志")
        # The page header's primary action (ui/shell/header.py): a backup now for whoever keeps the school's data
        # safe; otherwise the one thing every account does here, its own password.
        if self.backup is not None:
            self.primary_button, self.primary_icon = self.backup.now_button, "device-floppy"
        else:
            self.primary_button, self.primary_icon = self.accounts.password_button, "key"

    def open_draft(self, form_key: str, _student_id: int | None = None) -> QWidget | None:
        """未完成的记录 on the 工作台: the settings form the draft belongs to, refilled from it."""
        parts = form_key.split(":")
        kind = parts[1] if len(parts) > 1 else ""
        if kind == "account":
            self.show_tab("账号")
            return self.accounts.add_account()
        self.show_tab("学校")
        if kind == "school":
            return self.school.edit_school()
        if kind == "holiday":
            return self.school.add_holiday()
        if kind == "staff":
            if parts[2] == "new":
                return self.school.add_staff()
            member = next((m for m in self.school.staff if str(m.id) == parts[2]), None)
            if member is not None:
                return self.school._open_staff_dialog(member)
        return None

    def show_tab(self, name: str) -> None:
        for i in range(self.tabs.count()):
            if self.tabs.tabText(i) == name:
                self.tabs.setCurrentIndex(i)
