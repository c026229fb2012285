"""人员与培训 page: the staff with their roles (tags), training records with each person's cycle total against
their norm (shortfalls in red), the staffing checks, and the duty roster as a month calendar with uncovered school
days highlighted. Counselors and 管理员 keep these (``can_keep_people``)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
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
from app.errors import XinqiaoError
from app.people.duty import DutyDay, month_range, roster
from app.people.model import hours_text
from app.people.staffing import staffing
from app.people.training import Standing, TrainingRecord, list_training, remove_training, standings
from app.school.holidays import WEEKDAYS
from app.school.staff import StaffMember, list_staff
from ui.people.common import NO_SCHOOL, RED, UNCOVERED, fill, table
from ui.people.dialogs import CycleDialog, DutyDayDialog, PatternDialog, RolesDialog, TrainingDialog
from ui.shell import dialogs
from ui.shell.context import AppContext, Change
from ui.shell.theme import set_tone


class PeoplePage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.session = ctx.session
        self.dialog: Any = None
        self.members: list[StaffMember] = []
        self.rows: list[Standing] = []
        self.records: list[TrainingRecord] = []
        today = clock.today()
        self.month = dt.date(today.year, today.month, 1)
        self.days: list[DutyDay] = []

        # 人员与身份
        self.staff_table = table(("姓名", "身份", "培训学时（本周期）", "按何要求"), stretch=1)
        self.staff_table.itemSelectionChanged.connect(self._staff_selected)
        self.roles_button = QPushButton("设置身份…")
        self.roles_button.clicked.connect(self.edit_roles)
        staff_tab = QWidget()
        sl = QVBoxLayout(staff_tab)
        bar = QHBoxLayout()
        hint = QLabel("一人可兼多个身份（如兼职心理教师兼班主任）；添加教职工、标记离校在 设置 → 学校 中。")
        set_tone(hint, "muted")
        bar.addWidget(hint, 1)
        bar.addWidget(self.roles_button)
        sl.addLayout(bar)
        sl.addWidget(self.staff_table, 1)

        # 培训
        self.cycle_label = QLabel()
        self.shortfall_label = QLabel()
        self.shortfall_label.setWordWrap(True)
        self.standing_table = table(("姓名", "身份", "要求", "已完成", "本学年督导", "情况"), stretch=5)
        self.record_table = table(("日期", "教职工", "培训名称", "级别", "类型", "学时"), stretch=2)
        self.add_training_button = QPushButton("登记培训…")
        self.add_training_button.clicked.connect(self.add_training)
        self.remove_training_button = QPushButton("删除所选记录")
        self.remove_training_button.clicked.connect(self.remove_training)
        self.cycle_button = QPushButton("周期与学时要求…")
        self.cycle_button.clicked.connect(self.edit_cycle)
        self.primary_button = self.add_training_button   # the page header (ui/shell/header.py)
        training_tab = QWidget()
        tl = QVBoxLayout(training_tab)
        tbar = QHBoxLayout()
        tbar.addWidget(self.cycle_label, 1)
        for b in (self.add_training_button, self.remove_training_button, self.cycle_button):
            tbar.addWidget(b)
        tl.addLayout(tbar)
        tl.addWidget(self.shortfall_label)
        tl.addWidget(self.standing_table, 1)
        tl.addWidget(QLabel("培训记录"))
        tl.addWidget(self.record_table, 1)

        # 配备
        self.staffing_label = QLabel()
        self.staffing_label.setWordWrap(True)
        self.staffing_label.setTextFormat(Qt.TextFormat.PlainText)
        self.staffing_problems = QLabel()
        self.staffing_problems.setWordWrap(True)
        staffing_tab = QWidget()
        fl = QVBoxLayout(staffing_tab)
        fl.addWidget(self.staffing_label)
        fl.addWidget(self.staffing_problems)
        fl.addStretch(1)

        # 值班
        self.month_label = QLabel()
        self.prev_button = QPushButton("‹ 上月")
        self.next_button = QPushButton("下月 ›")
        self.prev_button.clicked.connect(lambda: self.shift_month(-1))
        self.next_button.clicked.connect(lambda: self.shift_month(1))
        self.assign_button = QPushButton("安排所选日期…")
        self.assign_button.clicked.connect(self.assign_day)
        self.pattern_button = QPushButton("按星期安排…")
        self.pattern_button.clicked.connect(self.assign_pattern)
        self.calendar = QTableWidget(6, 7)
        self.calendar.setHorizontalHeaderLabels([f"星期{w}" for w in WEEKDAYS])
        self.calendar.verticalHeader().hide()
        self.calendar.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.calendar.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.calendar.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.calendar.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.calendar.cellDoubleClicked.connect(lambda _r, _c: self.assign_day())
        self.uncovered_label = QLabel()
        self.uncovered_label.setWordWrap(True)
        duty_tab = QWidget()
        dl = QVBoxLayout(duty_tab)
        dbar = QHBoxLayout()
        for w in (self.prev_button, self.month_label, self.next_button):
            dbar.addWidget(w)
        dbar.addStretch(1)
        dbar.addWidget(self.assign_button)
        dbar.addWidget(self.pattern_button)
        dl.addLayout(dbar)
        dl.addWidget(self.calendar, 1)
        dl.addWidget(self.uncovered_label)

        self.tabs = QTabWidget()
        self.tabs.addTab(staff_tab, "人员与身份")
        self.tabs.addTab(training_tab, "培训")
        self.tabs.addTab(staffing_tab, "配备情况")
        self.tabs.addTab(duty_tab, "值班表")
        lay = QVBoxLayout(self)
        lay.addWidget(self.tabs)
        ctx.data_changed.connect(self._data_changed)
        self.refresh()

    # -- views ------------------------------------------------------------------------------------------------
    def refresh(self) -> None:
        self.members = [m for m in list_staff(self.session.db) if m.active]
        cycle, self.rows = standings(self.session)
        by_id = {r.staff_id: r for r in self.rows}
        order = {r.staff_id: i for i, r in enumerate(self.rows)}
        self.members.sort(key=lambda m: order[m.id])
        fill(self.staff_table, [(m.name, m.roles_label, by_id[m.id].hours_label,
                                 by_id[m.id].norm_label + ("（兼数职取最高）" if by_id[m.id].several_roles else ""))
                                for m in self.members],
             red=[by_id[m.id].hours_short for m in self.members])
        self._staff_selected()
        self.cycle_label.setText(cycle.label)
        short = [r for r in self.rows if r.short]
        self.shortfall_label.setText(
            f"未达到要求 {len(short)} 人：" + "；".join(f"{r.name}（{r.shortfall_text()}）" for r in short)
            if short else "在职教职工均已达到本周期的培训要求。")
        set_tone(self.shortfall_label, "urgent" if short else "ok")
        fill(self.standing_table, [
            (r.name, r.roles_label, f"{r.norm_label} {hours_text(r.needed)} 学时", f"{hours_text(r.done)} 学时",
             f"{r.supervisions}/{r.supervisions_needed} 次" if r.supervisions_needed else "—",
             r.shortfall_text() or "达标") for r in self.rows], red=[r.short for r in self.rows])
        self.records = list_training(self.session)
        fill(self.record_table, [(t.held_on, t.person, t.title, t.level_label, t.kind_label, f"{t.hours:g}")
                                 for t in self.records])
        s = staffing(self.session)
        self.staffing_label.setText(
            f"专职心理教师 {len(s.fulltime)} 人：{'、'.join(m.name for m in s.fulltime) or '无'}\n"
            f"兼职心理教师 {len(s.parttime)} 人：{'、'.join(m.name for m in s.parttime) or '无'}\n"
            f"有在读学生的班级 {s.classes} 个；按每 10 个班 1 名，需专兼职心理教师 {s.needed} 名，"
            f"现有 {s.teachers} 名（每 10 班 {s.per_ten_classes:g} 名）")
        problems = s.problems()
        self.staffing_problems.setText("\n".join("✗ " + p for p in problems) if problems
                                       else "✓ 专职心理教师和专兼职配比均符合要求。")
        set_tone(self.staffing_problems, "urgent" if problems else "ok")
        self.refresh_roster()

    def refresh_roster(self) -> None:
        first, last = month_range(self.month.strftime("%Y-%m"))
        self.days = roster(self.session, first, last)
        self.month_label.setText(f"{first.year} 年 {first.month} 月")
        self.calendar.clearContents()
        offset = first.weekday()
        for d in self.days:
            index = offset + d.day.day - 1
            text = str(d.day.day)
            if d.school_day:
                text += "\n" + (f"{d.person}（已离校）" if d.left else d.person or "无人值班")
            item = QTableWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, d.day.isoformat())
            item.setTextAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            if d.uncovered:
                item.setBackground(UNCOVERED)
                item.setForeground(RED)
            elif not d.school_day:
                item.setBackground(NO_SCHOOL)
            self.calendar.setItem(index // 7, index % 7, item)
        uncovered = [d for d in self.days if d.uncovered]
        school = sum(1 for d in self.days if d.school_day)
        self.uncovered_label.setText(
            f"上课日 {school} 天，已安排 {school - len(uncovered)} 天。"
            + ("无人值班：" + "、".join(f"{d.day.month}月{d.day.day}日（{d.weekday_label}）" for d in uncovered)
               if uncovered else "每个上课日都有人值班。"))
        set_tone(self.uncovered_label, "urgent" if uncovered else "ok")

    def _data_changed(self, change: Change) -> None:
        if change in (Change.PEOPLE, Change.SCHOOL):
            self.refresh()

    def _staff_selected(self) -> None:
        self.roles_button.setEnabled(self.selected_member() is not None)

    def selected_member(self) -> StaffMember | None:
        rows = self.staff_table.selectionModel().selectedRows()
        return self.members[rows[0].row()] if rows and rows[0].row() < len(self.members) else None

    def select_member(self, name: str) -> None:
        row = next(i for i, m in enumerate(self.members) if m.name == name)
        self.staff_table.selectRow(row)

    def shift_month(self, months: int) -> None:
        n = self.month.year * 12 + self.month.month - 1 + months
        self.month = dt.date(n // 12, n % 12 + 1, 1)
        self.refresh_roster()

    def selected_day(self) -> DutyDay | None:
        item = self.calendar.currentItem()
        if item is None or not item.data(Qt.ItemDataRole.UserRole):
            return None
        iso = str(item.data(Qt.ItemDataRole.UserRole))
        return next((d for d in self.days if d.day.isoformat() == iso), None)

    def select_day(self, day: dt.date) -> None:
        index = self.days[0].day.weekday() + day.day - 1
        self.calendar.setCurrentCell(index // 7, index % 7)

    # -- actions ----------------------------------------------------------------------------------------------
    def _open(self, dlg: Any) -> Any:
        self.dialog = dlg
        dlg.saved.connect(lambda: self.ctx.data_changed.emit(Change.PEOPLE))
        dlg.show()
        return dlg

    def open_draft(self, form_key: str, _student_id: int | None = None) -> None:
        """未完成的记录 on the 工作台: ``people:training:new``, the form refilled from its draft."""
        if form_key.startswith("people:training"):
            self.add_training()

    def edit_roles(self) -> RolesDialog | None:
        member = self.selected_member()
        if member is None:
            return None
        return self._open(RolesDialog(self.session, member, self))

    def add_training(self) -> TrainingDialog:
        member = self.selected_member()
        return self._open(TrainingDialog(self.session, self, staff_id=member.id if member else None))

    def edit_cycle(self) -> CycleDialog:
        return self._open(CycleDialog(self.session, self))

    def remove_training(self) -> None:
        rows = self.record_table.selectionModel().selectedRows()
        if not rows:
            dialogs.warn(self, "删除培训记录", "请先在培训记录中选择一条。")
            return
        record = self.records[rows[0].row()]
        if not dialogs.ask(self, "删除培训记录", f"删除 {record.person} {record.held_on}“{record.title}”？",
                           yes="删除"):
            return
        try:
            remove_training(self.session, record.id)
        except XinqiaoError as e:
            dialogs.warn(self, "删除培训记录", e.message)
            return
        self.ctx.data_changed.emit(Change.PEOPLE)

    def assign_day(self) -> DutyDayDialog | None:
        day = self.selected_day()
        if day is None:
            dialogs.warn(self, "安排值班", "请先在日历中选择一天。")
            return None
        if not day.school_day:
            dialogs.warn(self, "安排值班", f"{day.day.isoformat()}（{day.weekday_label}）不是上课日，无需值班。")
            return None
        return self._open(DutyDayDialog(self.session, day.day, day.staff_id, self))

    def assign_pattern(self) -> PatternDialog:
        first, last = month_range(self.month.strftime("%Y-%m"))
        return self._open(PatternDialog(self.session, first, last, self))
