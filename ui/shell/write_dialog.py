"""The shape shared by the small forms asked before an action (a reason, a few short values): a prompt, the
fields, a line that says why a write was refused, and 确定/取消 — a form of ``ui.shell.forms``, so a lock hides it
and gives it back with the text, a restart offers the draft, and Esc asks before the text goes.

A subclass builds its fields into ``self.body`` between ``__init__`` and ``finish(session, key)``, and says in
``collect()`` what to pass to ``write`` (or why it cannot yet). ``save()`` calls ``write``: a refused write
(``XinqiaoError``) keeps the dialog open with the text and the reason underneath; with ``false_keeps_open`` a write
that returns ``False`` keeps it open without a message (a choice it asked was cancelled). ``written`` is emitted
with what ``write`` returned once it went through."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from app.errors import XinqiaoError
from app.session import Session
from ui.shell.forms import DraftDialog
from ui.shell.theme import set_tone


class WriteDialog(DraftDialog):
    written = Signal(object)     # what ``write`` returned
    false_keeps_open = False

    def __init__(self, title: str, write: Callable[[Any], Any], *, prompt: str = "", label: str = "",
                 confidential: bool = False, min_width: int = 420, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if label:
            self.draft_label = label                 # the 工作台 lists the draft by it
        self.draft_confidential = confidential
        self._write = write
        self.result_value: Any = None
        self.setWindowTitle(title)
        self.setMinimumWidth(min_width)
        self.body = QVBoxLayout(self)
        if prompt:
            hint = QLabel(prompt)
            hint.setWordWrap(True)
            self.body.addWidget(hint)

    def finish(self, session: Session, key: str, ok: str = "确定") -> None:
        """The refusal line and the buttons under the fields; then the draft under ``key``."""
        self.error = QLabel("")
        set_tone(self.error, "error")
        self.error.setWordWrap(True)
        self.body.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.body.addWidget(buttons)
        self.use_drafts(session, key)

    def collect(self) -> tuple[Any, str]:
        """What ``write`` gets, and an empty string; or anything and the Chinese line saying what is missing."""
        raise NotImplementedError

    def save(self) -> bool:
        value, missing = self.collect()
        if missing:
            self.error.setText(missing)
            return False
        try:
            result = self._write(value)
        except XinqiaoError as e:
            self.error.setText(e.message)
            return False
        if result is False and self.false_keeps_open:
            return False
        self.result_value = result
        self.error.clear()
        self.accept()
        self.written.emit(self.result_value)
        return True
