"""工作台: today's work from every capability — urgent first, overdue in red, grouped by kind.

The items are gathered on a worker thread (every capability's provider queries the vault: at a school of 20,000
with a season's screening follow-ups that is thousands of items and tens of milliseconds); only the newest load's
answer is shown, and the tree is filled in slices so that no single step holds the UI thread."""
from __future__ import annotations

import datetime as dt
import time

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import clock
from app.session import Session
from app.workbench import WorkItem, group_items, work_items
from ui.shell.context import AppContext, Change
from ui.shell.tasks import run_task, wait_idle

OVERDUE = QColor("#c62828")
URGENT_BG = QColor("#fdecea")
STUDENT_ROLE = Qt.ItemDataRole.UserRole
WEEKDAYS = "一二三四五六日"
CHUNK = 400  # tree rows built per UI-thread slice (~10 ms)

Groups = list[tuple[str, list[WorkItem]]]


def load(session: Session, today: dt.date) -> tuple[list[WorkItem], Groups]:
    """The worker's part: every provider's items, sorted and grouped."""
    items = work_items(session, today)
    return items, group_items(items)


class WorkbenchPage(QWidget):
    loaded = Signal()

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        lay = QVBoxLayout(self)
        head = QHBoxLayout()
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 15pt; font-weight: bold;")
        self.summary = QLabel()
        self.refresh_btn = QPushButton("刷新")
        self.refresh_btn.clicked.connect(self.reload)
        head.addWidget(self.title)
        head.addSpacing(16)
        head.addWidget(self.summary)
        head.addStretch(1)
        head.addWidget(self.refresh_btn)
        lay.addLayout(head)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["事项", "期限", "状态"])
        self.tree.setRootIsDecorated(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        header = self.tree.header()
        # Fixed widths: ResizeToContents would measure every one of thousands of rows on each layout.
        fm = self.tree.fontMetrics()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(1, fm.horizontalAdvance("2026-10-20") + 32)
        header.resizeSection(2, fm.horizontalAdvance("紧急紧急") + 24)
        header.setStretchLastSection(False)
        self.tree.itemActivated.connect(self._activated)
        lay.addWidget(self.tree, 1)
        self.empty = QLabel("今天没有待办事项。")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet("color: #666; font-size: 12pt;")
        self.empty.hide()
        lay.addWidget(self.empty)
        self.items: list[WorkItem] = []
        self.loading = False
        self._generation = 0
        self._pending: list[tuple[QTreeWidgetItem, list[WorkItem]]] = []
        self._filling = 0           # the generation whose rows are being added
        self._fill_scheduled = False
        self.dirty = False
        ctx.data_changed.connect(self._data_changed)
        ctx.unlocked.connect(self._data_changed)
        # The first load starts once the window is built (a worker's query holds the database meanwhile).
        self.loading = True
        QTimer.singleShot(0, self.reload)

    def _data_changed(self, change: Change | None = None) -> None:
        if change in (Change.BACKUPS, Change.SETTINGS):
            return
        if self.isVisible():
            self.reload()
        else:
            self.dirty = True  # reloaded when shown again

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if self.dirty:
            self.reload()

    def reload(self) -> None:
        """Gather the items on a worker; the newest request's answer fills the tree."""
        if self.ctx.session.locked:
            self.loading = False
            self.dirty = True
            return
        self.dirty = False
        today = clock.today()
        self.title.setText(f"今天 {today.year}年{today.month}月{today.day}日 星期{WEEKDAYS[today.weekday()]}")
        self._generation += 1
        self._pending = []
        generation, session = self._generation, self.ctx.session
        self.loading = True
        self.summary.setText("正在载入……")
        self.task = run_task(self, lambda _p: load(session, today), lambda r: self._loaded(generation, r),
                             lambda e: self._failed(generation, e), show_progress=False)

    def refresh(self) -> None:
        """Load and wait for the tree (callers that read it at once); the page itself uses ``reload``."""
        self.reload()
        self.wait_loaded()

    def wait_loaded(self, timeout: float = 10.0) -> bool:
        """Deliver the pending load and fill the tree; True once done."""
        end = time.monotonic() + timeout
        QCoreApplication.processEvents()
        while self.loading and time.monotonic() < end:
            wait_idle(max(0.0, end - time.monotonic()))
            QCoreApplication.processEvents()
        return not self.loading

    def _loaded(self, generation: int, result: tuple[list[WorkItem], Groups]) -> None:
        if generation != self._generation:
            return  # a newer load is on its way
        if self.ctx.session.locked:
            self.loading = False
            self.dirty = True
            return
        self.items, groups = result
        overdue = sum(1 for i in self.items if i.overdue)
        urgent = sum(1 for i in self.items if i.urgent)
        parts = [f"共 {len(self.items)} 项"]
        if urgent:
            parts.append(f"紧急 {urgent} 项")
        if overdue:
            parts.append(f"逾期 {overdue} 项")
        self.summary.setText("，".join(parts))
        self.tree.clear()
        bold = QFont(self.font())
        bold.setBold(True)
        for label, items in groups:
            group = QTreeWidgetItem([f"{label}（{len(items)}）", "", ""])
            group.setFont(0, bold)
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.tree.addTopLevelItem(group)
            group.setExpanded(True)
            self._pending.append((group, items))
        self.tree.setVisible(bool(self.items))
        self.empty.setVisible(not self.items)
        if not self.items:
            first_day = not self.ctx.index.entries  # no roster yet: say where to start
            self.empty.setText("今天没有待办事项。\n\n还没有学生：请先在“学生档案”页点“导入花名册…”，导入本校学生名单。"
                               if first_day else "今天没有待办事项。")
        self._filling = generation
        self._fill_slice()

    def _fill_next(self) -> None:
        self._fill_scheduled = False
        self._fill_slice()

    def _fill_slice(self) -> None:
        """Add up to ``CHUNK`` rows, then yield to the event loop for the rest."""
        if self._filling != self._generation:
            return
        bold = QFont(self.font())
        bold.setBold(True)
        budget = CHUNK
        while self._pending and budget > 0:
            group, items = self._pending[0]
            start = group.childCount()
            part = items[start:start + budget]
            group.addChildren([self._row(it, bold) for it in part])
            budget -= len(part)
            if group.childCount() >= len(items):
                self._pending.pop(0)
        if self._pending:
            if not self._fill_scheduled:
                self._fill_scheduled = True
                QTimer.singleShot(0, self._fill_next)
            return
        self.loading = False
        self.loaded.emit()

    @staticmethod
    def _row(it: WorkItem, bold: QFont) -> QTreeWidgetItem:
        status = "紧急" if it.urgent else ("逾期" if it.overdue else "")
        row = QTreeWidgetItem([it.title, it.due, status])
        row.setData(0, STUDENT_ROLE, it.student_id)
        if it.student_id is not None:
            row.setToolTip(0, "双击打开学生档案")
        if it.overdue or it.urgent:
            for col in range(3):
                row.setForeground(col, QBrush(OVERDUE))
        if it.urgent:
            for col in range(3):
                row.setBackground(col, QBrush(URGENT_BG))
                row.setFont(col, bold)
        return row

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self.loading = False
        if self.ctx.session.locked:
            self.dirty = True
            return
        self.summary.setText("工作台载入失败")
        from ui.shell.errors import show_error

        show_error(self, exc)

    def _activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        sid = item.data(0, STUDENT_ROLE)
        if sid is not None:
            self.ctx.open_student.emit(int(sid))
