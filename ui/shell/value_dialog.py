"""A few short values asked before an action (a student to look up, a room, a name and a department): a form of
``ui.shell.forms`` rather than blocking ``get_text`` prompts, so a lock hides it and gives it back with the text, a
restart offers the draft, and Esc asks before the text goes.

The caller passes labelled single-line fields (each optionally filled) and ``write(values)``, which does the action.
A refused write (``XinqiaoError``) keeps the dialog open with the text and says why underneath; a write that returns
``False`` keeps it open without a message (a choice it asked was cancelled). ``written`` is emitted with what
``write`` returned once it went through. Opened with ``open()``."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from app.errors import XinqiaoError
from app.session import Session
from ui.shell.chips import ChipField
from ui.shell.forms import DraftDialog
from ui.shell.theme import set_tone


class Field(NamedTuple):
    label: str                 # Chinese, shown before the box
    text: str = ""             # filled in at first (a stored value being changed)
    required: bool = True
    placeholder: str = ""
    choices: tuple[str, ...] = ()   # a category field: checkable tags (ui.shell.chips), its text joined with "、"


class ValueDialog(DraftDialog):
    draft_label = "填写"
    draft_confidential = False

    written = Signal(object)     # what ``write`` returned

    def __init__(self, session: Session, key: str, title: str, fields: Sequence[Field | str],
                 write: Callable[[list[str]], Any], *, prompt: str = "", label: str = "", ok: str = "确定",
                 confidential: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.draft_label = label or title            # the 工作台 lists the draft by it
        self.draft_confidential = confidential
        self._write = write
        self.result_value: Any = None
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        lay = QVBoxLayout(self)
        if prompt:
            hint = QLabel(prompt)
            hint.setWordWrap(True)
            lay.addWidget(hint)
        form = QFormLayout()
        self.fields = [f if isinstance(f, Field) else Field(f) for f in fields]
        self.edits: list[QLineEdit | ChipField] = []
        for i, f in enumerate(self.fields):
            edit: QLineEdit | ChipField
            if f.choices:
                edit = ChipField(f.choices)
                edit.setText(f.text)
            else:
                edit = QLineEdit(f.text)
                edit.setPlaceholderText(f.placeholder)
            edit.setObjectName(f"value{i}")
            name = QLabel(f.label)
            name.setWordWrap(True)
            form.addRow(name, edit)
            self.edits.append(edit)
        lay.addLayout(form)
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

    def values(self) -> list[str]:
        return [e.text().strip() for e in self.edits]

    def fill(self, *texts: str) -> None:
        """Type ``texts`` into the fields, in order (tests, and callers that know a value)."""
        for edit, text in zip(self.edits, texts, strict=False):
            edit.setText(text)

    def save(self) -> bool:
        values = self.values()
        missing = next((f for f, v in zip(self.fields, values, strict=True) if f.required and not v), None)
        if missing is not None:
            self.error.setText(f"请填写“{missing.label.rstrip('：:')}”。")
            return False
        try:
            result = self._write(values)
        except XinqiaoError as e:
            self.error.setText(e.message)
            return False
        if result is False:
            return False
        self.result_value = result
        self.error.clear()
        self.accept()
        self.written.emit(self.result_value)
        return True
