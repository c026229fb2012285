"""年级组研判: a grade's quarterly review — the date, who took part, the students discussed (ticked in the grade's
list) and the decision for each (it lands on the student's timeline)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import clock
from app.errors import XinqiaoError
from app.network.model import quarter_of
from app.network.people import record_review
from app.school.classnames import grade_name
from app.session import Session
from ui.shell import dialogs
from ui.shell.forms import DraftDialog


class ReviewDialog(DraftDialog):
    saved = Signal(int)
    draft_label = "年级组研判"

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("新建年级组研判记录")
        self.session = session
        self.grade = QComboBox()
        for (g,) in session.db.query("SELECT DISTINCT grade FROM classes ORDER BY grade"):
            self.grade.addItem(grade_name(g), g)
        self.grade.currentIndexChanged.connect(lambda _i: self._load())
        today = clock.today()
        self.date = QDateEdit(QDate(today.year, today.month, today.day))
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.participants = QLineEdit()
        self.participants.setPlaceholderText("如：年级主任、各班班主任、心理教师")
        self.students = QTableWidget(0, 3)
        self.students.setHorizontalHeaderLabels(("学生（勾选讨论的）", "班级", "研判结论"))
        self.students.horizontalHeader().setStretchLastSection(True)
        self.ids: list[int] = []
        form = QFormLayout()
        form.addRow("年级", self.grade)
        form.addRow("日期", self.date)
        form.addRow("参加人员", self.participants)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.students, 1)
        lay.addWidget(buttons)
        self._load()
        self.students.itemChanged.connect(self._draft_touched)
        self.use_drafts(session, "network:review:new")

    def draft_state(self) -> dict[str, Any]:
        """The fields, and per listed student: ticked, and the conclusion typed."""
        rows = {str(sid): [self.students.item(i, 0).checkState() == Qt.CheckState.Checked,
                           self.students.item(i, 2).text()] for i, sid in enumerate(self.ids)}
        return {**super().draft_state(), "students": rows}

    def restore_draft_state(self, state: dict[str, Any]) -> None:
        super().restore_draft_state(state)   # the grade first: it lists the students
        rows = state.get("students") or {}
        for i, sid in enumerate(self.ids):
            ticked, text = rows.get(str(sid), [False, ""])
            self.students.item(i, 0).setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
            self.students.item(i, 2).setText(str(text))

    def _load(self) -> None:
        rows = self.session.db.query(
            "SELECT s.id, s.name, c.name FROM students s JOIN classes c ON c.id = s.class_id WHERE c.grade = :g"
            " AND s.status = '在读' ORDER BY c.number, s.id", {"g": self.grade.currentData()})
        self.ids = [r[0] for r in rows]
        self.students.setRowCount(len(rows))
        for i, (_sid, name, cls) in enumerate(rows):
            pick = QTableWidgetItem(name)
            pick.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            pick.setCheckState(Qt.CheckState.Unchecked)
            self.students.setItem(i, 0, pick)
            cell = QTableWidgetItem(cls)
            cell.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.students.setItem(i, 1, cell)
            self.students.setItem(i, 2, QTableWidgetItem(""))

    def decisions(self) -> list[tuple[int, str]]:
        out = []
        for i, sid in enumerate(self.ids):
            if self.students.item(i, 0).checkState() == Qt.CheckState.Checked:
                out.append((sid, self.students.item(i, 2).text()))
        return out

    def save(self) -> None:
        q = self.date.date()
        day = dt.date(q.year(), q.month(), q.day())
        try:
            rid = record_review(self.session, int(self.grade.currentData()), quarter_of(day), day,
                                self.participants.text(), self.decisions())
        except XinqiaoError as e:
            dialogs.warn(self, "无法保存", e.message)
            return
        self.saved.emit(rid)
        self.accept()
