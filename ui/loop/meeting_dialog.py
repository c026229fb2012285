"""The leadership group's monthly meeting: a plain form (date, attendees from the group, the four topics, minutes)."""
from __future__ import annotations

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app import clock
from app.errors import XinqiaoError
from app.loop.meetings import TOPICS, group_names, record_meeting
from app.session import Session
from ui.shell import dialogs
from ui.shell.forms import DraftDialog


class MeetingDialog(DraftDialog):
    """A draft under ``loop:meeting:new`` (minutes are the school's business, the ordinary tier)."""

    draft_label = "领导小组会议"
    draft_confidential = False

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("新建领导小组会议记录")
        form = QFormLayout(self)
        self.held_on = QDateEdit(QDate(clock.today()))
        self.held_on.setObjectName("held_on")
        self.held_on.setCalendarPopup(True)
        self.held_on.setDisplayFormat("yyyy-MM-dd")
        form.addRow("会议日期", self.held_on)
        box = QWidget()
        col = QVBoxLayout(box)
        col.setContentsMargins(0, 0, 0, 0)
        self.attendees: dict[str, QCheckBox] = {}
        for name in group_names(session):
            cb = QCheckBox(name)
            cb.setObjectName(f"attendee:{name}")
            self.attendees[name] = cb
            col.addWidget(cb)
        form.addRow("出席成员", box)
        topics = QWidget()
        tcol = QVBoxLayout(topics)
        tcol.setContentsMargins(0, 0, 0, 0)
        self.topics: dict[str, QCheckBox] = {}
        for key, label in TOPICS.items():
            cb = QCheckBox(label)
            cb.setObjectName(f"topic:{key}")
            self.topics[key] = cb
            tcol.addWidget(cb)
        form.addRow("议题", topics)
        self.minutes = QPlainTextEdit()
        self.minutes.setObjectName("minutes")
        form.addRow("会议纪要", self.minutes)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.saved_id: int | None = None
        self.use_drafts(session, "loop:meeting:new")

    def save(self) -> None:
        try:
            self.saved_id = record_meeting(
                self.session, self.held_on.date().toPython(),  # type: ignore[arg-type]
                [n for n, cb in self.attendees.items() if cb.isChecked()],
                [k for k, cb in self.topics.items() if cb.isChecked()], self.minutes.toPlainText())
        except XinqiaoError as e:
            dialogs.warn(self, "会议没有保存", str(e))
            return
        self.accept()
