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
from app.drafts.workbench import SOURCE_PREFIX as DRAFT_PREFIX
from app.policy import can_read_confidential
from app.session import Session
from app.workbench import WorkItem, group_items, work_items
from ui.shell import forms
from ui.shell.context import AppContext, Change
from ui.shell.tasks import run_task, wait_idle
from ui.shell.theme import set_role, set_tone

OVERDUE = QColor("#c62828")
URGENT_BG = QColor("#fdecea")
STUDENT_ROLE = Qt.ItemDataRole.UserRole
SOURCE_ROLE = Qt.ItemDataRole.UserRole + 1
STATUS_LABELS = {"same_day": "当天复核", "crisis": "紧急", "urgent": "紧急", "overdue": "逾期", "normal": ""}
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
        set_role(self.title, "title")
        self.summary = QLabel()
        self.refresh_btn = QPushButton("刷新")
        self.refresh_btn.clicked.connect(self.reload)
        # A same-day item: open a crisis case from it (the student filled in, the case linked back), or record the
        # day's review. Shown for counselors; enabled when such an item is selected.
        self.case_btn = QPushButton("开危机个案…")
        self.case_btn.clicked.connect(self.open_case_from_selected)
        self.review_btn = QPushButton("已当天复核…")
        self.review_btn.clicked.connect(self.review_selected)
        self.held_btn = QPushButton("处理暂存结果…")
        self.held_btn.clicked.connect(self.open_held)
        for b in (self.case_btn, self.review_btn, self.held_btn):
            b.setEnabled(False)
            b.setVisible(False)
        head.addWidget(self.title)
        head.addSpacing(16)
        head.addWidget(self.summary)
        head.addStretch(1)
        head.addWidget(self.case_btn)
        head.addWidget(self.review_btn)
        head.addWidget(self.held_btn)
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
        self.tree.currentItemChanged.connect(lambda *_a: self._update_actions())
        lay.addWidget(self.tree, 1)
        self.empty = QLabel("今天没有待办事项。")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        set_tone(self.empty, "muted")
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
        forms.notices().changed.connect(self._drafts_changed)
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

    def _drafts_changed(self) -> None:
        """A form's draft appeared or went: 未完成的记录 is read again when the page is next shown."""
        if self.isVisible() and not self.ctx.session.locked:
            self.reload()
        else:
            self.dirty = True

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
        self._update_actions()
        self.loaded.emit()

    @staticmethod
    def _row(it: WorkItem, bold: QFont) -> QTreeWidgetItem:
        status = STATUS_LABELS[it.urgency]
        row = QTreeWidgetItem([it.title, it.due, status])
        row.setData(0, STUDENT_ROLE, it.student_id)
        row.setData(0, SOURCE_ROLE, it.source)
        if it.student_id is not None:
            row.setToolTip(0, "双击打开学生档案")
        if it.source.startswith(DRAFT_PREFIX):
            row.setToolTip(0, "双击打开这张表单，继续填写")
        # Red: late, or urgent by nature (a same-day alert, a level-1 alert). A crisis step due later today is
        # urgent (bold, at the top) but not yet late, so not red.
        if it.overdue or (it.urgent and it.urgency != "crisis"):
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

    # -- same-day items --------------------------------------------------------------------------------------------
    def selected_alert(self) -> int | None:
        """The same-day alert of the selected row, if it is one."""
        item = self.tree.currentItem()
        source = item.data(0, SOURCE_ROLE) if item is not None else None
        if isinstance(source, str) and source.startswith("safety_alerts:"):
            return int(source.split(":", 1)[1])
        return None

    def select_source(self, source: str) -> bool:
        for g in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(g)
            for c in range(group.childCount()):
                if group.child(c).data(0, SOURCE_ROLE) == source:
                    self.tree.setCurrentItem(group.child(c))
                    return True
        return False

    def _update_actions(self) -> None:
        on = self.selected_alert() is not None
        self.case_btn.setEnabled(on)
        self.review_btn.setEnabled(on)
        item = self.tree.currentItem()
        source = item.data(0, SOURCE_ROLE) if item is not None else None
        self.held_btn.setEnabled(isinstance(source, str) and source.startswith("screening_held:"))
        # Shown only when they apply: the header stays narrow enough for a 1024-pixel screen.
        counselor = can_read_confidential(self.ctx.session.account)
        for b in (self.case_btn, self.review_btn, self.held_btn):
            b.setVisible(counselor and b.isEnabled())

    def open_held(self) -> None:
        """Results held for want of consent: the 测评 page decides them."""
        self.ctx.open_held_results.emit()

    def open_case_from_selected(self) -> int | None:
        """"开危机个案" with the student filled in (the 危机干预 page opens it); returns the alert's id."""
        alert_id = self.selected_alert()
        if alert_id is not None:
            self.ctx.open_case_from_alert.emit(alert_id)
        return alert_id

    def review_selected(self) -> None:
        alert_id = self.selected_alert()
        if alert_id is None:
            return
        from app.errors import XinqiaoError
        from app.safety.alerts import review_same_day
        from ui.shell import dialogs

        outcome = dialogs.get_text(self, "当天复核", "复核结果（例如：已面谈，暂无危机，转入常规跟进）：")
        if outcome is None:
            return
        try:
            review_same_day(self.ctx.session, alert_id, outcome)
        except XinqiaoError as e:
            dialogs.warn(self, "无法保存", e.message)
            return
        self.ctx.data_changed.emit(Change.CRISIS)

    def _activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        sid = item.data(0, STUDENT_ROLE)
        source = item.data(0, SOURCE_ROLE)
        if isinstance(source, str) and source.startswith(DRAFT_PREFIX):   # 未完成的记录: its form, text back
            self.ctx.open_draft.emit(source[len(DRAFT_PREFIX):], None if sid is None else int(sid))
            return
        if sid is not None:
            self.ctx.open_student.emit(int(sid))
            return
        source = item.data(0, SOURCE_ROLE)
        if isinstance(source, str) and source.startswith(("loop_items:", "loop_months:")):
            self.ctx.show_page.emit("loop")   # the month's closed-loop checklist
