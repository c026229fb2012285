"""工作台 as the day's plan: a "今天必须完成" band on top (crisis steps due today or overdue, then same-day safety
items), counts and a small chart of the week, then the rest grouped by kind in order of urgency — a long group split
by class, every group collapsible and counted. An item opens what completes it: a crisis step opens its case at that
step, with the step's dialog.

The items are gathered on a worker thread (every capability's provider queries the vault: at a school of 20,000
with a season's screening follow-ups that is thousands of items and tens of milliseconds); only the newest load's
answer is shown, and the tree is filled in slices so that no single step holds the UI thread."""
from __future__ import annotations

import datetime as dt
import time

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPaintEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import clock
from app.drafts.workbench import SOURCE_PREFIX as DRAFT_PREFIX
from app.policy import can_read_confidential
from app.session import Session
from app.workbench import (
    CLASS_GROUPING,
    MUST_TODAY,
    DayCount,
    WorkItem,
    by_class,
    group_items,
    split_today,
    student_classes,
    week_counts,
    work_items,
)
from ui.shell import forms
from ui.shell.context import AppContext, Change
from ui.shell.reason_dialog import ReasonDialog
from ui.shell.tasks import run_task, wait_idle
from ui.shell.theme import set_role, set_tone

OVERDUE = QColor("#c62828")
URGENT_BG = QColor("#fdecea")
STUDENT_ROLE = Qt.ItemDataRole.UserRole
SOURCE_ROLE = Qt.ItemDataRole.UserRole + 1
TARGET_ROLE = Qt.ItemDataRole.UserRole + 2
STATUS_LABELS = {"same_day": "当天复核", "crisis": "紧急", "urgent": "紧急", "overdue": "逾期", "normal": ""}
WEEKDAYS = "一二三四五六日"
CHUNK = 400  # tree rows built per UI-thread slice (~10 ms)

Groups = list[tuple[str, list[WorkItem]]]
Classes = dict[int, tuple[str, str]]
Loaded = tuple[list[WorkItem], Groups, list[WorkItem], Classes]


def load(session: Session, today: dt.date) -> Loaded:
    """The worker's part: every provider's items, sorted; the band; the rest grouped; the students' classes."""
    items = work_items(session, today)
    band, rest = split_today(items)
    groups = group_items(rest)
    long = [i.student_id for _label, part in groups if len(part) > CLASS_GROUPING for i in part
            if i.student_id is not None]
    return items, groups, band, student_classes(session, long) if long else {}


class WeekChart(QWidget):
    """Seven small bars: items due each day from today (late items on today's bar, in red)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.counts: list[DayCount] = []
        fm = self.fontMetrics()
        self.setFixedSize(7 * (fm.horizontalAdvance("今天") + 10) + 8, fm.height() * 2 + 44)
        self.setToolTip("未来七天每天到期的事项数（红色：已逾期）")

    def set_counts(self, counts: list[DayCount]) -> None:
        self.counts = counts
        self.setAccessibleDescription("；".join(f"{self.day_label(i)} {c.due + c.overdue} 项"
                                                for i, c in enumerate(counts)))
        self.update()

    def day_label(self, n: int) -> str:
        return "今天" if n == 0 else WEEKDAYS[self.counts[n].day.weekday()]

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        if not self.counts:
            return
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = self.fontMetrics()
        slot = (self.width() - 8) / 7
        top, base = fm.height() + 2, self.height() - fm.height() - 4
        peak = max(1, max(c.due + c.overdue for c in self.counts))
        bar = self.palette().highlight().color()
        text = self.palette().windowText().color()
        for n, c in enumerate(self.counts):
            x = 4 + n * slot
            w = slot * 0.6
            left = x + (slot - w) / 2
            total = c.due + c.overdue
            h_all = (base - top) * total / peak
            h_late = (base - top) * c.overdue / peak
            if c.due:
                p.fillRect(int(left), int(base - h_all), int(w), int(h_all - h_late), bar)
            if c.overdue:
                p.fillRect(int(left), int(base - h_late), int(w), int(h_late), OVERDUE)
            p.setPen(text)
            label = self.day_label(n)
            p.drawText(int(x + (slot - fm.horizontalAdvance(label)) / 2), self.height() - 4, label)
            if total:
                num = str(total)
                p.drawText(int(x + (slot - fm.horizontalAdvance(num)) / 2), int(base - h_all - 2), num)
        p.end()


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
        # the day's counts wrap rather than widen the page past a 1024-pixel screen when the item buttons show
        self.summary.setWordWrap(True)
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.summary.setMinimumWidth(160)
        self.refresh_btn = QPushButton("刷新")
        self.refresh_btn.clicked.connect(self.reload)
        # The page's primary action: open what completes the selected item, or the top one when none is selected
        # (the band's first: a crisis step due today comes before everything else).
        self.do_btn = QPushButton("开始办理")
        self.do_btn.setToolTip("打开完成所选事项的窗口；未选择时办理最上面的一项（“今天必须完成”排在最前）。")
        self.do_btn.clicked.connect(self.do_next)
        self.do_btn.setEnabled(False)
        self.primary_button, self.primary_icon = self.do_btn, "player-play"   # the page header
        self.header_buttons = [self.refresh_btn]
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
        lay.addLayout(head)

        # Counts and the week's chart.
        stats = QHBoxLayout()
        self.counts = QLabel()
        self.counts.setWordWrap(True)
        self.chart = WeekChart()
        stats.addWidget(self.counts, 1)
        stats.addWidget(self.chart)
        lay.addLayout(stats)

        # 今天必须完成: always on top, never scrolled away under a long list.
        self.band_frame = QFrame()
        self.band_frame.setObjectName("mustToday")
        set_tone(self.band_frame, "urgent")
        self.band_frame.setFrameShape(QFrame.Shape.StyledPanel)
        band_lay = QVBoxLayout(self.band_frame)
        band_lay.setContentsMargins(8, 6, 8, 6)
        self.band_title = QLabel(MUST_TODAY)
        set_tone(self.band_title, "urgent")
        title_font = QFont(self.font())
        title_font.setBold(True)
        self.band_title.setFont(title_font)
        self.band_empty = QLabel("今天没有到期的危机步骤和当天复核事项。")
        self.band = QTreeWidget()
        self.band.setHeaderLabels(["事项", "期限", "状态", "类别"])
        self.band.setRootIsDecorated(False)
        self.band.setUniformRowHeights(True)
        self.band.setHeaderHidden(True)
        self.band.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.band.itemActivated.connect(self._activated)
        self.band.currentItemChanged.connect(self._band_current)
        band_lay.addWidget(self.band_title)
        band_lay.addWidget(self.band_empty)
        band_lay.addWidget(self.band)
        lay.addWidget(self.band_frame)

        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["事项", "期限", "状态", "类别"])
        self.tree.setRootIsDecorated(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        header = self.tree.header()
        # Fixed widths: ResizeToContents would measure every one of thousands of rows on each layout.
        fm = self.tree.fontMetrics()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(1, fm.horizontalAdvance("2026-10-20") + 32)
        header.resizeSection(2, fm.horizontalAdvance("紧急紧急") + 24)
        header.resizeSection(3, fm.horizontalAdvance("一生一策待制定") + 24)
        header.setStretchLastSection(False)
        for tree in (self.band,):
            h = tree.header()
            h.setStretchLastSection(False)
            h.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
            for col in (1, 2, 3):
                h.setSectionResizeMode(col, QHeaderView.ResizeMode.Fixed)
                h.resizeSection(col, header.sectionSize(col))
        self.tree.itemActivated.connect(self._activated)
        self.tree.currentItemChanged.connect(self._tree_current)
        lay.addWidget(self.tree, 1)
        self.empty = QLabel("今天没有待办事项。")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        set_tone(self.empty, "muted")
        self.empty.hide()
        lay.addWidget(self.empty)
        self.items: list[WorkItem] = []
        self.band_items: list[WorkItem] = []
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

    def _loaded(self, generation: int, result: Loaded) -> None:
        if generation != self._generation:
            return  # a newer load is on its way
        if self.ctx.session.locked:
            self.loading = False
            self.dirty = True
            return
        self.items, groups, band, classes = result
        overdue = sum(1 for i in self.items if i.overdue)
        urgent = sum(1 for i in self.items if i.urgent)
        parts = [f"共 {len(self.items)} 项"]
        if urgent:
            parts.append(f"紧急 {urgent} 项")
        if overdue:
            parts.append(f"逾期 {overdue} 项")
        self.summary.setText("，".join(parts))
        today = clock.today()
        week = week_counts(self.items, today)
        this_week = sum(c.due for c in week)
        self.counts.setText(f"今天必须完成 {len(band)} 项 · 已逾期 {overdue} 项 · 未来七天到期 {this_week} 项")
        self.chart.set_counts(week)
        bold = QFont(self.font())
        bold.setBold(True)
        self.band_items = band
        self.band.clear()
        self.band.addTopLevelItems([self._row(it, bold) for it in band])
        self.band_title.setText(f"{MUST_TODAY}（{len(band)}）")
        self.band.setVisible(bool(band))
        self.band_empty.setVisible(not band)
        rows = max(1, min(len(band), 6))
        self.band.setFixedHeight(rows * (self.band.fontMetrics().height() + 10) + 6)
        self.tree.clear()
        for label, items in groups:
            group = QTreeWidgetItem([f"{label}（{len(items)}）", "", "", ""])
            group.setFont(0, bold)
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.tree.addTopLevelItem(group)
            group.setExpanded(True)
            if len(items) > CLASS_GROUPING and classes:
                for n, (cls, part) in enumerate(by_class(items, classes)):
                    sub = QTreeWidgetItem([f"{cls} · {len(part)} 项", "", "", ""])
                    sub.setFlags(Qt.ItemFlag.ItemIsEnabled)
                    group.addChild(sub)
                    sub.setExpanded(n == 0)   # the most pressing class open, the others counted and folded
                    self._pending.append((sub, part))
            else:
                self._pending.append((group, items))
        rest = bool(groups)
        self.tree.setVisible(rest)
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
        row = QTreeWidgetItem([it.title, it.due, status, it.kind_label])
        row.setData(0, STUDENT_ROLE, it.student_id)
        row.setData(0, SOURCE_ROLE, it.source)
        row.setData(0, TARGET_ROLE, it.target)
        if it.target.startswith("crisis_steps:"):
            row.setToolTip(0, "双击打开危机个案，完成这一步")
        elif it.source.startswith("safety_alerts:"):
            row.setToolTip(0, "双击开危机个案（或点“已当天复核…”记录当天复核）")
        elif it.target.startswith("form:interview:"):
            row.setToolTip(0, "双击填写复核访谈")
        elif it.target.startswith("form:plan:"):
            row.setToolTip(0, "双击打开一生一策方案")
        elif it.student_id is not None:
            row.setToolTip(0, "双击打开学生档案")
        if it.source.startswith(DRAFT_PREFIX):
            row.setToolTip(0, "双击打开这张表单，继续填写")
        # Red: late, or urgent by nature (a same-day alert, a level-1 alert). A crisis step due later today is
        # urgent (bold, at the top) but not yet late, so not red.
        if it.overdue or (it.urgent and it.urgency != "crisis"):
            for col in range(4):
                row.setForeground(col, QBrush(OVERDUE))
        if it.urgent:
            for col in range(4):
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
    def current_row(self) -> QTreeWidgetItem | None:
        """The selected row, in the band or in the list below."""
        band = self.band.currentItem()
        return band if band is not None else self.tree.currentItem()

    def _band_current(self, current: QTreeWidgetItem | None, _previous: object = None) -> None:
        if current is not None:
            self.tree.setCurrentItem(None)  # type: ignore[arg-type]
        self._update_actions()

    def _tree_current(self, current: QTreeWidgetItem | None, _previous: object = None) -> None:
        if current is not None:
            self.band.setCurrentItem(None)  # type: ignore[arg-type]
        self._update_actions()

    def band_rows(self) -> list[str]:
        """The band's items as shown, top to bottom."""
        return [self.band.topLevelItem(i).text(0) for i in range(self.band.topLevelItemCount())]

    def selected_alert(self) -> int | None:
        """The same-day alert of the selected row, if it is one."""
        item = self.current_row()
        source = item.data(0, SOURCE_ROLE) if item is not None else None
        if isinstance(source, str) and source.startswith("safety_alerts:"):
            return int(source.split(":", 1)[1])
        return None

    def find_row(self, source: str) -> QTreeWidgetItem | None:
        """The row of ``source`` (or of a target such as ``crisis_steps:12``), band first."""
        def match(row: QTreeWidgetItem) -> bool:
            return bool(source) and source in (row.data(0, SOURCE_ROLE), row.data(0, TARGET_ROLE))

        for i in range(self.band.topLevelItemCount()):
            if match(self.band.topLevelItem(i)):
                return self.band.topLevelItem(i)
        stack = [self.tree.topLevelItem(g) for g in range(self.tree.topLevelItemCount())]
        while stack:
            node = stack.pop(0)
            for c in range(node.childCount()):
                child = node.child(c)
                if child.childCount():
                    stack.append(child)
                elif match(child):
                    return child
        return None

    def select_source(self, source: str) -> bool:
        row = self.find_row(source)
        if row is None:
            return False
        row.treeWidget().setCurrentItem(row)
        return True

    def _update_actions(self) -> None:
        on = self.selected_alert() is not None
        self.case_btn.setEnabled(on)
        self.review_btn.setEnabled(on)
        item = self.current_row()
        source = item.data(0, SOURCE_ROLE) if item is not None else None
        self.held_btn.setEnabled(isinstance(source, str) and source.startswith("screening_held:"))
        # Shown only when they apply: the header stays narrow enough for a 1024-pixel screen.
        counselor = can_read_confidential(self.ctx.session.account)
        for b in (self.case_btn, self.review_btn, self.held_btn):
            b.setVisible(counselor and b.isEnabled())
        self.do_btn.setEnabled(self.next_row() is not None)

    def next_row(self) -> QTreeWidgetItem | None:
        """The row 开始办理 works on: the selected one, else the band's first, else the list's first item."""
        row = self.current_row()
        if row is not None and row.data(0, SOURCE_ROLE) is not None:
            return row
        if self.band.topLevelItemCount():
            return self.band.topLevelItem(0)
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            stack = [group.child(c) for c in range(group.childCount())]
            while stack:
                node = stack.pop(0)
                if node.data(0, SOURCE_ROLE) is not None:
                    return node
                stack[:0] = [node.child(c) for c in range(node.childCount())]
        return None

    def do_next(self) -> None:
        """开始办理: the dialog that completes the selected (or top) item, as a double-click would open it."""
        row = self.next_row()
        if row is not None:
            self._activated(row)

    def open_held(self) -> None:
        """Results held for want of consent: the 测评 page decides them."""
        self.ctx.open_held_results.emit()

    def open_case_from_selected(self) -> int | None:
        """"开危机个案" with the student filled in (the 危机干预 page opens it); returns the alert's id."""
        alert_id = self.selected_alert()
        if alert_id is not None:
            self.ctx.open_case_from_alert.emit(alert_id)
        return alert_id

    def review_selected(self) -> ReasonDialog | None:
        """已当天复核: the outcome in a form that survives a lock (``safety:review:<alert>``), kept as a draft in
        the confidential tier, as the outcome is stored."""
        alert_id = self.selected_alert()
        if alert_id is None:
            return None
        return self.ask_review(alert_id)

    def ask_review(self, alert_id: int) -> ReasonDialog:
        from app.safety.alerts import review_same_day

        session = self.ctx.session
        dlg = ReasonDialog(session, f"safety:review:{alert_id}", "当天复核",
                           "复核结果（例如：已面谈，暂无危机，转入常规跟进）：",
                           lambda outcome: review_same_day(session, alert_id, outcome), label="当天复核结果",
                           ok="保存", parent=self)
        dlg.written.connect(lambda _r: self.ctx.data_changed.emit(Change.CRISIS))
        self.review_dialog = dlg
        dlg.open()          # window-modal, without a blocking loop: a lock hides it and gives it back
        return dlg

    def open_draft(self, form_key: str, _student_id: int | None = None) -> None:
        """未完成的记录: ``safety:review:<alert>`` reopens the same-day review with its text."""
        ref = form_key.split(":")
        if len(ref) == 3 and ref[1] == "review" and ref[2].isdigit():
            self.ask_review(int(ref[2]))

    def _activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        sid = item.data(0, STUDENT_ROLE)
        source = item.data(0, SOURCE_ROLE)
        target = item.data(0, TARGET_ROLE)
        if isinstance(source, str) and source.startswith(DRAFT_PREFIX):   # 未完成的记录: its form, text back
            self.ctx.open_draft.emit(source[len(DRAFT_PREFIX):], None if sid is None else int(sid))
            return
        if (isinstance(target, str) and target.startswith("crisis_steps:") and isinstance(source, str)
                and source.startswith("crisis_cases:")):   # the case, at that step, with the step's dialog
            self.ctx.open_crisis_step.emit(int(source.split(":", 1)[1]), int(target.split(":", 1)[1]))
            return
        if isinstance(target, str) and target.startswith("form:"):   # the form that completes it (复核访谈, 一生一策)
            self.ctx.open_draft.emit(target[len("form:"):], None if sid is None else int(sid))
            return
        if isinstance(source, str) and source.startswith("safety_alerts:") and \
                can_read_confidential(self.ctx.session.account):
            self.ctx.open_case_from_alert.emit(int(source.split(":", 1)[1]))
            return
        if sid is not None:
            self.ctx.open_student.emit(int(sid))
            return
        source = item.data(0, SOURCE_ROLE)
        if isinstance(source, str) and source.startswith(("loop_items:", "loop_months:")):
            self.ctx.show_page.emit("loop")   # the month's closed-loop checklist
