"""A reason asked before an action (修改原因, 删除原因): a form of ``ui.shell.forms`` rather than a blocking
``get_text`` prompt, so a lock hides it and gives it back with the text, a restart offers the draft, and Esc asks
before the text goes.

The caller passes ``write(reason)``, which does the action; a refused write (``XinqiaoError``) keeps the dialog open
with the reason and says why underneath. Opened with ``show()``; ``done`` is emitted with the value ``write``
returned once it went through."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from app.errors import XinqiaoError
from app.session import Session
from ui.shell.forms import DraftDialog
from ui.shell.theme import set_tone


class ReasonDialog(DraftDialog):
    draft_label = "原因"

    written = Signal(object)     # what ``write`` returned

    def __init__(self, session: Session, key: str, title: str, prompt: str, write: Callable[[str], Any], *,
                 label: str = "", confidential: bool = True, ok: str = "确定", placeholder: str = "",
                 required: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if label:
            self.draft_label = label                 # the 工作台 lists the draft by it
        self.draft_confidential = confidential
        self._write = write
        self.required = required
        self.result_value: Any = None
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        lay = QVBoxLayout(self)
        hint = QLabel(prompt)
        hint.setWordWrap(True)
        lay.addWidget(hint)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("reason")
        self.reason.setTabChangesFocus(True)
        self.reason.setMaximumHeight(110)
        self.reason.setPlaceholderText(placeholder)
        lay.addWidget(self.reason)
        self.error = QLabel("")
        set_tone(self.error, "error")
        self.error.setWordWrap(True)
        lay.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.use_drafts(session, key)

    def save(self) -> bool:
        text = self.reason.toPlainText().strip()
        if not text and self.required:
            self.error.setText("请写明原因。")
            return False
        try:
            self.result_value = self._write(text)
        except XinqiaoError as e:
            self.error.setText(e.message)
            return False
        self.accept()
        self.written.emit(self.result_value)
        return True
