"""心育闭环 page: the month's checklist by ledger (status, value, evidence; ticks, notes, attachments, carry-over,
closing, amendments, sign-off, the meeting, the summary PDF) and the indicators of a period."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import clock
from app.errors import XinqiaoError
from app.indicators.compute import compute
from app.indicators.model import Figure
from app.indicators.periods import PERIOD_HELP, parse_period
from app.loop.attachments import add_attachment
from app.loop.meetings import KeyWork, add_key_work, key_work, meetings, set_key_work_done
from app.loop.months import (
    STATUS_LABELS,
    LoopItem,
    MonthSheet,
    amend_item,
    carry_item,
    close_month,
    month_sheet,
    next_month,
    parse_month,
    previous_month,
    set_item,
    sign_off,
    uncarry_item,
)
from app.loop.summary import write_summary
from ui.loop.item_dialogs import AmendItemDialog, CarryDialog, KeyWorkDialog, NoteDialog, item_key, showing
from ui.loop.meeting_dialog import MeetingDialog
from ui.shell import dialogs
from ui.shell.context import AppContext
from ui.shell.tasks import run_task

RED = QBrush(QColor("#c62828"))
AMBER = QBrush(QColor("#b26a00"))
GREEN = QBrush(QColor("#2e7d32"))
STATUS_BRUSH = {"done": GREEN, "open": RED, "carried": AMBER}


class LoopPage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.sheet: MonthSheet | None = None
        self.figures: list[Figure] = []
        self.works: list[KeyWork] = []
        self.item_dialog: NoteDialog | CarryDialog | AmendItemDialog | None = None
        self.key_work_dialog: KeyWorkDialog | None = None
        tabs = QTabWidget()
        tabs.addTab(self._month_tab(), "月度清单")
        tabs.addTab(self._indicators_tab(), "指标")
        tabs.addTab(self._group_tab(), "会议与重点工作")
        self.tabs = tabs
        lay = QVBoxLayout(self)
        lay.addWidget(tabs)
        # The page header (ui/shell/header.py): the month's next step as the primary button, the month's other
        # actions in 更多; the selected item's actions stay under the list.
        self.step_btn = QPushButton("下一项未完成")
        self.step_btn.setObjectName("next_step")
        self.step_btn.clicked.connect(self.next_step)
        self.primary_button, self.primary_icon = self.step_btn, "arrow-right"
        self.more_buttons = [self.buttons[k] for k in ("close", "sign_counselor", "sign_leader", "meeting", "pdf")]
        today = clock.today()
        self.month_edit.setText(f"{today.year:04d}-{today.month:02d}")
        self.load_month()
        ctx.data_changed.connect(lambda _c: self.load_month())

    # -- the month ------------------------------------------------------------------------------------
    def _month_tab(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        bar = QHBoxLayout()
        self.prev_btn = QPushButton("上月")
        self.month_edit = QLineEdit()
        self.month_edit.setObjectName("month")
        self.month_edit.setMaximumWidth(100)
        self.next_btn = QPushButton("下月")
        self.status_label = QLabel()
        self.prev_btn.clicked.connect(lambda: self._step(previous_month))
        self.next_btn.clicked.connect(lambda: self._step(next_month))
        self.month_edit.returnPressed.connect(self.load_month)
        for x in (QLabel("月份"), self.prev_btn, self.month_edit, self.next_btn, self.status_label):
            bar.addWidget(x)
        bar.addStretch(1)
        lay.addLayout(bar)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["项目", "状态", "数值", "依据"])
        self.tree.setColumnWidth(0, 380)
        self.tree.setColumnWidth(1, 70)
        self.tree.setColumnWidth(2, 90)
        self.tree.itemDoubleClicked.connect(lambda *_: self._open_evidence())
        lay.addWidget(self.tree, 1)
        self.buttons: dict[str, QPushButton] = {}
        # two rows: the selected item's actions, then the month's (the page fits a 1024-pixel screen)
        # the selected item's actions in a row under the list; the month's go to the header (更多, the primary)
        for actions in ((("tick", "勾选完成", self.tick), ("note", "备注…", self.note), ("attach", "附件…", self.attach),
                         ("carry", "结转…", self.carry), ("uncarry", "取消结转", self.uncarry),
                         ("amend", "修正…", self.amend)),
                        (("close", "关闭本月", self.close_month), ("sign_counselor", "心理教师签字", self.sign_counselor),
                         ("sign_leader", "组长签字", self.sign_leader), ("meeting", "记录会议…", self.meeting),
                         ("pdf", "导出小结 PDF…", self.export_pdf))):
            row = QHBoxLayout()
            for key, label, fn in actions:
                b = QPushButton(label)
                b.setObjectName(key)
                b.clicked.connect(fn)
                self.buttons[key] = b
                row.addWidget(b)
            row.addStretch(1)
            lay.addLayout(row)
        return w

    def current_month(self) -> str:
        return parse_month(self.month_edit.text())

    def _step(self, fn: Any) -> None:
        try:
            self.month_edit.setText(fn(self.current_month()))
        except XinqiaoError as e:
            dialogs.warn(self, "月份无效", str(e))
            return
        self.load_month()

    def load_month(self) -> None:
        try:
            self.sheet = month_sheet(self.ctx.session, self.current_month())
        except XinqiaoError as e:
            dialogs.warn(self, "无法打开该月清单", str(e))
            return
        self._fill()

    def _group_tab(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.addWidget(QLabel("本月领导小组会议（须涉及：学生心理健康问题、档案管理、危机干预、“1+1”）"))
        self.meeting_table = QTableWidget(0, 4)
        self.meeting_table.setHorizontalHeaderLabels(["日期", "出席", "未涉及的议题", "纪要"])
        self.meeting_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        lay.addWidget(self.meeting_table, 1)
        self.key_work_label = QLabel()
        lay.addWidget(self.key_work_label)
        self.key_work_table = QTableWidget(0, 4)
        self.key_work_table.setHorizontalHeaderLabels(["重点工作", "时间安排", "负责人", "完成"])
        self.key_work_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.key_work_table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        lay.addWidget(self.key_work_table, 1)
        row = QHBoxLayout()
        self.add_work_btn = QPushButton("添加重点工作…")
        self.add_work_btn.setObjectName("add_key_work")
        self.add_work_btn.clicked.connect(self.add_key_work)
        self.work_done_btn = QPushButton("标记完成")
        self.work_done_btn.setObjectName("key_work_done")
        self.work_done_btn.clicked.connect(self.key_work_done)
        row.addWidget(self.add_work_btn)
        row.addWidget(self.work_done_btn)
        row.addStretch(1)
        lay.addLayout(row)
        return w

    def school_year(self) -> str:
        month = self.sheet.month if self.sheet else self.current_month()
        y, m = int(month[:4]), int(month[5:7])
        start = y if m >= 9 else y - 1
        return f"{start}-{start + 1}"

    def _fill_group(self) -> None:
        session = self.ctx.session
        held = meetings(session, self.sheet.month) if self.sheet else []
        self.meeting_table.setRowCount(len(held))
        for r, m in enumerate(held):
            for c, text in enumerate([m.held_on, "、".join(m.attendees), "、".join(m.missing_topics) or "—", m.minutes]):
                cell = QTableWidgetItem(text)
                if c == 2 and m.missing_topics:
                    cell.setForeground(RED)
                self.meeting_table.setItem(r, c, cell)
        year = self.school_year()
        self.key_work_label.setText(f"{year} 学年重点工作")
        self.works = key_work(session, year)
        self.key_work_table.setRowCount(len(self.works))
        for r, k in enumerate(self.works):
            for c, text in enumerate([k.title, k.schedule, k.owner, "已完成" if k.done else ""]):
                self.key_work_table.setItem(r, c, QTableWidgetItem(text))

    def add_key_work(self, year: str | None = None) -> KeyWorkDialog:
        """The key-work form, opened without blocking (a lock hides it and gives it back with its draft)."""
        year = year or self.school_year()
        if (open_form := showing(f"loop:key-work:{year}")) is not None:
            return open_form  # type: ignore[return-value]
        session = self.ctx.session
        dlg = KeyWorkDialog(session, year, lambda title, schedule: add_key_work(session, year, title, schedule),
                            self)
        dlg.accepted.connect(self.load_month)
        self.key_work_dialog = dlg
        dlg.show()
        return dlg

    def key_work_done(self) -> None:
        row = self.key_work_table.currentRow()
        if not 0 <= row < len(self.works):
            dialogs.inform(self, "重点工作", "请先选择一项重点工作。")
            return
        work = self.works[row]
        self._do("没有更新", lambda: set_key_work_done(self.ctx.session, work.id, not work.done))

    def _fill(self) -> None:
        sheet = self.sheet
        assert sheet is not None
        self.tree.clear()
        for key, name in sheet.ledgers.items():
            items = sheet.ledger(key)
            done = sum(i.status == "done" for i in items)
            top = QTreeWidgetItem([f"台账 {key}  {name}", f"{done}/{len(items)}", "", ""])
            self.tree.addTopLevelItem(top)
            for it in items:
                missing = [e.label for e in it.evidence if e.missing]
                evidence = ("缺：" + "、".join(missing)) if missing else "、".join(e.label for e in it.evidence)
                extra = [x for x in (f"备注：{it.note}" if it.note else "",
                                     f"结转原因：{it.carry_reason}" if it.carry_reason else "",
                                     f"附件：{'、'.join(a.filename for a in it.attachments)}" if it.attachments else "")
                         if x]
                child = QTreeWidgetItem([it.title, STATUS_LABELS[it.status], it.value,
                                         "；".join([evidence, *extra] if evidence else extra)])
                child.setData(0, Qt.ItemDataRole.UserRole, it.id)
                child.setForeground(1, STATUS_BRUSH[it.status])
                child.setToolTip(0, it.counts or ("手工勾选、备注并可附上扫描件" if it.kind == "manual" else
                                                   "没有模块计算该指标（未计算）：核对后手工勾选"))
                child.setToolTip(3, evidence)
                top.addChild(child)
            top.setExpanded(True)
        state = "已关闭" if sheet.closed else "未关闭"
        signs = []
        if sheet.counselor_signed_by:
            signs.append(f"心理教师 {sheet.counselor_signed_by} 已签")
        if sheet.leader_name:
            signs.append(f"组长 {sheet.leader_name} 已签")
        self.status_label.setText(f"{sheet.month} {state}，未完成 {len(sheet.open_items())} 项" +
                                  (f"（{'；'.join(signs)}）" if signs else ""))
        for key in ("tick", "note", "carry", "uncarry", "close"):
            self.buttons[key].setEnabled(not sheet.closed)
        for key in ("amend", "sign_counselor", "sign_leader"):
            self.buttons[key].setEnabled(sheet.closed)
        key = self.next_step_key()
        left = len(sheet.open_items())
        self.step_btn.setText(f"下一项未完成（{left}）" if key == "next_open" else self.buttons[key].text())
        self.step_btn.setToolTip("选中下一项未完成的项目：完成后勾选，或结转到下月并写明原因" if key == "next_open"
                                 else "本月的下一步")
        self._fill_group()

    def next_step_key(self) -> str:
        """The month's next step: walk the open items (``next_open``) while some are left, then close, the
        counselor's and the group leader's signatures, then the summary PDF."""
        sheet = self.sheet
        if sheet is None or not sheet.closed:
            return "next_open" if sheet is None or sheet.open_items() else "close"
        if not sheet.counselor_signed_by:
            return "sign_counselor"
        if not sheet.leader_name:
            return "sign_leader"
        return "pdf"

    def next_step(self) -> None:
        """The header's primary button: the month's next step (``next_step_key``)."""
        key = self.next_step_key()
        if key == "next_open":
            self.select_next_open()
        else:
            self.buttons[key].click()

    def select_next_open(self) -> LoopItem | None:
        """Select the first open item after the selected one (from the top again at the end); the row's buttons
        then act on it."""
        if self.sheet is None:
            return None
        open_ids = {i.id for i in self.sheet.open_items()}
        rows = [self.tree.topLevelItem(t).child(c) for t in range(self.tree.topLevelItemCount())
                for c in range(self.tree.topLevelItem(t).childCount())]
        current = self.tree.currentItem()
        start = rows.index(current) + 1 if current in rows else 0
        for row in rows[start:] + rows[:start]:
            if row.data(0, Qt.ItemDataRole.UserRole) in open_ids:
                self.tabs.setCurrentIndex(0)
                self.tree.setCurrentItem(row)
                self.tree.scrollToItem(row)
                self.tree.setFocus()
                return next(i for i in self.sheet.items if i.id == row.data(0, Qt.ItemDataRole.UserRole))
        return None

    def selected_item(self) -> LoopItem | None:
        cur = self.tree.currentItem()
        item_id = cur.data(0, Qt.ItemDataRole.UserRole) if cur is not None else None
        if item_id is None or self.sheet is None:
            dialogs.inform(self, "心育闭环", "请先在清单中选择一项。")
            return None
        return next((i for i in self.sheet.items if i.id == item_id), None)

    def select(self, title_words: str) -> None:
        """Select the item whose title contains ``title_words`` (keyboard and tests)."""
        for t in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(t)
            for c in range(top.childCount()):
                if title_words in top.child(c).text(0):
                    self.tree.setCurrentItem(top.child(c))
                    return
        raise KeyError(title_words)

    def select_id(self, item_id: int) -> bool:
        for t in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(t)
            for c in range(top.childCount()):
                if top.child(c).data(0, Qt.ItemDataRole.UserRole) == item_id:
                    self.tree.setCurrentItem(top.child(c))
                    return True
        return False

    def _do(self, title: str, fn: Any) -> bool:
        try:
            fn()
        except XinqiaoError as e:
            dialogs.warn(self, title, str(e))
            return False
        self.load_month()
        return True

    def tick(self) -> None:
        it = self.selected_item()
        if it is not None:
            self._do("无法勾选", lambda: set_item(self.ctx.session, it.id, ticked=it.status != "done"))

    def _show_item_dialog(self, dlg: NoteDialog | CarryDialog | AmendItemDialog) -> Any:
        dlg.accepted.connect(self.load_month)
        self.item_dialog = dlg
        dlg.show()
        return dlg

    def note(self) -> NoteDialog | None:
        it = self.selected_item()
        if it is None or self.sheet is None:
            return None
        if (open_form := showing(item_key("note", it, self.sheet.month))) is not None:
            return open_form  # type: ignore[return-value]
        session = self.ctx.session
        return self._show_item_dialog(NoteDialog(session, it, self.sheet.month,
                                                 lambda text: set_item(session, it.id, note=text), self))

    def attach(self) -> None:
        it = self.selected_item()
        if it is None:
            return
        path = dialogs.open_file(self, "选择附件（如签到表扫描件）", "", "图片或 PDF (*.jpg *.jpeg *.png *.pdf);;所有文件 (*)")
        if path:
            self._do("附件没有保存", lambda: add_attachment(self.ctx.session, it.id, Path(path)))

    def carry(self) -> CarryDialog | None:
        it = self.selected_item()
        if it is None or self.sheet is None:
            return None
        if (open_form := showing(item_key("carry", it, self.sheet.month))) is not None:
            return open_form  # type: ignore[return-value]
        session = self.ctx.session
        return self._show_item_dialog(CarryDialog(session, it, self.sheet.month,
                                                  lambda reason: carry_item(session, it.id, reason), self))

    def uncarry(self) -> None:
        it = self.selected_item()
        if it is not None:
            self._do("没有取消结转", lambda: uncarry_item(self.ctx.session, it.id))

    def close_month(self) -> None:
        if self.sheet is None:
            return
        month = self.sheet.month
        if not dialogs.ask(self, "关闭本月", f"关闭 {month} 的心育闭环清单？关闭后只能通过“修正”更改，并保留修正记录。"):
            return
        self._do("不能关闭", lambda: close_month(self.ctx.session, month))

    def amend(self) -> AmendItemDialog | None:
        it = self.selected_item()
        if it is None or self.sheet is None:
            return None
        if (open_form := showing(item_key("amend", it, self.sheet.month))) is not None:
            return open_form  # type: ignore[return-value]
        session = self.ctx.session
        return self._show_item_dialog(AmendItemDialog(
            session, it, self.sheet.month,
            lambda status, reason: amend_item(session, it.id, reason, status=status), self))

    def sign_counselor(self) -> None:
        if self.sheet is not None:
            month = self.sheet.month
            self._do("没有签字", lambda: sign_off(self.ctx.session, month, "counselor"))

    def sign_leader(self) -> None:
        if self.sheet is not None and dialogs.ask(self, "组长签字", "组长已在打印的月度小结上签字？"):
            month = self.sheet.month
            self._do("没有记录签字", lambda: sign_off(self.ctx.session, month, "leader"))

    def meeting(self) -> MeetingDialog:
        """Opened without blocking, so a lock can hide it and give it back (ui.shell.forms)."""
        if (open_form := showing("loop:meeting:new")) is not None:
            return open_form  # type: ignore[return-value]
        self.meeting_dialog = dlg = MeetingDialog(self.ctx.session, self)
        dlg.accepted.connect(self.load_month)
        dlg.show()
        return dlg

    def open_draft(self, form_key: str, _student_id: int | None = None) -> QWidget | None:
        """未完成的记录 on the 工作台: ``loop:meeting:new``, ``loop:key-work:<year>``, or an item's form
        ``loop:note|carry|amend:<month>:<item>`` (the month is opened and the item selected); the form refills from
        its draft."""
        parts = form_key.split(":")
        if form_key.startswith("loop:meeting"):
            return self.meeting()
        if len(parts) == 3 and parts[1] == "key-work":
            self.tabs.setCurrentIndex(2)
            return self.add_key_work(parts[2])
        if len(parts) == 4 and parts[1] in ("note", "carry", "amend") and parts[3].isdigit():
            self.tabs.setCurrentIndex(0)
            self.month_edit.setText(parts[2])
            self.load_month()
            if not self.select_id(int(parts[3])):
                return None
            opener = {"note": self.note, "carry": self.carry, "amend": self.amend}[parts[1]]
            return opener()
        return None

    def export_pdf(self) -> None:
        if self.sheet is None:
            return
        month = self.sheet.month
        path = dialogs.save_file(self, "导出月度小结", f"心育闭环-{month}.pdf", "PDF (*.pdf)")
        if not path:
            return
        session = self.ctx.session
        run_task(self, lambda _p: write_summary(session, month, Path(path)),
                 lambda out: dialogs.inform(self, "导出月度小结", f"已生成：{out}"), label="正在生成月度小结…")

    def _open_evidence(self) -> None:
        cur = self.tree.currentItem()
        item_id = cur.data(0, Qt.ItemDataRole.UserRole) if cur is not None else None
        it = next((i for i in (self.sheet.items if self.sheet else ()) if i.id == item_id), None)
        students = [e.ref_id for e in (it.evidence if it else ()) if e.kind == "student" and e.ref_id]
        if students:
            self.ctx.open_student.emit(students[0])

    # -- indicators -----------------------------------------------------------------------------------
    def _indicators_tab(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        bar = QHBoxLayout()
        self.period_edit = QLineEdit()
        self.period_edit.setObjectName("period")
        self.period_edit.setToolTip(PERIOD_HELP)
        self.period_edit.setPlaceholderText("2026-11 / 2026-2027-1 / 2026秋 / 2026-2027")
        self.compute_btn = QPushButton("计算")
        self.compute_btn.clicked.connect(self.compute_indicators)
        self.period_edit.returnPressed.connect(self.compute_indicators)
        for x in (QLabel("期间"), self.period_edit, self.compute_btn):
            bar.addWidget(x)
        bar.addStretch(1)
        lay.addLayout(bar)
        split = QSplitter(Qt.Orientation.Vertical)
        self.figure_table = QTableWidget(0, 5)
        self.figure_table.setHorizontalHeaderLabels(["指标", "数值", "目标", "达标", "统计口径"])
        self.figure_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.figure_table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.figure_table.currentCellChanged.connect(lambda r, *_: self._show_evidence(r))
        self.evidence_list = QListWidget()
        self.evidence_list.itemDoubleClicked.connect(self._evidence_clicked)
        split.addWidget(self.figure_table)
        split.addWidget(self.evidence_list)
        lay.addWidget(split, 1)
        return w

    def compute_indicators(self) -> None:
        session = self.ctx.session
        text = self.period_edit.text().strip() or self.month_edit.text()
        try:
            period = parse_period(session.db, text)
        except XinqiaoError as e:
            dialogs.warn(self, "期间无效", str(e))
            return
        run_task(self, lambda _p: compute(session, period), self._show_figures, label="正在计算指标…")

    def _show_figures(self, figures: list[Figure]) -> None:
        self.figures = figures
        t = self.figure_table
        t.setRowCount(len(figures))
        for r, f in enumerate(figures):
            ok = "—" if f.ok is None else ("达标" if f.ok else "未达标")
            cells = [f.title, f"{f.value}{f.unit}", "" if f.target is None else f"{f.target}", ok, f.counts]
            for c, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if c == 3 and f.ok is False:
                    cell.setForeground(RED)
                t.setItem(r, c, cell)
        t.resizeColumnsToContents()
        self.evidence_list.clear()

    def _show_evidence(self, row: int) -> None:
        self.evidence_list.clear()
        if not 0 <= row < len(self.figures):
            return
        for e in self.figures[row].evidence:
            item = QListWidgetItem(("缺：" if e.missing else "") + e.label)
            item.setData(Qt.ItemDataRole.UserRole, (e.kind, e.ref_id))
            if e.missing:
                item.setForeground(RED)
            self.evidence_list.addItem(item)

    def _evidence_clicked(self, item: QListWidgetItem) -> None:
        kind, ref = item.data(Qt.ItemDataRole.UserRole)
        if kind == "student" and ref:
            self.ctx.open_student.emit(int(ref))
