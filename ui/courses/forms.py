"""The forms of 课程与活动: a lesson, an activity, a parent-school session, a push to parents.

Plain forms: every field is a named widget attribute (``date``, ``klass``, ``topic`` ...), ``values()`` reads them
into the input record the app function takes, and ``save()`` calls that function (which checks the rule, writes in
one transaction and audits). A refusal is shown and the form stays open with what was typed."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app import clock
from app.courses.model import ACTIVITY_KINDS, FORMS, PUSH_CHANNELS, SCOPES, THEMES
from app.courses.records import (
    ActivityInput,
    LessonInput,
    ParentSessionInput,
    PushInput,
    add_activity,
    add_lesson,
    add_parent_session,
    add_push,
)
from app.errors import XinqiaoError
from app.policy import can_keep_courses, class_scope
from app.school.classes import list_classes
from app.school.classnames import grade_name
from app.school.staff import list_staff
from app.session import Session
from ui.shell import dialogs
from ui.shell.forms import DraftDialog


def _date_edit() -> QDateEdit:
    w = QDateEdit()
    w.setCalendarPopup(True)
    w.setDisplayFormat("yyyy-MM-dd")
    today = clock.today()
    w.setDate(QDate(today.year, today.month, today.day))
    w.setMaximumDate(QDate(today.year, today.month, today.day))
    return w


def _iso(w: QDateEdit) -> str:
    q = w.date()
    return dt.date(q.year(), q.month(), q.day()).isoformat()


def _combo(items: list[tuple[str, Any]], *, editable: bool = False) -> QComboBox:
    w = QComboBox()
    w.setEditable(editable)
    for label, data in items:
        w.addItem(label, data)
    return w


def _class_combo(session: Session) -> QComboBox:
    scope = class_scope(session.account)
    return _combo([(c.name, c.id) for c in list_classes(session.db) if scope is None or c.id == scope])


def _teacher_combo(session: Session) -> QComboBox:
    """Staff names to pick, or any name typed in (kept as written)."""
    names = [s.name for s in list_staff(session.db) if s.active and s.role in ("psych_fulltime", "psych_parttime")]
    names += [s.name for s in list_staff(session.db) if s.active and s.name not in names]
    w = _combo([(n, n) for n in names], editable=True)
    w.setCurrentText(session.account.label if session.account.label in names else (names[0] if names else ""))
    return w


def _periods(value: float = 1) -> QDoubleSpinBox:
    w = QDoubleSpinBox()
    w.setRange(0.5, 20)
    w.setSingleStep(0.5)
    w.setDecimals(1)
    w.setValue(value)
    return w


class _Form(DraftDialog):
    """A course record's form: a draft under ``course:<kind>:new`` (ui.shell.forms; ordinary tier)."""

    saved = Signal(int)
    title = ""
    draft_kind = ""            # FORMS_BY_KIND's key
    draft_confidential = False

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(self.title)
        self.form = QFormLayout()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("保存")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

    def _finish(self) -> None:
        lay = QVBoxLayout(self)
        lay.addLayout(self.form)
        lay.addWidget(self.buttons)
        self.use_drafts(self.session, f"course:{self.draft_kind}:new")

    def write(self) -> int:
        raise NotImplementedError

    def save(self) -> None:
        try:
            new_id = self.write()
        except XinqiaoError as e:
            dialogs.warn(self, "无法保存", e.message)
            return
        self.saved.emit(new_id)
        self.accept()


class LessonForm(_Form):
    title = "新建心理课记录"

    draft_kind = "lesson"
    draft_label = "登记心理课"

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.date = _date_edit()
        self.klass = _class_combo(session)
        self.periods = _periods()
        self.teacher = _teacher_combo(session)
        self.topic = QLineEdit()
        self.topic.setPlaceholderText("课题，如：认识情绪")
        self.theme = _combo([("（不选）", "")] + [(t, t) for t in THEMES])
        self.lesson_form = _combo([("（不选）", "")] + [(f, f) for f in FORMS])
        self.note = QPlainTextEdit()
        self.note.setFixedHeight(60)
        for label, w in (("日期", self.date), ("班级", self.klass), ("课时", self.periods), ("授课教师", self.teacher),
                         ("课题", self.topic), ("主题", self.theme), ("形式", self.lesson_form), ("备注", self.note)):
            self.form.addRow(label, w)
        self._finish()

    def values(self) -> LessonInput:
        return LessonInput(_iso(self.date), int(self.klass.currentData() or 0), self.topic.text(),
                           self.periods.value(), self.teacher.currentText(), theme=str(self.theme.currentData()),
                           form=str(self.lesson_form.currentData()), note=self.note.toPlainText())

    def write(self) -> int:
        return add_lesson(self.session, self.values())


class ActivityForm(_Form):
    title = "新建主题活动记录"

    draft_kind = "activity"
    draft_label = "登记主题活动"

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        keeper = can_keep_courses(session.account)
        self.date = _date_edit()
        self.scope = _combo([(label, key) for key, label in SCOPES.items() if keeper or key == "class"])
        self.klass = _class_combo(session)
        grades = sorted({c.grade for c in list_classes(session.db)})
        self.grade = _combo([(grade_name(g), g) for g in grades])
        self.kind = _combo([(k, k) for k in ACTIVITY_KINDS])
        self.topic = QLineEdit()
        self.topic.setPlaceholderText("活动主题，如：情绪漂流瓶")
        self.periods = _periods()
        self.teacher = _teacher_combo(session)
        self.note = QPlainTextEdit()
        self.note.setFixedHeight(60)
        for label, w in (("日期", self.date), ("范围", self.scope), ("班级", self.klass), ("年级", self.grade),
                         ("类型", self.kind), ("主题", self.topic), ("课时", self.periods),
                         ("组织教师", self.teacher), ("备注", self.note)):
            self.form.addRow(label, w)
        self.scope.currentIndexChanged.connect(lambda _i: self._scope_changed())
        self._finish()
        self._scope_changed()

    def _scope_changed(self) -> None:
        scope = self.scope.currentData()
        self.form.setRowVisible(self.klass, scope == "class")
        self.form.setRowVisible(self.grade, scope == "grade")

    def values(self) -> ActivityInput:
        scope = str(self.scope.currentData())
        return ActivityInput(_iso(self.date), scope, str(self.kind.currentData()), self.topic.text(),
                             self.klass.currentData() if scope == "class" else None,
                             self.grade.currentData() if scope == "grade" else None, self.periods.value(),
                             self.teacher.currentText(), note=self.note.toPlainText())

    def write(self) -> int:
        return add_activity(self.session, self.values())


class ParentSchoolForm(_Form):
    title = "新建家长学校记录"

    draft_kind = "parent_school"
    draft_label = "登记家长学校"

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.date = _date_edit()
        self.topic = QLineEdit()
        self.hours = _periods(2)
        self.scope = _combo([(label, key) for key, label in SCOPES.items()])
        self.scope.setCurrentIndex(2)
        self.klass = _class_combo(session)
        self.grade = _combo([(grade_name(g), g) for g in sorted({c.grade for c in list_classes(session.db)})])
        self.speaker = _teacher_combo(session)
        self.mental_health = QCheckBox("含心理健康教育内容")
        self.mental_health.setChecked(True)
        self.note = QPlainTextEdit()
        self.note.setFixedHeight(60)
        for label, w in (("日期", self.date), ("主题", self.topic), ("课时", self.hours), ("范围", self.scope),
                         ("班级", self.klass), ("年级", self.grade), ("主讲人", self.speaker),
                         ("", self.mental_health), ("备注", self.note)):
            self.form.addRow(label, w)
        self.scope.currentIndexChanged.connect(lambda _i: self._scope_changed())
        self._finish()
        self._scope_changed()

    def _scope_changed(self) -> None:
        self.form.setRowVisible(self.klass, self.scope.currentData() == "class")
        self.form.setRowVisible(self.grade, self.scope.currentData() == "grade")

    def values(self) -> ParentSessionInput:
        scope = str(self.scope.currentData())
        return ParentSessionInput(_iso(self.date), self.topic.text(), self.hours.value(), scope,
                                  self.klass.currentData() if scope == "class" else None,
                                  self.grade.currentData() if scope == "grade" else None,
                                  self.speaker.currentText(), self.mental_health.isChecked(),
                                  self.note.toPlainText())

    def write(self) -> int:
        return add_parent_session(self.session, self.values())


class PushForm(_Form):
    title = "新建家长推送记录"

    draft_kind = "push"
    draft_label = "登记家长推送"

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.date = _date_edit()
        self.topic = QLineEdit()
        self.topic.setPlaceholderText("推送的材料，如：帮助孩子缓解考试焦虑")
        self.channel = _combo([(c, c) for c in PUSH_CHANNELS], editable=True)
        self.note = QPlainTextEdit()
        self.note.setFixedHeight(60)
        for label, w in (("日期", self.date), ("内容", self.topic), ("渠道", self.channel), ("备注", self.note)):
            self.form.addRow(label, w)
        self._finish()

    def values(self) -> PushInput:
        return PushInput(_iso(self.date), self.topic.text(), self.channel.currentText(), self.note.toPlainText())

    def write(self) -> int:
        return add_push(self.session, self.values())




def _spin(value: float | None, maximum: float = 60, step: float = 1, decimals: int = 0) -> QDoubleSpinBox:
    w = QDoubleSpinBox()
    w.setRange(0, maximum)
    w.setSingleStep(step)
    w.setDecimals(decimals)
    w.setSpecialValueText("不要求")
    w.setValue(value or 0)
    return w


class NormsForm(_Form):
    """The school's edit of its norms profile (0 = 不要求)."""

    title = "修改课程规范"

    draft_kind = "norms"
    draft_label = "编辑课程规范"

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        from app.courses.norms import current_norms

        super().__init__(session, parent)
        n = current_norms(session.db)
        self.raw = dict(n.raw)
        hours = n.semester_hours or {}
        self.name = QLineEdit(n.name)
        self.lessons_per_month = _spin(n.lessons_per_month, 10)
        self.lessons_every_weeks = _spin(n.lessons_every_weeks, 8)
        self.activities_per_month = _spin(n.activities_per_month, 10)
        self.activities_per_semester = _spin(n.activities_per_semester, 20)
        self.hours_primary = _spin(hours.get("primary"), 60, 1, 1)
        self.hours_junior = _spin(hours.get("junior"), 60, 1, 1)
        self.hours_senior = _spin(hours.get("senior"), 60, 1, 1)
        self.parent_sessions = _spin(n.parent_sessions, 20)
        self.parent_hours = _spin(n.parent_hours, 60, 0.5, 1)
        self.push_per_month = _spin(n.push_per_month, 10)
        for label, w in (("名称", self.name), ("每月心理课（节）", self.lessons_per_month),
                         ("或每几周 1 节", self.lessons_every_weeks), ("每月主题活动（次）", self.activities_per_month),
                         ("或每学期主题活动（次）", self.activities_per_semester),
                         ("每学期课时：小学", self.hours_primary), ("每学期课时：初中", self.hours_junior),
                         ("每学期课时：高中/中职", self.hours_senior), ("家长学校每学期（次）", self.parent_sessions),
                         ("家长学校每学期（课时）", self.parent_hours), ("每月家长推送（次）", self.push_per_month)):
            self.form.addRow(label, w)
        self._finish()

    def values(self) -> dict[str, Any]:
        def n(w: QDoubleSpinBox) -> int | None:
            return int(w.value()) or None

        hours = {k: w.value() for k, w in (("primary", self.hours_primary), ("junior", self.hours_junior),
                                           ("senior", self.hours_senior)) if w.value()}
        activities = dict(self.raw.get("activities") or {})
        activities.update({"per_month": n(self.activities_per_month), "per_semester": n(self.activities_per_semester)})
        return {**self.raw, "name": self.name.text().strip(),
                "lessons": {"per_month": n(self.lessons_per_month), "every_weeks": n(self.lessons_every_weeks),
                            "per_semester": (self.raw.get("lessons") or {}).get("per_semester")},
                "activities": activities, "semester_hours": hours or None,
                "parent_school": {"sessions": int(self.parent_sessions.value()), "hours": self.parent_hours.value()},
                "parent_push_per_month": int(self.push_per_month.value())}

    def write(self) -> int:
        from app.courses.norms import save_norms

        save_norms(self.session, self.values())
        return 0


FORMS_BY_KIND: dict[str, Callable[[Session, QWidget | None], _Form]] = {
    "lesson": LessonForm, "activity": ActivityForm, "parent_school": ParentSchoolForm, "push": PushForm,
    "norms": NormsForm}
