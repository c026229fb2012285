"""Typing a report in from paper: the class (or room), the date, routine or immediate, who reported, the climate
and events, and each student of concern with signs from the list and what was seen. No student: 本期无异常."""
from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import clock
from app.errors import XinqiaoError
from app.network.model import REPORTER_KINDS, SIGNS, period_of, previous_period
from app.network.people import list_rooms
from app.network.reports import ConcernInput, ReportInput, add_report
from app.session import Session
from ui.shell import dialogs
from ui.shell.forms import DraftDialog


class ReportDialog(DraftDialog):
    saved = Signal(int)
    draft_label = "预警网络报告"

    def __init__(self, session: Session, parent: QWidget | None = None, period: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("新建预警网络报告")
        self.session = session
        self.concerns: list[ConcernInput] = []
        self.place = QComboBox()
        for cid, name in session.db.query("SELECT id, name FROM classes ORDER BY grade, number"):
            self.place.addItem(name, ("class", cid))
        for room in list_rooms(session):
            self.place.addItem(f"宿舍 {room.label}", ("room", room.building, room.room))
        self.place.currentIndexChanged.connect(lambda _i: self._load_students())
        self.date = QDateEdit()
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        today = clock.today()
        self.date.setDate(QDate(today.year, today.month, today.day))
        self.kind = QComboBox()
        self.kind.addItem("例行报告", False)
        self.kind.addItem("即时报告", True)
        # 期次: a paper report for November handed in on 2 December is November's report
        self.period = QComboBox()
        p = period_of(today)
        for _ in range(12):
            self.period.addItem(p, p)
            p = previous_period(p)
        self.period.setCurrentIndex(max(0, self.period.findData(period or period_of(today))))
        self.reporter_kind = QComboBox()
        for key, label in REPORTER_KINDS.items():
            self.reporter_kind.addItem(label, key)
        self.reporter = QLineEdit()
        self.climate = QPlainTextEdit()
        self.climate.setFixedHeight(48)
        self.events = QPlainTextEdit()
        self.events.setFixedHeight(48)
        self.student = QComboBox()
        self.student.setEditable(False)
        self.signs = QListWidget()
        for s in SIGNS:
            it = QListWidgetItem(s)
            it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            it.setCheckState(Qt.CheckState.Unchecked)
            self.signs.addItem(it)
        self.signs.setFixedHeight(110)
        self.seen = QLineEdit()
        self.seen.setPlaceholderText("所见情况（保密，仅心理教师可见）")
        self.add_button = QPushButton("加入关注学生")
        self.add_button.clicked.connect(self.add_concern)
        self.listed = QListWidget()
        self.listed.setFixedHeight(80)
        form = QFormLayout()
        form.addRow("班级/宿舍", self.place)
        form.addRow("日期", self.date)
        form.addRow("类型", self.kind)
        form.addRow("期次", self.period)
        who = QHBoxLayout()
        who.addWidget(self.reporter_kind)
        who.addWidget(self.reporter, 1)
        form.addRow("报告人", who)
        form.addRow("班级情况（保密）", self.climate)
        form.addRow("事件（保密）", self.events)
        form.addRow("关注学生", self.student)
        form.addRow("表现", self.signs)
        form.addRow("所见情况", self.seen)
        form.addRow("", self.add_button)
        form.addRow("已列学生", self.listed)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("保存（无学生即“本期无异常”）")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(buttons)
        self._load_students()
        self.use_drafts(session, "network:report:new")

    def draft_state(self) -> dict[str, Any]:
        """The fields, and the students already listed (held outside the widgets until saved)."""
        listed = [{"student_id": c.student_id, "signs": list(c.signs), "seen": c.seen,
                   "label": self.listed.item(i).text() if i < self.listed.count() else ""}
                  for i, c in enumerate(self.concerns)]
        return {**super().draft_state(), "concerns": listed}

    def restore_draft_state(self, state: dict[str, Any]) -> None:
        super().restore_draft_state(state)
        self.concerns.clear()
        self.listed.clear()
        for c in state.get("concerns") or []:
            self.concerns.append(ConcernInput(int(c["student_id"]), list(c["signs"]), str(c.get("seen", ""))))
            self.listed.addItem(str(c.get("label", "")))

    def _load_students(self) -> None:
        self.student.clear()
        data = self.place.currentData()
        if data is None:
            return
        # a room's report comes from its informant, a class's from its committee member (either may be changed)
        if self.reporter_kind.currentData() in ("psych_rep", "informant"):
            self.reporter_kind.setCurrentIndex(self.reporter_kind.findData("informant" if data[0] == "room"
                                                                           else "psych_rep"))
        if data[0] == "class":
            rows = self.session.db.query("SELECT id, name FROM students WHERE class_id = :c AND status = '在读'"
                                         " ORDER BY id", {"c": data[1]})
        else:
            rows = self.session.db.query("SELECT s.id, s.name FROM network_dorms d JOIN students s ON"
                                         " s.id = d.student_id WHERE d.building = :b AND d.room = :r"
                                         " AND s.status = '在读' ORDER BY s.id",
                                         {"b": data[1], "r": data[2]})
        for sid, name in rows:
            self.student.addItem(name, sid)

    def checked_signs(self) -> list[str]:
        return [self.signs.item(i).text() for i in range(self.signs.count())
                if self.signs.item(i).checkState() == Qt.CheckState.Checked]

    def add_concern(self) -> None:
        sid = self.student.currentData()
        signs = self.checked_signs()
        if sid is None or not signs:
            dialogs.warn(self, "请选择", "请选择关注学生，并勾选至少一种表现。")
            return
        self.concerns.append(ConcernInput(int(sid), signs, self.seen.text()))
        self.listed.addItem(f"{self.student.currentText()}：{'、'.join(signs)}")
        self._draft_touched()
        for i in range(self.signs.count()):
            self.signs.item(i).setCheckState(Qt.CheckState.Unchecked)
        self.seen.clear()

    def report_input(self) -> ReportInput:
        data = self.place.currentData()
        q = self.date.date()
        day = dt.date(q.year(), q.month(), q.day()).isoformat()
        room = data[0] == "room"
        return ReportInput(day, self.reporter_kind.currentData(), self.reporter.text(),
                           None if room else data[1], data[1] if room else "", data[2] if room else "",
                           bool(self.kind.currentData()), str(self.period.currentData()),
                           climate=self.climate.toPlainText(),
                           events=self.events.toPlainText(), concerns=list(self.concerns))

    def save(self) -> None:
        try:
            rid = add_report(self.session, self.report_input())
        except XinqiaoError as e:
            dialogs.warn(self, "无法保存", e.message)
            return
        self.saved.emit(rid)
        self.accept()
