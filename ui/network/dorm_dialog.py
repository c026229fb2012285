"""设置宿舍: a boarding student's building and room, set (or cleared) from the student's archive through the
network's ``set_dorm``. “3号楼 201” typed whole in the building field is split as the roster import splits it."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QPushButton, QWidget

from app.errors import XinqiaoError
from app.network.model import parse_room
from app.network.people import dorm_of, informant_of, set_dorm
from app.session import Session
from app.text import normalize_text
from ui.shell.forms import DraftDialog
from ui.shell.theme import set_tone


class DormDialog(DraftDialog):
    saved = Signal()
    draft_label = "设置宿舍"
    draft_confidential = False

    def __init__(self, session: Session, student_id: int, student_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.student_id = student_id
        self.setWindowTitle(f"设置宿舍 — {student_name}")
        current = dorm_of(session, student_id)
        self.building = QLineEdit(current[0] if current else "")
        self.building.setPlaceholderText("如 3号楼、男生宿舍")
        self.building.setAccessibleName("楼栋")
        self.room = QLineEdit(current[1] if current else "")
        self.room.setPlaceholderText("如 201")
        self.room.setAccessibleName("房间号")
        self.error = QLabel()
        set_tone(self.error, "error")
        self.error.setWordWrap(True)
        self.error.hide()
        serving = informant_of(session, student_id)
        hint = QLabel("设置宿舍即记为住校生。同一宿舍的学生共用一名宿舍心理信息员。" + (
            f"\n该生是 {serving} 的宿舍心理信息员：换到别的宿舍或清除后，原宿舍需另行任命信息员。" if serving else ""))
        hint.setWordWrap(True)
        self.hint = hint
        set_tone(hint, "muted")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("保存")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.clear_button = QPushButton("清除宿舍")
        self.buttons.addButton(self.clear_button, QDialogButtonBox.ButtonRole.ResetRole)
        self.clear_button.setVisible(current is not None)   # after addButton, which shows it
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.clear_button.clicked.connect(self.clear)
        form = QFormLayout(self)
        form.addRow("楼栋：", self.building)
        form.addRow("房间号：", self.room)
        form.addRow(hint)
        form.addRow(self.error)
        form.addRow(self.buttons)
        self.use_drafts(session, f"dorm:{student_id}", student_id=student_id)

    def _typed(self) -> tuple[str, str]:
        building, room = self.building.text().strip(), self.room.text().strip()
        if building and not room:
            whole = parse_room(building)   # “3号楼 201” in one field
            if whole is not None:
                return whole
        if building and room:
            tidy = parse_room(f"{building} {room}")   # “201室” is room 201, as the roster import reads it
            if tidy is not None and tidy[0] == " ".join(normalize_text(building).split()):
                return tidy
        return building, room

    def _write(self, building: str, room: str) -> bool:
        try:
            set_dorm(self.session, self.student_id, building, room)
        except XinqiaoError as e:
            self.error.setText(e.message)
            self.error.show()
            return False
        self.saved.emit()
        self.accept()
        return True

    def save(self) -> bool:
        building, room = self._typed()
        if not building and not room:
            self.error.setText("请填写楼栋和房间号；要清除宿舍，请点“清除宿舍”。")
            self.error.show()
            return False
        return self._write(building, room)

    def clear(self) -> bool:
        return self._write("", "")
