"""Category fields as checkable tags ("chips") instead of text typed with "、".

``ChipField`` keeps the text API of the line edit it replaces (``text()`` / ``setText()`` joined with "、",
``textEdited`` when the user toggles a chip), so drafts and the forms' load/save code stay as they were. A value
that is not among the choices (an imported record's own category) gets its own chip, checked.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import QPushButton, QSizePolicy, QWidget

from ui.shell.flow import FlowLayout
from ui.shell.theme import set_role

SEPARATORS = ("、", ",", "，", ";", "；")


def split_categories(text: str) -> list[str]:
    for sep in SEPARATORS[1:]:
        text = text.replace(sep, SEPARATORS[0])
    return [c.strip() for c in text.split(SEPARATORS[0]) if c.strip()]


class ChipField(QWidget):
    textEdited = Signal(str)     # the user toggled a chip (as QLineEdit.textEdited: not on setText)
    changed = Signal(list)       # the checked values, after any change

    def __init__(self, choices: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chips")
        self._layout = FlowLayout(self, spacing=6)
        self._layout.setContentsMargins(0, 0, 0, 0)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.chips: dict[str, QPushButton] = {}
        self._setting = False
        self._current = 0
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)   # one tab stop; ←/→ move between chips, space toggles
        for c in choices:
            self._add(c)

    def _add(self, value: str) -> QPushButton:
        chip = QPushButton(value)
        chip.setCheckable(True)
        chip.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        set_role(chip, "tag")
        chip.toggled.connect(self._toggled)
        self._layout.addWidget(chip)
        self.chips[value] = chip
        return chip

    def _toggled(self, _on: bool) -> None:
        if self._setting:
            return
        self.textEdited.emit(self.text())
        self.changed.emit(self.selected())

    def current(self) -> str:
        """The chip the keyboard is on (marked while the field has focus)."""
        values = list(self.chips)
        return values[self._current] if values else ""

    def _mark(self) -> None:
        for i, chip in enumerate(self.chips.values()):
            on = self.hasFocus() and i == self._current
            if bool(chip.property("keyboard")) != on:
                chip.setProperty("keyboard", on)
                chip.style().unpolish(chip)
                chip.style().polish(chip)

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt API
        super().focusInEvent(event)
        self._mark()

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt API
        super().focusOutEvent(event)
        self._mark()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        n = len(self.chips)
        key = event.key()
        if n and key in (Qt.Key.Key_Left, Qt.Key.Key_Up):
            self._current = (self._current - 1) % n
        elif n and key in (Qt.Key.Key_Right, Qt.Key.Key_Down):
            self._current = (self._current + 1) % n
        elif n and key == Qt.Key.Key_Space:
            chip = list(self.chips.values())[self._current]
            chip.setChecked(not chip.isChecked())
        else:
            super().keyPressEvent(event)
            return
        self._mark()

    def selected(self) -> list[str]:
        return [v for v, chip in self.chips.items() if chip.isChecked()]

    def set_selected(self, values: Iterable[str]) -> None:
        wanted = list(dict.fromkeys(v for v in values if v))
        self._setting = True
        try:
            for v in wanted:
                if v not in self.chips:
                    self._add(v)
            for v, chip in self.chips.items():
                chip.setChecked(v in wanted)
        finally:
            self._setting = False
        self.changed.emit(self.selected())

    def text(self) -> str:
        return "、".join(self.selected())

    def setText(self, text: str) -> None:  # noqa: N802 - the QLineEdit API it stands in for
        self.set_selected(split_categories(text or ""))

    def clear(self) -> None:
        self.set_selected([])
