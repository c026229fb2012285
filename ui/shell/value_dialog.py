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

from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QWidget

from app.session import Session
from ui.shell.chips import ChipField
from ui.shell.write_dialog import WriteDialog


class Field(NamedTuple):
    label: str                 # Chinese, shown before the box
    text: str = ""             # filled in at first (a stored value being changed)
    required: bool = True
    placeholder: str = ""
    choices: tuple[str, ...] = ()   # a category field: checkable tags (ui.shell.chips), its text joined with "、"


class ValueDialog(WriteDialog):
    draft_label = "填写"
    false_keeps_open = True

    def __init__(self, session: Session, key: str, title: str, fields: Sequence[Field | str],
                 write: Callable[[list[str]], Any], *, prompt: str = "", label: str = "", ok: str = "确定",
                 confidential: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(title, write, prompt=prompt, label=label or title, confidential=confidential,
                         parent=parent)
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
        self.body.addLayout(form)
        self.finish(session, key, ok)

    def values(self) -> list[str]:
        return [e.text().strip() for e in self.edits]

    def fill(self, *texts: str) -> None:
        """Type ``texts`` into the fields, in order (tests, and callers that know a value)."""
        for edit, text in zip(self.edits, texts, strict=False):
            edit.setText(text)

    def collect(self) -> tuple[list[str], str]:
        values = self.values()
        missing = next((f for f, v in zip(self.fields, values, strict=True) if f.required and not v), None)
        return values, f"请填写“{missing.label.rstrip('：:')}”。" if missing is not None else ""
