"""The 心育闭环 page's small forms: an item's note, a carry-over reason, an amendment (a new status and its reason)
and a year's key work. Each is a form of ``ui.shell.forms``: opened without blocking, so a lock hides it and gives
it back; a draft under ``loop:<kind>:<month>:<item>`` (``loop:key-work:<year>``); Esc and 取消 ask before the text
goes. Each writes itself: a refused write keeps the dialog open with its text and says why."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from app.errors import XinqiaoError
from app.loop.months import LoopItem
from app.session import Session
from ui.shell.forms import DraftDialog
from ui.shell.theme import set_tone


class _LoopDialog(DraftDialog):
    """A dialog that writes through ``write`` on 保存 (the ordinary tier: the checklist is the school's record)."""

    draft_confidential = False

    def __init__(self, session: Session, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        self.form = QFormLayout(self)
        self.error = QLabel("")
        set_tone(self.error, "error")
        self.error.setWordWrap(True)
        self.saved = False

    def _finish_layout(self) -> None:
        self.form.addRow(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("保存")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        self.form.addRow(buttons)

    def write(self) -> None:
        raise NotImplementedError

    def save(self) -> bool:
        try:
            self.write()
        except XinqiaoError as e:
            self.error.setText(str(e))
            return False
        self.saved = True
        self.accept()
        return True


def item_key(kind: str, item: LoopItem, month: str) -> str:
    return f"loop:{kind}:{month}:{item.id}"


def showing(key: str) -> DraftDialog | None:
    """The loop form already open on ``key``, brought to the front: a second click (or the 工作台's draft) must not
    open a twin that autosaves over the same draft and overwrites the other's text when saved."""
    from ui.shell.forms import live_forms

    for form in live_forms():
        if isinstance(form, DraftDialog) and form.draft_key == key and form.isVisible():
            form.raise_()
            form.activateWindow()
            return form
    return None


class NoteDialog(_LoopDialog):
    """备注 of one item of an open month (the stored note is the starting text)."""

    draft_label = "心育闭环备注"

    def __init__(self, session: Session, item: LoopItem, month: str, write: Callable[[str], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(session, "备注", parent)
        self.item = item
        self._write = write
        self.form.addRow(QLabel(f"“{item.title}”的备注："))
        self.note = QPlainTextEdit(item.note)
        self.note.setObjectName("note")
        self.note.setTabChangesFocus(True)
        self.form.addRow(self.note)
        self._finish_layout()
        self.use_drafts(session, item_key("note", item, month))

    def write(self) -> None:
        self._write(self.note.toPlainText())


class CarryDialog(_LoopDialog):
    """结转到下月: the reason, which comes back next month as a 整改 item."""

    draft_label = "心育闭环结转原因"

    def __init__(self, session: Session, item: LoopItem, month: str, write: Callable[[str], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(session, "结转到下月", parent)
        self.item = item
        self._write = write
        self.form.addRow(QLabel(f"“{item.title}”结转的原因（下月将列为整改项）："))
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("reason")
        self.reason.setTabChangesFocus(True)
        self.reason.setPlaceholderText("为什么本月没有完成、下月如何整改")
        self.form.addRow(self.reason)
        self._finish_layout()
        self.use_drafts(session, item_key("carry", item, month))

    def write(self) -> None:
        self._write(self.reason.toPlainText())


AMEND_CHOICES = {"done": "已完成", "carried": "已结转"}


class AmendItemDialog(_LoopDialog):
    """修正 an item of a closed month: the new status and the reason kept in the amendment record."""

    draft_label = "心育闭环修正"

    def __init__(self, session: Session, item: LoopItem, month: str, write: Callable[[str, str], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(session, "修正", parent)
        self.item = item
        self._write = write
        self.status = QComboBox()
        self.status.setObjectName("status")
        for key, label in AMEND_CHOICES.items():
            self.status.addItem(label, key)
        self.form.addRow(f"将“{item.title}”修正为", self.status)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("reason")
        self.reason.setTabChangesFocus(True)
        self.reason.setPlaceholderText("将保留在修正记录中")
        self.form.addRow("修正原因", self.reason)
        self._finish_layout()
        self.use_drafts(session, item_key("amend", item, month))

    def choose(self, label: str) -> None:
        """Pick the new status by its label (已完成 / 已结转)."""
        self.status.setCurrentIndex(self.status.findText(label))

    def write(self) -> None:
        self._write(str(self.status.currentData()), self.reason.toPlainText())


class KeyWorkDialog(_LoopDialog):
    """A key work item of the school year: what and when."""

    draft_label = "学年重点工作"

    def __init__(self, session: Session, year: str, write: Callable[[str, str], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(session, "添加重点工作", parent)
        self.year = year
        self._write = write
        self.form.addRow(QLabel(f"{year} 学年"))
        self.title_edit = QLineEdit()
        self.title_edit.setObjectName("title")
        self.schedule = QLineEdit()
        self.schedule.setObjectName("schedule")
        self.schedule.setPlaceholderText("如 9月、每月、第二学期")
        self.form.addRow("重点工作内容", self.title_edit)
        self.form.addRow("时间安排", self.schedule)
        self._finish_layout()
        self.use_drafts(session, f"loop:key-work:{year}")

    def write(self) -> None:
        self._write(self.title_edit.text(), self.schedule.text())
