"""课程与活动 page: the class × month grid (lessons / activities, shortfalls red), semester progress per class and the
classes that fall short, the records of the semester, parent school and pushes, and the workload sheet with export
and print. Forms to log lessons, activities, parent-school sessions and pushes; the import dialog; the norms profile.

A 班主任 sees every class's counts and logs their own class's lessons and class activities; the workload sheet,
parent school, the import and the profile are for counselors and managers."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import clock
from app.courses.importer import COURSES_IMPORT
from app.courses.norms import choose_norms, current_norms, shipped_profiles
from app.courses.progress import class_grid, find_semester, semester_progress
from app.courses.records import Entry, list_entries, list_parent_sessions, list_pushes, remove_entry
from app.courses.workload import HEADERS as WORKLOAD_HEADERS
from app.courses.workload import WorkloadSheet, export_workload, print_workload, workload
from app.errors import XinqiaoError
from app.policy import can_keep_courses, can_log_class_courses, can_read_workload
from app.school.calendar import Semester, list_semesters
from ui.shell import dialogs
from ui.shell.context import AppContext, Change
from ui.shell.tasks import run_task

RED = QBrush(QColor("#c62828"))
SHORT_BG = QBrush(QColor("#ffe0e0"))


def _table(headers: Sequence[str], stretch: int | None = None) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(list(headers))
    t.verticalHeader().hide()
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    if stretch is not None:
        t.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return t


SHORT_NAMES = {"团体辅导": "团辅", "主题活动": "活动", "谈心谈话": "谈心", "个体咨询": "咨询"}


def _short_title(header: str) -> str:
    """'团体辅导（分钟）' -> '团辅\\n分钟': the thing on one line, its unit below, as a printed 工作量 table heads them."""
    name, _, unit = header.partition("（")
    name = SHORT_NAMES.get(name, name)
    return f"{name}\n{unit.rstrip('）')}" if unit else name


def _fill(t: QTableWidget, rows: Sequence[Sequence[Any]], red: Sequence[bool] = ()) -> None:
    t.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem("" if value is None else (f"{value:g}" if isinstance(value, float) else str(value)))
            if r < len(red) and red[r]:
                item.setForeground(RED)
            t.setItem(r, c, item)


class CoursesPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.session = ctx.session
        account = self.session.account
        keeper = can_keep_courses(account)
        self.semester = QComboBox()
        self.semesters = list_semesters(self.session.db)
        try:
            now = find_semester(self.session.db, "")
        except XinqiaoError:
            now = None
        for s in self.semesters:
            self.semester.addItem(s.name, s.id)
        if now is not None:
            self.semester.setCurrentIndex(max(0, self.semester.findData(now.id)))
        self.semester.currentIndexChanged.connect(lambda _i: self.refresh())
        self.lesson_button = QPushButton("登记心理课…")
        self.lesson_button.clicked.connect(lambda: self.open_form("lesson"))
        self.activity_button = QPushButton("登记活动…")
        self.activity_button.clicked.connect(lambda: self.open_form("activity"))
        self.parent_button = QPushButton("家长学校…")
        self.parent_button.clicked.connect(lambda: self.open_form("parent_school"))
        self.push_button = QPushButton("家长推送…")
        self.push_button.clicked.connect(lambda: self.open_form("push"))
        self.import_button = QPushButton("导入登记表…")
        self.import_button.clicked.connect(self.open_import)
        for b in (self.lesson_button, self.activity_button):
            b.setVisible(can_log_class_courses(account))
        for b in (self.parent_button, self.push_button, self.import_button):
            b.setVisible(keeper)
        self.primary_button = self.lesson_button   # the page header (ui/shell/header.py)
        self.header_buttons = [self.activity_button, self.import_button]
        self.more_buttons = [self.parent_button, self.push_button]
        self.norms = QComboBox()
        for key, p in shipped_profiles().items():
            self.norms.addItem(p.name, key)
        self.norms.setEnabled(keeper)
        self.norms.activated.connect(lambda _i: self.change_norms())
        self.edit_norms_button = QPushButton("编辑规范…")
        self.edit_norms_button.clicked.connect(lambda: self.open_form("norms"))
        self.edit_norms_button.setVisible(keeper)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("学期："))
        bar.addWidget(self.semester)
        bar.addStretch(1)
        for b in (self.lesson_button, self.activity_button, self.parent_button, self.push_button, self.import_button):
            bar.addWidget(b)
        self.rules = QLabel()
        self.rules.setWordWrap(True)
        norms_row = QHBoxLayout()
        norms_row.addWidget(QLabel("规范："))
        norms_row.addWidget(self.norms)
        norms_row.addWidget(self.rules, 1)
        norms_row.addWidget(self.edit_norms_button)

        # 班级 × 月份
        self.grid = _table(("班级",))
        self.short = QLabel()
        self.short.setWordWrap(True)
        grid_tab = QWidget()
        gl = QVBoxLayout(grid_tab)
        gl.addWidget(QLabel("每格：心理课节数 / 活动次数（全年级、全校活动计入所覆盖的班级）；未达标的标红。"))
        gl.addWidget(self.grid, 1)
        gl.addWidget(self.short)

        # 学期进度
        self.progress = _table(("班级", "心理课（节）", "课时", "本学期应达", "截至本月应达", "活动（次）", "未达标月份"),
                               stretch=6)

        # 记录
        self.entries = _table(("日期", "班级/范围", "类型", "主题", "教师", "课时"), stretch=3)
        self.entry_rows: list[Entry] = []
        self.remove_button = QPushButton("删除所选记录…")
        self.remove_button.clicked.connect(self.remove_selected)
        self.remove_button.setVisible(can_log_class_courses(account))
        entries_tab = QWidget()
        el = QVBoxLayout(entries_tab)
        el.addWidget(self.entries, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.remove_button)
        el.addLayout(row)

        # 家校
        self.parents = _table(("日期", "主题", "课时", "范围", "主讲人", "含心理健康内容"), stretch=1)
        self.pushes = _table(("日期", "推送内容", "渠道"), stretch=1)
        self.parent_summary = QLabel()
        self.parent_summary.setWordWrap(True)
        home_tab = QWidget()
        hl = QVBoxLayout(home_tab)
        hl.addWidget(self.parent_summary)
        hl.addWidget(QLabel("家长学校"))
        hl.addWidget(self.parents, 1)
        hl.addWidget(QLabel("每月家长推送"))
        hl.addWidget(self.pushes, 1)

        self.tabs = QTabWidget()
        self.tabs.addTab(grid_tab, "班级×月份")
        self.tabs.addTab(self.progress, "学期进度")
        self.tabs.addTab(entries_tab, "记录")
        self.tabs.addTab(home_tab, "家长学校与推送")

        # 工作量
        self.sheet: WorkloadSheet | None = None
        # Twelve columns in a 1024-pixel window: short two-line titles (团辅 / 分钟), the full wording of the export's
        # columns in each title's tooltip.
        self.workload = _table([_short_title(h) for h in WORKLOAD_HEADERS], stretch=0)
        for col, title in enumerate(WORKLOAD_HEADERS):
            self.workload.horizontalHeaderItem(col).setToolTip(title)
        self.export_button = QPushButton("导出 Excel…")
        self.export_button.clicked.connect(self.export_workload)
        self.print_button = QPushButton("打印（PDF）…")
        self.print_button.clicked.connect(self.print_workload)
        if can_read_workload(account):
            load_tab = QWidget()
            ll = QVBoxLayout(load_tab)
            ll.addWidget(QLabel("本学期每位教师的心理课、团体辅导、讲座、谈心谈话和个体咨询（计入教学工作量）。"))
            ll.addWidget(self.workload, 1)
            lb = QHBoxLayout()
            lb.addStretch(1)
            lb.addWidget(self.export_button)
            lb.addWidget(self.print_button)
            ll.addLayout(lb)
            self.tabs.addTab(load_tab, "工作量")
        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addLayout(norms_row)
        lay.addWidget(self.tabs, 1)
        self.form: Any = None
        self.import_dialog: Any = None
        ctx.data_changed.connect(self._data_changed)
        self.refresh()

    # -- views ------------------------------------------------------------------------------------------------
    def current_semester(self) -> Semester | None:
        sid = self.semester.currentData()
        return next((s for s in self.semesters if s.id == sid), None)

    def refresh(self) -> None:
        norms = current_norms(self.session.db)
        index = self.norms.findData(norms.key)
        self.norms.setCurrentIndex(index)
        self.rules.setText("；".join(norms.describe()) + "。")
        sem = self.current_semester()
        if sem is None:
            self.short.setText("尚未设置学期：请在 设置 → 学校 → 学年与学期 中添加。")
            return
        today = clock.today()
        start, end = dt.date.fromisoformat(sem.start_date), dt.date.fromisoformat(sem.end_date)
        grid = class_grid(self.session, start, end, today=today, norms=norms)
        self.grid.setColumnCount(1 + len(grid.months))
        self.grid.setHorizontalHeaderLabels(["班级", *(m.title for m in grid.months)])
        self.grid.setRowCount(len(grid.rows))
        for r, row in enumerate(grid.rows):
            self.grid.setItem(r, 0, QTableWidgetItem(row.name))
            for c, m in enumerate(grid.months, start=1):
                cell = row.cells[m.label]
                item = QTableWidgetItem(f"{cell.lessons} / {cell.activities}")
                item.setToolTip(f"{row.name} {m.label}：心理课 {cell.lessons} 节（{cell.periods:g} 课时），活动 "
                                f"{cell.activities} 次" + ("" if cell.counted else "（未到该月）"))
                if cell.lessons_short or cell.activities_short:
                    item.setForeground(RED)
                    item.setBackground(SHORT_BG)
                self.grid.setItem(r, c, item)
        progress = semester_progress(self.session, sem, today=today)
        _fill(self.progress, [(p.name, p.lessons, p.hours, p.target if p.target is not None else "—",
                               p.due_now if p.due_now is not None else "—", p.activities,
                               "、".join(m[5:].lstrip("0") + "月" for m in p.short_months)) for p in progress],
              red=[p.behind for p in progress])
        behind = [p.name for p in progress if p.behind]
        self.short.setText(("未达标的班级：" + "、".join(behind)) if behind else "各班均达到规范。")
        self.entry_rows = list_entries(self.session, sem.start_date, sem.end_date)
        _fill(self.entries, [(e.held_on, e.place, e.what, e.title, e.teacher, e.periods) for e in self.entry_rows])
        parents = list_parent_sessions(self.session, sem.start_date, sem.end_date)
        _fill(self.parents, [(p.held_on, p.topic, p.hours, p.place, p.speaker, "是" if p.mental_health else "否")
                             for p in parents])
        pushes = list_pushes(self.session, sem.start_date, sem.end_date)
        _fill(self.pushes, [(p.pushed_on, p.title, p.channel) for p in pushes])
        hours = sum(p.hours for p in parents)
        self.parent_summary.setText(f"本学期家长学校 {len(parents)} 次、{hours:g} 课时（规范：每学期 {norms.parent_sessions} 次、"
                                    f"{norms.parent_hours:g} 课时）；家长推送 {len(pushes)} 次。")
        if can_read_workload(self.session.account):
            self.sheet = workload(self.session, sem)
            _fill(self.workload, [r.cells() for r in [*self.sheet.rows, self.sheet.total]])

    def _data_changed(self, change: Change) -> None:
        if change in (Change.COURSES, Change.SCHOOL, Change.CASEWORK):
            self.refresh()

    # -- actions ----------------------------------------------------------------------------------------------
    def open_draft(self, form_key: str, _student_id: int | None = None) -> None:
        """未完成的记录 on the 工作台: ``course:<kind>:new``, the form refilled from the draft."""
        from ui.courses.forms import FORMS_BY_KIND

        kind = form_key.split(":")[1] if form_key.count(":") >= 1 else ""
        if kind in FORMS_BY_KIND:
            self.open_form(kind)

    def open_form(self, kind: str) -> None:
        from ui.courses.forms import FORMS_BY_KIND

        self.form = FORMS_BY_KIND[kind](self.session, self)
        self.form.saved.connect(lambda _id: self.ctx.data_changed.emit(Change.COURSES))
        self.form.show()

    def open_import(self) -> None:
        from ui.imports.dialog import ImportDialog

        self.import_dialog = ImportDialog(COURSES_IMPORT, self.session, self, ctx=self.ctx)
        self.import_dialog.imported.connect(lambda _r: self.ctx.data_changed.emit(Change.COURSES))
        self.import_dialog.show()

    def change_norms(self) -> None:
        key = str(self.norms.currentData())
        if key == current_norms(self.session.db).key:
            return
        name = self.norms.currentText()
        if not dialogs.ask(self, "更换课程规范", f"改用“{name}”规范？本校对规范的修改将被替换。"):
            self.refresh()
            return
        try:
            choose_norms(self.session, key)
        except XinqiaoError as e:
            dialogs.warn(self, "更换课程规范", e.message)
        self.ctx.data_changed.emit(Change.COURSES)

    def remove_selected(self) -> None:
        rows = self.entries.selectionModel().selectedRows()
        if not rows:
            dialogs.warn(self, "删除记录", "请先在列表中选择一条记录。")
            return
        e = self.entry_rows[rows[0].row()]
        if not dialogs.ask(self, "删除记录", f"删除 {e.held_on} {e.place} 的“{e.title}”？"):
            return
        try:
            remove_entry(self.session, e.kind, e.id)
        except XinqiaoError as err:
            dialogs.warn(self, "删除记录", err.message)
            return
        self.ctx.data_changed.emit(Change.COURSES)

    def export_workload(self) -> None:
        from ui.shell import export_password

        sheet = self.sheet
        if sheet is None:
            return
        path = dialogs.save_file(self, "导出工作量统计", f"工作量-{sheet.semester.name}.xlsx", "Excel 文件 (*.xlsx)")
        if not path:
            return
        how = export_password.choose(self, self.session)
        if how is None:
            return
        target = Path(path).with_suffix(".xlsx")
        run_task(self, lambda _p: export_workload(self.session, sheet, target, password=how.password, plain=how.plain),
                 lambda out: dialogs.inform(self, "导出工作量统计", f"已导出到 {out}。{how.done_text}"),
                 label="正在导出工作量统计……")

    def print_workload(self) -> None:
        sheet = self.sheet
        if sheet is None:
            return
        path = dialogs.save_file(self, "打印工作量统计", f"工作量-{sheet.semester.name}.pdf", "PDF 文件 (*.pdf)")
        if not path:
            return
        target = Path(path).with_suffix(".pdf")
        run_task(self, lambda _p: print_workload(self.session, sheet, target),
                 lambda out: dialogs.inform(self, "打印工作量统计", f"已生成 {out}，可打开后打印。"),
                 label="正在生成工作量统计表……")
