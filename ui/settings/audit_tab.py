"""审计日志: recent entries in Chinese, and a 校验 button (the hash chain and the database's integrity)."""
from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.audit import recent
from app.audit.log import ACTION_LABELS, AuditEntry
from app.backups import VaultCheck, verify_vault
from ui.settings.common import cell, make_table
from ui.shell import dialogs, tasks
from ui.shell.context import AppContext
from ui.shell.theme import set_tone


class AuditTab(QWidget):
    LIMIT = 300

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        lay = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(QLabel("操作："))
        self.action = QComboBox()
        self.action.addItem("全部", None)
        for key, label in ACTION_LABELS.items():
            self.action.addItem(label, key)
        self.action.currentIndexChanged.connect(self.refresh)
        row.addWidget(self.action)
        row.addStretch(1)
        self.refresh_button = QPushButton("刷新")
        self.refresh_button.clicked.connect(self.refresh)
        self.verify_button = QPushButton("校验")
        self.verify_button.setToolTip("校验审计日志的哈希链和数据库的完整性")
        self.verify_button.clicked.connect(self.verify)
        row.addWidget(self.refresh_button)
        row.addWidget(self.verify_button)
        lay.addLayout(row)
        self.table = make_table(["时间", "账号", "操作", "对象", "详情"], stretch=4)
        lay.addWidget(self.table, 1)
        self.result_label = QLabel("")
        lay.addWidget(self.result_label)
        self.last_result: VaultCheck | None = None
        self._wanted: str | None = None
        # Read when shown (showEvent), not while hidden behind another page or tab.
        ctx.unlocked.connect(lambda: self.refresh() if self.isVisible() else None)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> tasks.Task | None:
        """Read the newest entries off the UI thread: with a filter on a rare action in a log of hundreds of
        thousands of entries the query scans them all (~50 ms per 200,000)."""
        if self.ctx.session.locked:
            return None
        db, action = self.ctx.session.db, self.action.currentData()
        self._wanted = action
        return tasks.run_task(self, lambda _p: (action, recent(db, self.LIMIT, action)), self._show,
                              self._read_failed, show_progress=False)

    def _read_failed(self, exc: BaseException) -> None:
        if self.ctx.session.locked:
            return  # locked or closed while reading: the next showing reads again
        from ui.shell.errors import show_error

        show_error(self, exc)

    def _show(self, result: tuple[str | None, list[AuditEntry]]) -> None:
        action, entries = result
        if action != self._wanted or self.ctx.session.locked:
            return  # a newer refresh is on its way
        self.table.setRowCount(len(entries))
        for r, e in enumerate(entries):
            values = (e.at.replace("T", " ")[:19], e.account, ACTION_LABELS.get(e.action, e.action), e.target,
                      e.detail)
            for c, v in enumerate(values):
                self.table.setItem(r, c, cell(v))

    def verify(self) -> tasks.Task:
        session = self.ctx.session

        def work(_p: tasks.Progress) -> VaultCheck:
            return verify_vault(session)

        self.verify_button.setEnabled(False)
        return tasks.run_task(self, work, self._verified, self._verify_failed, label="正在校验……")

    def _verify_failed(self, exc: BaseException) -> None:
        from ui.shell.errors import show_error

        self.verify_button.setEnabled(True)
        show_error(self, exc)

    def _verified(self, result: VaultCheck) -> None:
        self.verify_button.setEnabled(True)
        self.last_result = result
        if result.ok:
            text = f"校验通过：审计日志 {result.entries} 条，哈希链完整；数据库完整性检查通过。"
            set_tone(self.result_label, "ok")
        else:
            parts = []
            if result.broken_at is not None:
                parts.append(f"审计日志在第 {result.broken_at} 条处被改动，哈希链断开")
            if result.problems:
                parts.append(f"数据库完整性检查发现问题：{result.problems[0]}")
            if result.cut:
                parts.append(result.cut)
            text = "校验未通过：" + "；".join(parts) + "。请立即备份现有数据并联系技术支持。"
            set_tone(self.result_label, "error")
        self.result_label.setText(text)
        if not result.ok:
            dialogs.warn(self, "校验未通过", text)
