"""学校: name, code and stages, semesters with editable dates, classes with their head teachers, and the staff
(班主任, 专职/兼职心理教师, ...) who can be added, edited and marked as left, and the school's holidays and make-up
school days (节假日与调休) that due dates are counted over."""
from __future__ import annotations

from PySide6.QtCore import QDate, QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from app import clock
from app.errors import XinqiaoError
from app.policy import can_manage_school
from app.school.calendar import list_semesters, save_semester_dates
from app.school.classes import add_class, list_classes, set_head_teacher
from app.school.holidays import Holiday, add_holiday, list_holidays, remove_holiday
from app.school.profile import (
    HOTLINE_EXAMPLE,
    NATIONAL_HOTLINE,
    STAGE_LABELS,
    get_school,
    local_hotline,
    set_local_hotline,
    update_school,
)
from app.school.staff import STAFF_ROLES, StaffMember, add_staff, list_staff, set_staff_active, update_staff
from ui.settings.common import cell, make_table
from ui.shell import dialogs
from ui.shell.context import AppContext, Change
from ui.shell.forms import DraftDialog
from ui.shell.theme import set_tone
from ui.shell.value_dialog import Field, ValueDialog
from ui.shell.views import fit_columns

TERM_LABELS = {"autumn": "秋季学期", "spring": "春季学期"}


class StaffDialog(DraftDialog):
    """Add or edit one staff member (name, role, phone); ``saved`` is emitted after the write."""

    draft_label = "教职工"
    draft_confidential = False

    def __init__(self, ctx: AppContext, member: StaffMember | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.member = member
        self.setWindowTitle("修改教职工" if member else "添加教职工")
        self.setMinimumWidth(360)
        form = QFormLayout(self)
        self.name = QLineEdit(member.name if member else "")
        self.role = QComboBox()
        for key, label in STAFF_ROLES.items():
            self.role.addItem(label, key)
        if member:
            self.role.setCurrentIndex(max(0, self.role.findData(member.role)))
        self.phone = QLineEdit(member.phone if member else "")
        form.addRow("姓名", self.name)
        form.addRow("身份", self.role)
        form.addRow("电话", self.phone)
        self.error = QLabel("")
        set_tone(self.error, "error")
        form.addRow(self.error)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        box.accepted.connect(self.submit)
        box.rejected.connect(self.reject)
        form.addRow(box)
        self.use_drafts(ctx.session, f"settings:staff:{member.id}" if member else "settings:staff:new")

    def submit(self) -> None:
        session = self.ctx.session
        name, role, phone = self.name.text().strip(), str(self.role.currentData()), self.phone.text().strip()
        try:
            if self.member is None:
                add_staff(session, name, role, phone)
            else:
                update_staff(session, self.member.id, name, role, phone)
        except XinqiaoError as e:
            self.error.setText(e.message)
            return
        self.accept()


class SchoolDialog(DraftDialog):
    """Correct the school's name, code and stages (they appear on letters, exports and the title bar)."""

    draft_label = "学校信息"
    draft_confidential = False

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("修改学校信息")
        self.setMinimumWidth(420)
        school = get_school(ctx.session.db)
        form = QFormLayout(self)
        self.name = QLineEdit(school.name)
        self.code = QLineEdit(school.code)
        self.code.setPlaceholderText("学校代码（可不填）")
        form.addRow("学校名称", self.name)
        form.addRow("学校代码", self.code)
        stage_row = QHBoxLayout()
        self.stage_boxes: dict[str, QCheckBox] = {}
        for key, label in STAGE_LABELS.items():
            box = QCheckBox(label)
            box.setChecked(key in school.stages)
            self.stage_boxes[key] = box
            stage_row.addWidget(box)
        stage_row.addStretch(1)
        form.addRow("学段", stage_row)
        self.hotline = QLineEdit(local_hotline(ctx.session.db))
        self.hotline.setObjectName("localHotline")
        self.hotline.setPlaceholderText(f"如 宁夏心理援助热线 {HOTLINE_EXAMPLE}（可不填）")
        self.hotline.setToolTip(f"印在每份家长告知书上，位于全国青少年服务台 {NATIONAL_HOTLINE} 之后")
        form.addRow("本地心理援助热线", self.hotline)
        self.error_label = QLabel("")
        set_tone(self.error_label, "error")
        form.addRow(self.error_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("保存")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.use_drafts(ctx.session, "settings:school")

    def submit(self) -> None:
        stages = [k for k, box in self.stage_boxes.items() if box.isChecked()]
        try:
            update_school(self.ctx.session, self.name.text(), self.code.text(), stages)
            if self.hotline.text().strip() != local_hotline(self.ctx.session.db):
                set_local_hotline(self.ctx.session, self.hotline.text())
        except XinqiaoError as e:
            self.error_label.setText(e.message)
            return
        self.ctx.data_changed.emit(Change.SETTINGS)
        self.accept()


class HolidayDialog(DraftDialog):
    """Add one range of non-school days (节假日) or, with 调休上课, make-up school days on a weekend."""

    draft_label = "节假日"
    draft_confidential = False

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("新建节假日或调休")
        self.setMinimumWidth(380)
        form = QFormLayout(self)
        self.name = QLineEdit()
        self.name.setPlaceholderText("如 国庆节、国庆调休")
        today = clock.today()
        self.start = QDateEdit(QDate(today.year, today.month, today.day))
        self.end = QDateEdit(QDate(today.year, today.month, today.day))
        for ed in (self.start, self.end):
            ed.setDisplayFormat("yyyy-MM-dd")
            ed.setCalendarPopup(True)
        self._last_start = self.start.date()
        self.start.dateChanged.connect(self._start_changed)
        self.makeup = QCheckBox("调休上课（周末补课，算作上学日）")
        form.addRow("名称(&N)", self.name)
        form.addRow("开始日期(&S)", self.start)
        form.addRow("结束日期(&E)", self.end)
        form.addRow("", self.makeup)
        self.error = QLabel("")
        set_tone(self.error, "error")
        self.error.setWordWrap(True)
        form.addRow(self.error)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        box.button(QDialogButtonBox.StandardButton.Ok).setText("添加")
        box.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        box.accepted.connect(self.submit)
        box.rejected.connect(self.reject)
        form.addRow(box)
        self.name.setFocus()
        self.use_drafts(ctx.session, "settings:holiday:new")

    def _start_changed(self, date: QDate) -> None:
        # the end follows the start while the range is one day (the usual 调休) or would end before it
        if self.end.date() == self._last_start or self.end.date() < date:
            self.end.setDate(date)
        self._last_start = date

    def submit(self) -> None:
        try:
            add_holiday(self.ctx.session, self.name.text(), self.start.date().toString("yyyy-MM-dd"),
                        self.end.date().toString("yyyy-MM-dd"), self.makeup.isChecked())
        except XinqiaoError as e:
            self.error.setText(e.message)
            return
        self.ctx.data_changed.emit(Change.SCHOOL)
        self.accept()


class SchoolTab(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.editable = can_manage_school(ctx.session.account)
        lay = QVBoxLayout(self)
        info = QGroupBox("学校")
        form = QFormLayout(info)
        self.name_label = QLabel()
        self.code_label = QLabel()
        self.stages_label = QLabel()
        form.addRow("学校名称", self.name_label)
        form.addRow("学校代码", self.code_label)
        form.addRow("学段", self.stages_label)
        self.hotline_label = QLabel()
        form.addRow("心理援助热线", self.hotline_label)
        self.edit_school_button = QPushButton("修改学校信息…")
        self.edit_school_button.clicked.connect(self.edit_school)
        self.edit_school_button.setEnabled(self.editable)
        edit_row = QHBoxLayout()
        edit_row.addWidget(self.edit_school_button)
        edit_row.addStretch(1)
        form.addRow("", edit_row)
        lay.addWidget(info)

        row = QHBoxLayout()
        sem_box = QGroupBox("学年与学期")
        sem_lay = QVBoxLayout(sem_box)
        self.semesters = make_table(["学年", "学期", "开始", "结束"])
        sem_lay.addWidget(self.semesters)
        self.save_semesters_button = QPushButton("保存学期日期")
        self.save_semesters_button.clicked.connect(self.save_semesters)
        self.save_semesters_button.setEnabled(self.editable)
        sem_row = QHBoxLayout()
        sem_row.addStretch(1)
        sem_row.addWidget(self.save_semesters_button)
        sem_lay.addLayout(sem_row)
        row.addWidget(sem_box, 3)   # two date editors a row: the wider share at 1024×768

        hol_box = QGroupBox("节假日与调休")
        hol_lay = QVBoxLayout(hol_box)
        self.holiday_table = make_table(["名称", "开始", "结束", "类型"], stretch=0)
        fit_columns(self.holiday_table, 0)
        self.holiday_table.setToolTip("测评复核的到期日按上学日计算：跳过周末和这里的节假日，调休上课日照常计算。")
        hol_lay.addWidget(self.holiday_table)
        self.holiday_error = QLabel("")
        set_tone(self.holiday_error, "error")
        self.holiday_error.setWordWrap(True)
        hol_lay.addWidget(self.holiday_error)
        hol_row = QHBoxLayout()
        hol_row.addStretch(1)
        self.add_holiday_button = QPushButton("添加…")
        self.remove_holiday_button = QPushButton("删除")
        self.add_holiday_button.clicked.connect(self.add_holiday)
        self.remove_holiday_button.clicked.connect(self.remove_holiday)
        hol_row.addWidget(self.add_holiday_button)
        hol_row.addWidget(self.remove_holiday_button)
        self.add_holiday_button.setEnabled(self.editable)
        hol_lay.addLayout(hol_row)
        self.holiday_table.installEventFilter(self)  # Delete on the list removes the selected range
        self.holiday_table.itemSelectionChanged.connect(self._holiday_selection_changed)
        self.holidays: list[Holiday] = []

        cls_box = QGroupBox("班级与班主任")
        cls_lay = QVBoxLayout(cls_box)
        self.classes = make_table(["班级", "班主任"], stretch=1)
        cls_lay.addWidget(self.classes)
        self.add_class_button = QPushButton("添加班级…")
        self.add_class_button.clicked.connect(self.ask_add_class)
        self.add_class_button.setEnabled(self.editable)
        cls_row = QHBoxLayout()
        cls_row.addStretch(1)
        cls_row.addWidget(self.add_class_button)
        cls_lay.addLayout(cls_row)
        row.addWidget(cls_box, 2)
        lay.addLayout(row, 3)

        staff_box = QGroupBox("教职工（班主任、专职/兼职心理教师等）")
        staff_lay = QVBoxLayout(staff_box)
        self.staff_table = make_table(["姓名", "身份", "电话", "状态"], stretch=2)
        fit_columns(self.staff_table, 1)   # 身份 takes the spare width: a phone number is never cut
        staff_lay.addWidget(self.staff_table)
        staff_row = QHBoxLayout()
        self.staff_summary = QLabel()
        set_tone(self.staff_summary, "muted")
        self.add_staff_button = QPushButton("添加教职工…")
        self.edit_staff_button = QPushButton("修改…")
        self.toggle_staff_button = QPushButton("标记为已离校")
        self.add_staff_button.clicked.connect(self.add_staff)
        self.edit_staff_button.clicked.connect(self.edit_staff)
        self.toggle_staff_button.clicked.connect(self.toggle_staff)
        staff_lay.addWidget(self.staff_summary)   # its own line: the buttons' row leaves the holidays room
        staff_row.addStretch(1)
        for b in (self.add_staff_button, self.edit_staff_button, self.toggle_staff_button):
            staff_row.addWidget(b)
            b.setEnabled(self.editable)
        staff_lay.addLayout(staff_row)
        bottom = QHBoxLayout()  # the staff list has room to spare beside the holidays
        bottom.addWidget(staff_box, 1)
        bottom.addWidget(hol_box, 1)
        lay.addLayout(bottom, 2)
        self.staff: list[StaffMember] = []
        self.staff_table.itemSelectionChanged.connect(self._staff_selection_changed)
        self.dialog: QDialog | None = None

        self.date_edits: dict[int, tuple[QDateEdit, QDateEdit]] = {}
        ctx.unlocked.connect(self.refresh)
        ctx.data_changed.connect(lambda change: self.refresh() if change in (Change.STUDENTS, Change.SCHOOL, Change.SETTINGS) else None)
        self.refresh()

    def refresh(self) -> None:
        if self.ctx.session.locked:
            return
        db = self.ctx.session.db
        school = get_school(db)
        self.name_label.setText(school.name)
        self.code_label.setText(school.code or "（未填写）")
        self.stages_label.setText(school.stages_label or "（未填写）")
        local = local_hotline(db)
        self.hotline_label.setText(f"{NATIONAL_HOTLINE}" + (f"；本地：{local}" if local else "（本地热线未设置）"))
        sems = list_semesters(db)
        _reset_rows(self.semesters, len(sems))
        self.date_edits.clear()
        for r, s in enumerate(reversed(sems)):
            self.semesters.setItem(r, 0, cell(s.year_name))
            self.semesters.setItem(r, 1, cell(TERM_LABELS.get(s.term, s.name)))
            edits = []
            for col, value in ((2, s.start_date), (3, s.end_date)):
                ed = QDateEdit(QDate.fromString(value, "yyyy-MM-dd"))
                ed.setDisplayFormat("yyyy-MM-dd")
                ed.setCalendarPopup(True)
                ed.setEnabled(self.editable)
                self.semesters.setCellWidget(r, col, ed)
                ed.ensurePolished()   # sized with the theme's padding before the columns fit their contents
                edits.append(ed)
            self.date_edits[s.id] = (edits[0], edits[1])
        # the date editors' columns as wide as an editor (a cell widget is not measured by ResizeToContents)
        editor = max((max(ed.sizeHint().width(), ed.fontMetrics().horizontalAdvance("2026-09-01") + 56)
                      for pair in self.date_edits.values() for ed in pair), default=0)   # text, padding, arrow
        header = self.semesters.horizontalHeader()
        for col in (2, 3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(col, max(editor, header.sectionSizeFromContents(col).width()))
        header.setStretchLastSection(False)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.holidays = list_holidays(db)
        self.holiday_table.setRowCount(len(self.holidays))
        for r, h in enumerate(self.holidays):
            for col, v in enumerate((h.name, h.start_date, h.end_date, h.kind_label)):
                self.holiday_table.setItem(r, col, cell(v))
        self._holiday_selection_changed()
        self.staff = list_staff(db)
        active = [m for m in self.staff if m.active]
        classes = list_classes(db)
        _reset_rows(self.classes, len(classes))
        for r, c in enumerate(classes):
            self.classes.setItem(r, 0, cell(c.name))
            combo = QComboBox()
            combo.addItem("（未设置）", None)
            names = [m.name for m in active]
            for m in active:
                # the name alone fits the column at 1024; the post only where two staff share a name, and on hover
                combo.addItem(m.name if names.count(m.name) == 1 else f"{m.name}（{m.role_label}）", m.id)
                combo.setItemData(combo.count() - 1, m.role_label, Qt.ItemDataRole.ToolTipRole)
            if c.head_teacher_id is not None and combo.findData(c.head_teacher_id) < 0:
                combo.addItem(f"{c.head_teacher}（已离校）", c.head_teacher_id)
            idx = combo.findData(c.head_teacher_id) if c.head_teacher_id is not None else 0
            combo.setCurrentIndex(max(0, idx))
            combo.setEnabled(self.editable)
            combo.currentIndexChanged.connect(lambda _i, cid=c.id, cb=combo: self._set_head(cid, cb))
            self.classes.setCellWidget(r, 1, combo)
        self.staff_table.setRowCount(len(self.staff))
        for r, m in enumerate(self.staff):
            for col, v in enumerate((m.name, m.roles_label, m.phone, "在职" if m.active else "已离校")):
                self.staff_table.setItem(r, col, cell(v))
        full = sum(1 for m in active if m.holds("psych_fulltime"))
        part = sum(1 for m in active if m.holds("psych_parttime") and not m.holds("psych_fulltime"))
        self.staff_summary.setText(f"在职心理教师：专职 {full} 人，兼职 {part} 人")
        self._staff_selection_changed()

    def save_semesters(self) -> int:
        """Every semester's dates at once: all saved, or (on a bad row) none, with the reason shown."""
        dates = {sid: (start_ed.date().toString("yyyy-MM-dd"), end_ed.date().toString("yyyy-MM-dd"))
                 for sid, (start_ed, end_ed) in self.date_edits.items()}
        try:
            changed = save_semester_dates(self.ctx.session, dates)
        except XinqiaoError as e:
            dialogs.warn(self, "学期日期", e.message)
            return 0
        if changed:
            self.ctx.data_changed.emit(Change.SCHOOL)
        return changed

    def _set_head(self, class_id: int, combo: QComboBox) -> None:
        try:
            set_head_teacher(self.ctx.session, class_id, combo.currentData())
        except XinqiaoError as e:
            dialogs.warn(self, "设置班主任", e.message)

    # -- holidays ----------------------------------------------------------------------------------
    def selected_holiday(self) -> Holiday | None:
        rows = self.holiday_table.selectionModel().selectedRows()
        return self.holidays[rows[0].row()] if rows and rows[0].row() < len(self.holidays) else None

    def select_holiday(self, name: str) -> None:
        for r, h in enumerate(self.holidays):
            if h.name == name:
                self.holiday_table.selectRow(r)
                return

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if (watched is self.holiday_table and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)):
            self.remove_holiday()
            return True
        return super().eventFilter(watched, event)

    def _holiday_selection_changed(self) -> None:
        self.remove_holiday_button.setEnabled(self.editable and self.selected_holiday() is not None)

    def add_holiday(self) -> HolidayDialog:
        dlg = HolidayDialog(self.ctx, self)
        dlg.accepted.connect(lambda: (self.holiday_error.clear(), self.refresh(),
                                      self.select_holiday(dlg.name.text().strip())))
        self.dialog = dlg
        dlg.open()
        return dlg

    def remove_holiday(self) -> bool:
        h = self.selected_holiday()
        if h is None or not self.editable:
            return False
        span = h.start_date if h.start_date == h.end_date else f"{h.start_date} 至 {h.end_date}"
        if not dialogs.ask(self, "删除节假日", f"删除“{h.name}”（{span}，{h.kind_label}）？已算出的复核到期日不会改变。",
                           yes="删除"):
            return False
        try:
            remove_holiday(self.ctx.session, h.id)
        except XinqiaoError as e:
            self.holiday_error.setText(e.message)
            return False
        self.holiday_error.clear()
        self.ctx.data_changed.emit(Change.SCHOOL)
        self.refresh()
        self.holiday_table.clearSelection()  # a second Delete must not remove the next range
        self._holiday_selection_changed()
        return True

    # -- classes -----------------------------------------------------------------------------------
    def edit_school(self) -> SchoolDialog:
        dlg = SchoolDialog(self.ctx, self)
        dlg.finished.connect(lambda _r: self.refresh())
        dlg.open()
        self.dialog = dlg
        return dlg

    def ask_add_class(self) -> ValueDialog:
        """添加班级 in a form a lock hides and gives back; a refused name stays in it with the reason."""
        def write(values: list[str]) -> None:
            add_class(self.ctx.session, values[0])
            self.ctx.data_changed.emit(Change.SCHOOL)

        dlg = ValueDialog(self.ctx.session, "settings:class:new", "添加班级",
                          [Field("班级（如 七年级（3）班、初一3班 或 7.3）：")], write, parent=self)
        self.dialog = dlg
        dlg.open()
        return dlg

    def add_class(self, text: str) -> bool:
        try:
            add_class(self.ctx.session, text)
        except XinqiaoError as e:
            dialogs.warn(self, "添加班级", e.message)
            return False
        self.ctx.data_changed.emit(Change.SCHOOL)  # refreshes this tab too (connected above): once, not twice
        return True

    # -- staff -------------------------------------------------------------------------------------
    def selected_staff(self) -> StaffMember | None:
        rows = self.staff_table.selectionModel().selectedRows()
        return self.staff[rows[0].row()] if rows else None

    def select_staff(self, name: str) -> None:
        for r, m in enumerate(self.staff):
            if m.name == name:
                self.staff_table.selectRow(r)
                return

    def _staff_selection_changed(self) -> None:
        m = self.selected_staff()
        self.edit_staff_button.setEnabled(self.editable and m is not None)
        self.toggle_staff_button.setEnabled(self.editable and m is not None)
        self.toggle_staff_button.setText("恢复为在职" if m is not None and not m.active else "标记为已离校")

    def _open_staff_dialog(self, member: StaffMember | None) -> StaffDialog:
        dlg = StaffDialog(self.ctx, member, self)
        dlg.accepted.connect(lambda: (self.refresh(), self.select_staff(dlg.name.text().strip())))
        self.dialog = dlg
        dlg.open()
        return dlg

    def add_staff(self) -> StaffDialog:
        return self._open_staff_dialog(None)

    def edit_staff(self) -> StaffDialog | None:
        m = self.selected_staff()
        return self._open_staff_dialog(m) if m is not None else None

    def toggle_staff(self) -> None:
        m = self.selected_staff()
        if m is None:
            return
        if m.active and not dialogs.ask(self, "标记为已离校", f"将“{m.name}”标记为已离校？记录保留，"
                                        "不再出现在班主任的选择列表中。", yes="标记"):
            return
        try:
            set_staff_active(self.ctx.session, m.id, not m.active)
        except XinqiaoError as e:
            dialogs.warn(self, "教职工", e.message)
            return
        self.refresh()
        self.select_staff(m.name)


def _reset_rows(table: QTableWidget, rows: int) -> None:
    """Empty the table, then give it ``rows`` rows. Removing the rows hides and releases the date and head-teacher
    editors set in them (``setCellWidget``); replacing editors row by row left the old ones drawn over the table,
    where a resize did not clear them (after 添加班级…)."""
    for r in range(table.rowCount()):
        for c in range(table.columnCount()):
            w = table.cellWidget(r, c)
            if w is not None:
                w.hide()
                table.removeCellWidget(r, c)
    table.setRowCount(0)
    table.setRowCount(rows)
