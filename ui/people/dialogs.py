"""The people page's dialogs, each a plain form of named widgets: a member's roles (multi-select tags), a training
record, the cycle and norms, one day's duty and a weekday pattern. Each writes through one public function of
``app.people`` / ``app.school.staff`` and emits ``saved`` after it; a refused write shows the reason in red and keeps
the form open."""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from app import clock
from app.errors import XinqiaoError
from app.people.duty import assign_duty, assign_pattern
from app.people.model import KINDS, LEVELS, NORM_GROUPS, load_settings
from app.people.training import add_training, set_people_settings
from app.school.holidays import WEEKDAYS
from app.school.staff import ROLE_ORDER, STAFF_ROLES, StaffMember, list_staff, set_staff_roles
from app.session import Session
from ui.people.common import staff_combo
from ui.shell.forms import DraftDialog
from ui.shell.theme import set_tone


def _date_edit(day: dt.date) -> QDateEdit:
    edit = QDateEdit(QDate(day.year, day.month, day.day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


def _day(edit: QDateEdit) -> dt.date:
    q = edit.date()
    return dt.date(q.year(), q.month(), q.day())


def _form_base(base: type[QDialog]) -> type[QDialog]:
    class _Base(base):  # type: ignore[valid-type, misc]
        """A form with an error line and 保存/取消; ``write()`` does the one write, ``saved`` follows it. A typed
        form (``DraftDialog``) keeps its draft (ui.shell.forms; staff data, the ordinary tier) under
        ``form_key()``; a form of choices and numbers only, each shown from what is stored, keeps none."""

        saved = Signal()
        draft_confidential = False

        def __init__(self, session: Session, title: str, parent: QWidget | None = None) -> None:
            super().__init__(parent)
            self.session = session
            self.setWindowTitle(title)
            self.setMinimumWidth(420)
            self.form = QFormLayout(self)
            self.error = QLabel("")
            set_tone(self.error, "error")
            self.error.setWordWrap(True)
            self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                            | QDialogButtonBox.StandardButton.Cancel)
            self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("保存")
            self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
            self.buttons.accepted.connect(self.submit)
            self.buttons.rejected.connect(self.reject)

        def finish(self) -> None:
            self.form.addRow(self.error)
            self.form.addRow(self.buttons)
            if isinstance(self, DraftDialog):
                self.use_drafts(self.session, self.form_key())

        def form_key(self) -> str:
            raise NotImplementedError

        def write(self) -> None:
            raise NotImplementedError

        def submit(self) -> None:
            try:
                self.write()
            except XinqiaoError as e:
                self.error.setText(e.message)
                return
            self.saved.emit()
            self.accept()
    return _Base


_Form = _form_base(DraftDialog)     # typed input: a draft
_Choices = _form_base(QDialog)      # choices and numbers only (listed in tests/ui/every_form.py's EXEMPT)


class RolesDialog(_Choices):
    """A staff member's roles as tags to switch on and off (at least one)."""

    draft_label = "教职工身份"

    def __init__(self, session: Session, member: StaffMember, parent: QWidget | None = None) -> None:
        super().__init__(session, f"{member.name}的身份", parent)
        self.member = member
        row = QHBoxLayout()
        self.tags: dict[str, QPushButton] = {}
        for role in ROLE_ORDER:
            tag = QPushButton(STAFF_ROLES[role])
            tag.setCheckable(True)
            tag.setChecked(member.holds(role))
            set_tone(tag, "tag")
            self.tags[role] = tag
            row.addWidget(tag)
        row.addStretch(1)
        self.form.addRow("身份（可多选）", row)
        hint = QLabel("身兼数职的，培训学时按其中最高的要求计算。")
        set_tone(hint, "muted")
        self.form.addRow(hint)
        self.finish()

    def form_key(self) -> str:
        return f"people:roles:{self.member.id}"

    def roles(self) -> list[str]:
        return [r for r, tag in self.tags.items() if tag.isChecked()]

    def write(self) -> None:
        set_staff_roles(self.session, self.member.id, self.roles())


class TrainingDialog(_Form):
    """One training record: person, date, title, level, kind, hours and a note."""

    draft_label = "登记培训"

    def __init__(self, session: Session, parent: QWidget | None = None, *, staff_id: int | None = None) -> None:
        super().__init__(session, "登记培训", parent)
        self.person = staff_combo(list_staff(session.db))
        if staff_id is not None:
            self.person.setCurrentIndex(max(0, self.person.findData(staff_id)))
        self.held_on = _date_edit(clock.today())
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText("如：市中小学心理健康教育骨干教师培训")
        self.level = QComboBox()
        for key, label in LEVELS.items():
            self.level.addItem(label, key)
        self.level.setCurrentIndex(self.level.findData("district"))
        self.kind = QComboBox()
        for key, label in KINDS.items():
            self.kind.addItem(label, key)
        self.hours = QDoubleSpinBox()
        self.hours.setRange(0, 200)
        self.hours.setDecimals(1)
        self.hours.setSingleStep(0.5)
        self.hours.setSuffix(" 学时")
        self.note = QLineEdit()
        self.form.addRow("教职工", self.person)
        self.form.addRow("日期", self.held_on)
        self.form.addRow("培训名称", self.title_edit)
        self.form.addRow("级别", self.level)
        self.form.addRow("类型", self.kind)
        self.form.addRow("学时", self.hours)
        self.form.addRow("备注", self.note)
        self.finish()

    def form_key(self) -> str:
        return "people:training:new"

    def write(self) -> None:
        if self.person.currentData() is None:
            raise XinqiaoError("请先在 设置 → 学校 → 教职工 中添加教职工。")
        add_training(self.session, int(self.person.currentData()), _day(self.held_on), self.title_edit.text(),
                     str(self.level.currentData()), str(self.kind.currentData()), self.hours.value(),
                     self.note.text())


class CycleDialog(_Choices):
    """The training cycle's start year, each role's hours in a cycle, full-time teachers' supervisions a year."""

    draft_label = "培训周期与学时要求"

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, "培训周期与学时要求", parent)
        cur = load_settings(session.db)
        self.start_year = QSpinBox()
        self.start_year.setRange(2000, 2100)
        self.start_year.setValue(cur.cycle_start_year)
        self.form.addRow("周期起始年份（9 月 1 日起，三年一周期）", self.start_year)
        self.norms: dict[str, QDoubleSpinBox] = {}
        for key, label in NORM_GROUPS.items():
            spin = QDoubleSpinBox()
            spin.setRange(0, 1000)
            spin.setDecimals(1)
            spin.setSuffix(" 学时")
            spin.setValue(cur.norms[key])
            self.norms[key] = spin
            self.form.addRow(f"{label}（三年）", spin)
        self.supervisions = QSpinBox()
        self.supervisions.setRange(0, 12)
        self.supervisions.setValue(cur.supervisions_per_year)
        self.form.addRow("专职心理教师每学年督导（次）", self.supervisions)
        self.finish()

    def form_key(self) -> str:
        return "people:cycle"

    def write(self) -> None:
        set_people_settings(self.session, cycle_start_year=self.start_year.value(),
                            norms={k: s.value() for k, s in self.norms.items()},
                            supervisions_per_year=self.supervisions.value())


class DutyDayDialog(_Choices):
    """Who is on duty on one day (or nobody)."""

    draft_label = "安排值班"

    def __init__(self, session: Session, day: dt.date, current: int | None, parent: QWidget | None = None) -> None:
        super().__init__(session, f"{day.isoformat()} 星期{WEEKDAYS[day.weekday()]} 值班", parent)
        self.day = day
        self.person = staff_combo(list_staff(session.db), blank="（无人值班）")
        if current is not None:
            self.person.setCurrentIndex(max(0, self.person.findData(current)))
        self.form.addRow("值班人员", self.person)
        self.finish()

    def form_key(self) -> str:
        return f"people:duty:{self.day.isoformat()}"

    def write(self) -> None:
        sid = self.person.currentData()
        assign_duty(self.session, self.day, int(sid) if sid is not None else None)


class PatternDialog(_Choices):
    """A weekday pattern over a date range; only school days are written."""

    draft_label = "按星期安排值班"

    def __init__(self, session: Session, first: dt.date, last: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(session, "按星期安排值班", parent)
        self.start = _date_edit(first)
        self.end = _date_edit(last)
        self.form.addRow("开始日期", self.start)
        self.form.addRow("结束日期", self.end)
        members = list_staff(session.db)
        self.weekdays: dict[int, QComboBox] = {}
        for w in range(7):
            combo = staff_combo(members, blank="（不安排）")
            self.weekdays[w] = combo
            self.form.addRow(f"星期{WEEKDAYS[w]}", combo)
        self.keep = QCheckBox("保留已安排的日子")
        self.form.addRow(self.keep)
        hint = QLabel("只写入上课日：周末、节假日和学期外的日子跳过；调休上课的周末按星期六、日的安排。")
        hint.setWordWrap(True)
        set_tone(hint, "muted")
        self.form.addRow(hint)
        self.written = 0
        self.finish()

    def form_key(self) -> str:
        return "people:pattern"

    def write(self) -> None:
        pattern = {w: int(c.currentData()) for w, c in self.weekdays.items() if c.currentData() is not None}
        self.written = assign_pattern(self.session, _day(self.start), _day(self.end), pattern,
                                      keep_existing=self.keep.isChecked())
