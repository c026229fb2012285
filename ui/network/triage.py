"""The triage list: every named student awaiting a decision, urgent and overdue in red. Driven from the keyboard:
arrows pick a row, 1–6 pick the decision (无需处理 … 开危机个案), Enter records it."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from app.errors import XinqiaoError
from app.network.model import DECISIONS
from app.network.reports import TriageItem, crisis_prefill, open_crisis_case, triage, untriaged
from app.session import Session
from ui.network.common import fill, table
from ui.shell import dialogs
from ui.shell.theme import set_tone

COLUMNS = ("学生", "班级", "表现", "报告日期", "来自", "状态")


class TriageList(QWidget):
    decided = Signal(str)        # the decision key, after it is written
    open_student = Signal(int)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.items: list[TriageItem] = []
        self.table = table(COLUMNS, stretch=2)
        self.table.installEventFilter(self)
        self.table.doubleClicked.connect(lambda _i: self._open_student())
        self.decision = QComboBox()
        for n, (key, label) in enumerate(DECISIONS.items(), 1):
            self.decision.addItem(f"{n} {label}", key)
        self.note = QLineEdit()
        self.note.setPlaceholderText("说明（可选，保密）")
        self.note.returnPressed.connect(self.record)
        self.apply = QPushButton("记录决定（Enter）")
        self.apply.clicked.connect(self.record)
        self.count = QLabel()
        bar = QHBoxLayout()
        bar.addWidget(QLabel("决定："))
        bar.addWidget(self.decision)
        bar.addWidget(self.note, 1)
        bar.addWidget(self.apply)
        lay = QVBoxLayout(self)
        lay.addWidget(self.count)
        lay.addWidget(self.table, 1)
        lay.addLayout(bar)
        hint = QLabel("方向键选择学生，数字键 1–6 选择决定，Enter 记录；双击打开学生档案。")
        set_tone(hint, "muted")
        lay.addWidget(hint)
        self.refresh()

    def refresh(self) -> None:
        self.items = untriaged(self.session)
        rows = [(t.student, t.class_name, "、".join(t.signs), t.since, t.place,
                 "紧急：当天处理" if t.urgent else ("已超时" if t.overdue else "待分诊")) for t in self.items]
        fill(self.table, rows, red=[t.urgent or t.overdue for t in self.items])
        self.count.setText(f"待分诊 {len(self.items)} 人次" + (
            f"，其中紧急 {sum(t.urgent for t in self.items)}" if any(t.urgent for t in self.items) else ""))
        if self.items:
            self.table.selectRow(0)

    def current(self) -> TriageItem | None:
        row = self.table.currentRow()
        return self.items[row] if 0 <= row < len(self.items) else None

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if obj is self.table and isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if Qt.Key.Key_1 <= key <= Qt.Key.Key_6:
                self.decision.setCurrentIndex(key - Qt.Key.Key_1)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.record()
                return True
        return super().eventFilter(obj, event)

    def record(self) -> None:
        item = self.current()
        if item is None:
            return
        key = self.decision.currentData()
        try:
            if key == "crisis":
                pre = crisis_prefill(self.session, item.concern_id)
                if not dialogs.ask(self, "开危机个案", f"为 {item.student}（{item.class_name}）开危机个案？\n\n"
                                   f"个案概况：{pre['summary']}\n（个案与这份报告关联，可在危机干预页继续填写。）",
                                   yes="开个案"):
                    return
                open_crisis_case(self.session, item.concern_id)
            else:
                triage(self.session, item.concern_id, key, self.note.text())
        except XinqiaoError as e:
            dialogs.warn(self, "无法记录", e.message)
            return
        row = self.table.currentRow()
        self.note.clear()
        self.refresh()
        if self.items:
            self.table.selectRow(min(row, len(self.items) - 1))
        self.table.setFocus()
        self.decided.emit(key)

    def _open_student(self) -> None:
        item = self.current()
        if item is not None:
            self.open_student.emit(item.student_id)
