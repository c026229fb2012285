"""The record form: every field reachable by Tab, dates default to today, Ctrl+S saves, a template fills the
common text, and the whole form is kept as a draft (``ui.shell.forms``: about a second after typing stops, at once
when the app locks or closes), restored when the same record is opened again."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate, QTime, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QStackedWidget,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from app import clock
from app.casework.model import CONCERN_CATEGORIES, KIND_LABELS, KINDS, RISK_LABELS, RISKS, RecordInput
from app.casework.records import create_record, get_record, load_students, update_record
from app.casework.templates import TEMPLATES, template
from app.errors import XinqiaoError
from app.policy import can_read_confidential
from ui.casework.attendance import AttendancePicker
from ui.shell import dialogs
from ui.shell.chips import ChipField
from ui.shell.confidential import ConfidentialCover
from ui.shell.context import AppContext, Change
from ui.shell.forms import DraftForm
from ui.shell.reason_dialog import ReasonDialog
from ui.shell.student_picker import StudentPicker
from ui.shell.theme import set_tone


def _text_box(height: int = 90) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    box.setMinimumHeight(height)
    return box


class RecordForm(QWidget, DraftForm):
    saved = Signal(int)
    cancelled = Signal()
    draft_label = "个案记录"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.record_id: int | None = None
        self._dirty = False
        self._loading = False
        sees = can_read_confidential(ctx.session.account)

        self.kind = QComboBox()
        for k in KINDS:
            self.kind.addItem(KIND_LABELS[k], k)
        self.template = QComboBox()
        self.template.addItem("（不使用模板）", None)
        for t in TEMPLATES:
            self.template.addItem(t.label, t.key)
        self.student = StudentPicker(ctx)
        self.attendance = AttendancePicker(ctx)
        self.who = QStackedWidget()
        self.who.addWidget(self.student)
        self.who.addWidget(self.attendance)
        self.date = QDateEdit()
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.time = QTimeEdit()
        self.time.setDisplayFormat("HH:mm")
        self.duration = QSpinBox()
        self.duration.setRange(0, 600)
        self.duration.setSuffix(" 分钟")
        self.duration.setSpecialValueText("未填")  # 0 means "not given", not a zero-minute session
        self.place = QLineEdit()
        self.participants = QLineEdit()
        self.participants.setPlaceholderText("在场的其他人，如 母亲、班主任")
        self.title = QLineEdit()
        self.title.setPlaceholderText("团体辅导主题")
        self.categories = ChipField(CONCERN_CATEGORIES)   # checkable tags (text() joins them with 、 as before)
        self.concern = QLineEdit()
        self.summary = _text_box(110)
        self.summary.setPlaceholderText("记录摘要（普通级：班主任可见）")
        self.confidential = _text_box(80)
        self.confidential.setPlaceholderText("保密记录（仅心理教师可见）")
        self.risk = QComboBox()
        for r in RISKS:
            self.risk.addItem(RISK_LABELS[r], r)
        self.next_step = QLineEdit()
        self.follow = QCheckBox("约定回访")
        self.follow_date = QDateEdit()
        self.follow_date.setCalendarPopup(True)
        self.follow_date.setDisplayFormat("yyyy-MM-dd")
        self.follow_date.setVisible(False)   # shown once 约定回访 is ticked (a field that does not apply is hidden)
        self.save_btn = QPushButton("保存（Ctrl+S）")
        self.save_btn.setDefault(True)
        self.cancel_btn = QPushButton("取消")
        self.status = QLabel()
        set_tone(self.status, "muted")

        when = QHBoxLayout()
        when.addWidget(self.date)
        when.addWidget(self.time)
        when.addWidget(QLabel("时长"))
        when.addWidget(self.duration)
        when.addStretch(1)
        follow = QHBoxLayout()
        follow.addWidget(self.follow)
        follow.addWidget(self.follow_date)
        follow.addStretch(1)
        form = QFormLayout()
        self.fields_form = form
        form.addRow("类型", self.kind)
        form.addRow("模板", self.template)
        self.template_note = QLabel()
        self.template_note.setWordWrap(True)
        set_tone(self.template_note, "warn")
        self.template_note.hide()
        form.addRow("", self.template_note)
        form.addRow("学生", self.who)
        form.addRow("日期时间", when)
        form.addRow("地点", self.place)
        form.addRow("参与人员", self.participants)
        form.addRow("主题", self.title)
        form.addRow("问题类别", self.categories)
        form.addRow("主诉", self.concern)
        form.addRow("记录摘要", self.summary)
        self.confidential_label = QLabel("保密记录")
        # An existing record's confidential note stays hidden until 显示保密内容 (per record, audited).
        self.confidential_cover = ConfidentialCover(self.confidential, ctx.session, "保密记录")
        self.confidential_cover.show_plainly()
        form.addRow(self.confidential_label, self.confidential_cover)
        form.addRow("观察到的风险", self.risk)
        form.addRow("下一步", self.next_step)
        form.addRow("回访", follow)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.cancel_btn)
        buttons.addWidget(self.save_btn)
        fields = QWidget()
        fields.setLayout(form)
        self.scroll = QScrollArea()          # at 1024×768 a group form is taller than the window: scroll, never overlap
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(fields)
        lay = QVBoxLayout(self)
        lay.addWidget(self.scroll, 1)
        lay.addLayout(buttons)
        if not sees:
            self.confidential_cover.hide()
            self.confidential.hide()
            self.confidential_label.hide()

        order: list[QWidget] = [self.kind, self.template, self.student.edit, self.attendance.class_combo,
                                self.attendance.list, self.date, self.time, self.duration, self.place,
                                self.participants, self.title, self.categories, self.concern, self.summary,
                                self.confidential, self.risk, self.next_step, self.follow, self.follow_date,
                                self.save_btn]
        for a, b in zip(order, order[1:], strict=False):
            QWidget.setTabOrder(a, b)

        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)
        self.save_btn.clicked.connect(self.save)
        self.cancel_btn.clicked.connect(self.cancel)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.template.activated.connect(self._apply_template)
        self.follow.toggled.connect(self.follow_date.setVisible)
        for w in (self.place, self.participants, self.title, self.categories, self.concern, self.next_step):
            w.textEdited.connect(self._touch)
        for box in (self.summary, self.confidential):
            box.textChanged.connect(self._touch)
        self.student.chosen.connect(lambda _id: self._touch())
        self.attendance.list.itemChanged.connect(lambda _i: self._touch())

        self.use_drafts(ctx.session, self.form_key, restore=False)
        self.timer: QTimer = self._draft_timer   # type: ignore[assignment]
        self.student.chosen.connect(self._draft_touched)
        self.attendance.list.itemChanged.connect(self._draft_touched)
        ctx.locking.connect(self.save_draft_now)
        self.new_record()

    # -- state ---------------------------------------------------------------------------------------
    @property
    def form_key(self) -> str:
        return f"record:{self.record_id}" if self.record_id else "record:new"

    def _touch(self, *_args: Any) -> None:
        if not self._loading:
            self._dirty = True

    def _kind_changed(self) -> None:
        group = self.kind.currentData() == "group"
        self.who.setCurrentWidget(self.attendance if group else self.student)
        for w in (self.student, self.attendance):   # the stack takes the height of the page shown
            policy = QSizePolicy.Policy.Preferred if w is self.who.currentWidget() else QSizePolicy.Policy.Ignored
            w.setSizePolicy(policy, policy)
        self.who.adjustSize()
        self.fields_form.setRowVisible(self.title, group)   # 主题 is a group's: hidden, not greyed, otherwise
        self._touch()

    def _apply_template(self) -> None:
        t = template(self.template.currentData() or "")
        if t is None:
            return
        # A template fills text; it never changes the record's type behind the user's back (一生一谈 on a
        # 个体咨询 stays 个体咨询). The note says which type the template was written for.
        kind = self.kind.currentData()
        self.template_note.setText("" if t.kind == kind else
                                   f"模板“{t.label}”原用于{KIND_LABELS[t.kind]}；记录类型仍为{KIND_LABELS[kind]}，"
                                   "如需更改请在“类型”中选择。")
        self.template_note.setVisible(t.kind != kind)
        self.categories.setText("、".join(t.categories))
        self.concern.setText(t.concern)
        if not self.summary.toPlainText().strip():
            self.summary.setPlainText(t.summary)
        self.next_step.setText(t.next_step)
        if t.duration_min:
            self.duration.setValue(t.duration_min)
        if t.place:
            self.place.setText(t.place)
        if t.follow_up_days:
            self.follow.setChecked(True)
            self.follow_date.setDate(self.date.date().addDays(t.follow_up_days))
        self._touch()

    def new_record(self, kind: str | None = None, student_id: int | None = None) -> None:
        """A blank form (dates: today); restores this account's unsaved draft if there is one."""
        self.record_id = None
        self._fill(self._blank(kind, student_id))
        self.confidential_cover.show_plainly()
        if self.set_draft_key(self.form_key):
            self.status.setText("已恢复上次未保存的草稿。")
        self.kind.setFocus()

    def edit_record(self, record_id: int) -> None:
        rec = get_record(self.ctx.session, record_id)   # a counselor's view of confidential notes is audited
        self.record_id = record_id
        state = self._state_of(rec.as_input())
        self._fill(state)
        if self.set_draft_key(self.form_key):
            self.status.setText("已恢复上次未保存的修改。")
        else:
            self.status.setText(f"第 {rec.version} 版，{rec.updated_by} 于 {rec.updated_at.replace('T', ' ')} 保存")
        if self.confidential.toPlainText().strip():
            self.confidential_cover.conceal(f"case_records:{record_id}")
        else:
            self.confidential_cover.show_plainly()

    def _blank(self, kind: str | None, student_id: int | None) -> dict[str, Any]:
        now = clock.now()
        return {"kind": kind or "individual", "student_ids": [student_id] if student_id else [],
                "date": now.date().isoformat(), "time": now.strftime("%H:%M"), "duration_min": 0, "place": "",
                "participants": "", "title": "", "categories": "", "concern_text": "", "summary": "",
                "confidential": "", "risk": "none", "next_step": "", "follow_up_date": None}

    def _state_of(self, data: RecordInput) -> dict[str, Any]:
        date, _, time = data.occurred_at.partition("T")
        return {"kind": data.kind, "student_ids": data.student_ids, "date": date, "time": time or "00:00",
                "duration_min": data.duration_min or 0, "place": data.place, "participants": data.participants,
                "title": data.title, "categories": "、".join(data.concern_categories),
                "concern_text": data.concern_text, "summary": data.summary, "confidential": data.confidential,
                "risk": data.risk, "next_step": data.next_step, "follow_up_date": data.follow_up_date}

    def state(self) -> dict[str, Any]:
        """Everything typed, as plain JSON (this is what a draft holds)."""
        group = self.kind.currentData() == "group"
        ids = self.attendance.selected_ids() if group else ([self.student.student_id] if self.student.student_id
                                                            else [])
        return {"kind": self.kind.currentData(), "student_ids": ids,
                "date": self.date.date().toString("yyyy-MM-dd"), "time": self.time.time().toString("HH:mm"),
                "duration_min": self.duration.value(), "place": self.place.text(),
                "participants": self.participants.text(), "title": self.title.text(),
                "categories": self.categories.text(), "concern_text": self.concern.text(),
                "summary": self.summary.toPlainText(), "confidential": self.confidential.toPlainText(),
                "risk": self.risk.currentData(), "next_step": self.next_step.text(),
                "follow_up_date": self.follow_date.date().toString("yyyy-MM-dd") if self.follow.isChecked() else None}

    def _fill(self, s: dict[str, Any]) -> None:
        self._loading = True
        try:
            self.kind.setCurrentIndex(max(0, KINDS.index(s["kind"]) if s["kind"] in KINDS else 0))
            self._kind_changed()
            ids = [int(i) for i in s.get("student_ids") or []]
            if s["kind"] == "group":
                self.attendance.set_selected(ids)
                self.student.set_student(None)
            else:
                self.attendance.clear()
                refs = load_students(self.ctx.session.db, ids[:1])
                if ids and ids[0] in refs:
                    ref = refs[ids[0]]
                    self.student.set_student(ref.id, f"{ref.name}（{ref.class_name}）")
                else:
                    self.student.set_student(None)
                    self.student.edit.clear()
            self.date.setDate(QDate.fromString(s["date"], "yyyy-MM-dd"))
            self.time.setTime(QTime.fromString(s["time"], "HH:mm"))
            self.duration.setValue(int(s.get("duration_min") or 0))
            self.place.setText(s.get("place", ""))
            self.participants.setText(s.get("participants", ""))
            self.title.setText(s.get("title", ""))
            self.categories.setText(s.get("categories", ""))
            self.concern.setText(s.get("concern_text", ""))
            self.summary.setPlainText(s.get("summary", ""))
            self.confidential.setPlainText(s.get("confidential", ""))
            self.risk.setCurrentIndex(max(0, self.risk.findData(s.get("risk", "none"))))
            self.next_step.setText(s.get("next_step", ""))
            follow = s.get("follow_up_date")
            self.follow.setChecked(bool(follow))
            self.follow_date.setDate(QDate.fromString(follow, "yyyy-MM-dd") if follow else
                                     self.date.date().addDays(7))
            self.template.setCurrentIndex(0)
        finally:
            self._loading = False
            self._dirty = False
        self.status.setText("")

    # -- drafts and saving ----------------------------------------------------------------------------
    def draft_state(self) -> dict[str, Any]:
        return self.state()

    def restore_draft_state(self, state: dict[str, Any]) -> None:
        self._fill({**self._blank(None, None), **state})

    def draft_student_id(self) -> int | None:
        ids = self.state()["student_ids"]
        return int(ids[0]) if ids else None

    def save_draft_now(self) -> bool:
        written = super().save_draft_now()
        if written:
            self._dirty = False
            self.status.setText(f"草稿已自动保存 {clock.now().strftime('%H:%M:%S')}")
        return written

    def record_input(self) -> RecordInput:
        s = self.state()
        cats = [c for c in s["categories"].replace(",", "、").replace("，", "、").split("、") if c.strip()]
        when = f"{s['date']}T{s['time']}"
        return RecordInput(s["kind"], s["student_ids"], when, s["duration_min"] or None, s["place"],
                           s["participants"], s["title"] if s["kind"] == "group" else "", cats,
                           s["concern_text"], s["summary"], s["confidential"], s["risk"], s["next_step"],
                           s["follow_up_date"])

    def save(self) -> int | None:
        """Save a new record at once (its id); an edit first asks the reason in a ``ReasonDialog`` (a form that
        survives a lock) and is saved when it is given (None now; ``saved`` is emitted then)."""
        data = self.record_input()
        if self.record_id is not None:
            self.ask_reason(self.record_id, data)
            return None
        try:
            rid = create_record(self.ctx.session, data)
        except XinqiaoError as e:
            dialogs.warn(self, "无法保存", e.message)
            return None
        return self._saved(rid)

    def ask_reason(self, record_id: int, data: RecordInput) -> ReasonDialog:
        session = self.ctx.session

        def write(reason: str) -> int:
            update_record(session, record_id, data, reason)
            return record_id

        dlg = ReasonDialog(session, f"record:reason:{record_id}", "修改原因", "请写明修改原因（将保留修改前的版本）：",
                           write, label="谈话记录修改原因", ok="保存修改", parent=self)
        dlg.written.connect(lambda rid: self._saved(int(rid)))
        self.reason_dialog = dlg
        dlg.open()          # window-modal, without a blocking loop: a lock hides it and gives it back
        return dlg

    def _saved(self, rid: int) -> int:
        self.draft_saved()
        self._dirty = False
        self.ctx.data_changed.emit(Change.CASEWORK)
        self.saved.emit(rid)
        return rid

    def cancel(self) -> bool:
        """取消: asks before discarding anything typed (the default keeps it); True if the form was left."""
        if not self.confirm_discard():
            return False
        self._dirty = False
        self.cancelled.emit()
        return True
