"""Pick one student by typing: name, pinyin initials or registry number; Enter takes the highlighted match. Every
match shows its class and registry number, so two students of one name are told apart (session records, 朋辈结对)."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from app.archive.students import StudentFilter
from ui.shell.context import AppContext
from ui.shell.theme import set_tone
from ui.shell.views import keep_registry_numbers_whole

MAX_RESULTS = 8


class StudentPicker(QWidget):
    chosen = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.student_id: int | None = None
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("输入姓名、拼音首字母或学籍号，回车选中")
        self.results = QListWidget()
        keep_registry_numbers_whole(self.results)
        self.results.setMaximumHeight(150)
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.results.hide()
        self.label = QLabel("未选择学生")
        set_tone(self.label, "muted")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.edit)
        lay.addWidget(self.results)
        lay.addWidget(self.label)
        self.setFocusProxy(self.edit)
        self.edit.textEdited.connect(self._filter)
        self.edit.installEventFilter(self)
        self.results.itemClicked.connect(lambda item: self._take(item))

    def _filter(self, text: str) -> None:
        self.results.clear()
        if not text.strip():
            self.results.hide()
            return
        found = self.ctx.index.search(self.ctx.session.account, StudentFilter(search=text), limit=MAX_RESULTS)
        for s in found:
            item = QListWidgetItem(f"{s.name}　{s.class_name}　{s.registry_no}")
            item.setData(Qt.ItemDataRole.UserRole, (s.id, s.name, s.class_name))
            self.results.addItem(item)
        self.results.setVisible(bool(found))
        if found:
            self.results.setCurrentRow(0)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if obj is self.edit and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.results.isVisible():
                row = self.results.currentRow() + (1 if key == Qt.Key.Key_Down else -1)
                self.results.setCurrentRow(max(0, min(self.results.count() - 1, row)))
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.results.isVisible():
                item = self.results.currentItem()
                if item is not None:
                    self._take(item)
                    self.focusNextChild()
                return True
        return super().eventFilter(obj, event)

    def _take(self, item: QListWidgetItem) -> None:
        sid, name, class_name = item.data(Qt.ItemDataRole.UserRole)
        self.set_student(sid, f"{name}（{class_name}）")

    # -- as a field of a form's draft (ui.shell.forms) ------------------------------------------------------------
    def draft_value(self) -> dict[str, object]:
        chosen = self.label.text().removeprefix("已选：") if self.student_id else ""
        return {"id": self.student_id, "label": chosen, "text": self.edit.text()}

    def set_draft_value(self, value: object) -> None:
        if not isinstance(value, dict):
            return
        sid = value.get("id")
        if isinstance(sid, int):
            self.set_student(sid, str(value.get("label", "")))
        else:
            self.set_student(None)
            self.edit.setText(str(value.get("text", "")))

    def draft_signals(self) -> tuple[object, ...]:
        return (self.chosen, self.edit.textChanged)

    def set_student(self, student_id: int | None, label: str = "") -> None:
        self.student_id = student_id
        self.results.hide()
        self.label.setText(f"已选：{label}" if student_id else "未选择学生")
        if student_id:
            self.edit.setText(label)
            self.chosen.emit(student_id)
