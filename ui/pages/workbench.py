"""工作台: today's work from every capability — urgent first, overdue in red, grouped by kind."""
from __future__ import annotations

from PySide6.QtCore import Qt
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
from app.workbench import WorkItem, work_items
from ui.context import AppContext

PAGE_ID = "workbench"
TITLE = "工作台"
ORDER = 10

OVERDUE = QColor("#c62828")
URGENT_BG = QColor("#fdecea")
STUDENT_ROLE = Qt.ItemDataRole.UserRole
WEEKDAYS = "一二三四五六日"


def group_items(items: list[WorkItem]) -> list[tuple[str, list[WorkItem]]]:
    """Groups by kind label, in the order of their most pressing item (``work_items`` sorts urgent first)."""
    groups: dict[str, list[WorkItem]] = {}
    for item in items:
        groups.setdefault(item.kind_label, []).append(item)
    return list(groups.items())


class WorkbenchPage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        lay = QVBoxLayout(self)
        head = QHBoxLayout()
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 15pt; font-weight: bold;")
        self.summary = QLabel()
        refresh = QPushButton("刷新")
        refresh.clicked.connect(self.refresh)
        head.addWidget(self.title)
        head.addSpacing(16)
        head.addWidget(self.summary)
        head.addStretch(1)
        head.addWidget(refresh)
        lay.addLayout(head)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["事项", "期限", "状态"])
        self.tree.setRootIsDecorated(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        self.tree.itemActivated.connect(self._activated)
        lay.addWidget(self.tree, 1)
        self.empty = QLabel("今天没有待办事项。")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet("color: #666; font-size: 12pt;")
        lay.addWidget(self.empty)
        self.items: list[WorkItem] = []
        self.dirty = True
        ctx.data_changed.connect(self._data_changed)
        ctx.unlocked.connect(self._data_changed)
        self.refresh()

    def _data_changed(self, what: str = "") -> None:
        if what in ("backups", "settings"):
            return
        if self.isVisible():
            self.refresh()
        else:
            self.dirty = True  # refreshed when shown again

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if self.dirty:
            self.refresh()

    def refresh(self) -> None:
        if self.ctx.session.locked:
            return
        self.dirty = False
        today = clock.today()
        self.title.setText(f"今天 {today.year}年{today.month}月{today.day}日 星期{WEEKDAYS[today.weekday()]}")
        self.items = work_items(self.ctx.session, today)
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
        for label, items in group_items(self.items):
            group = QTreeWidgetItem([f"{label}（{len(items)}）", "", ""])
            group.setFont(0, bold)
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.tree.addTopLevelItem(group)
            for it in items:
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
                group.addChild(row)
            group.setExpanded(True)
        self.tree.setVisible(bool(self.items))
        self.empty.setVisible(not self.items)

    def _activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        sid = item.data(0, STUDENT_ROLE)
        if sid is not None:
            self.ctx.open_student.emit(int(sid))


def create(ctx: AppContext) -> QWidget:
    return WorkbenchPage(ctx)
