"""Shared pieces of the crisis dialogs: a form dialog that saves through an app call and shows a refused input
inline (the dialog stays open, nothing typed is lost), date-time fields, and a student picker.

Every ``FormDialog`` is a ``ui.shell.forms.DraftDialog``: each subclass names its draft key with ``use_drafts``
at the end of its ``__init__`` (the whole form is kept as a draft, and 取消/Esc ask before discarding)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app import clock
from app.archive.students import StudentFilter
from app.errors import XinqiaoError
from ui.shell.context import AppContext
from ui.shell.forms import DraftDialog
from ui.shell.theme import set_tone
from ui.shell.views import keep_registry_numbers_whole


class FormDialog(DraftDialog):
    """``submit`` runs the app call on OK; an XinqiaoError is shown in the dialog, which stays open."""

    draft_label = "危机干预"

    def __init__(self, title: str, parent: QWidget | None = None, intro: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        self.submit: Callable[[], object] | None = None
        outer = QVBoxLayout(self)
        if intro:
            label = QLabel(intro)
            label.setWordWrap(True)
            set_tone(label, "muted")
            outer.addWidget(label)
        self.form = QFormLayout()
        outer.addLayout(self.form)
        self.error = QLabel()
        self.error.setWordWrap(True)
        set_tone(self.error, "error")
        self.error.hide()
        outer.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("保存")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        outer.addWidget(self.buttons)

    @property
    def ok_button(self):  # type: ignore[no-untyped-def]
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def accept(self) -> None:
        if self.submit is not None:
            try:
                self.submit()
            except XinqiaoError as e:
                self.error.setText(e.message)
                self.error.show()
                return
        super().accept()


def datetime_edit(with_time: bool = True) -> QDateTimeEdit:
    w = QDateTimeEdit(QDateTime(clock.now()))
    w.setCalendarPopup(True)
    w.setDisplayFormat("yyyy-MM-dd HH:mm" if with_time else "yyyy-MM-dd")
    w.setMaximumDateTime(QDateTime(clock.now() + dt.timedelta(minutes=5)))
    return w


def iso_of(edit: QDateTimeEdit) -> str:
    value = edit.dateTime().toPython()
    assert isinstance(value, dt.datetime)
    return value.replace(second=0, microsecond=0).isoformat(timespec="seconds")


def date_of(edit: QDateTimeEdit) -> str:
    return iso_of(edit)[:10]


def text_box(placeholder: str = "", confidential: bool = False, height: int = 64) -> QPlainTextEdit:
    w = QPlainTextEdit()
    w.setPlaceholderText(placeholder)
    w.setTabChangesFocus(True)  # keyboard first: Tab leaves the box
    w.setFixedHeight(height)
    if confidential:
        set_tone(w, "confidential")
    return w


def line(text: str = "", placeholder: str = "") -> QLineEdit:
    w = QLineEdit(text)
    w.setPlaceholderText(placeholder)
    return w


class StudentPicker(QWidget):
    """Search-as-you-type over the shared student index; the chosen student is ``student_id``."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.search = QLineEdit()
        self.search.setPlaceholderText("姓名、拼音首字母或学籍号")
        self.results = QListWidget()
        keep_registry_numbers_whole(self.results)
        self.results.setFixedHeight(110)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.search)
        lay.addWidget(self.results)
        self.search.textChanged.connect(self._fill)
        self.search.returnPressed.connect(lambda: self.results.setCurrentRow(0))

    def _fill(self, text: str) -> None:
        self.results.clear()
        if not text.strip():
            return
        for s in self.ctx.index.search(self.ctx.session.account, StudentFilter(search=text), limit=30):
            item = QListWidgetItem(f"{s.name}  {s.class_name}  {s.registry_no}")
            item.setData(Qt.ItemDataRole.UserRole, s.id)
            self.results.addItem(item)
        if self.results.count() == 1:
            self.results.setCurrentRow(0)

    @property
    def student_id(self) -> int | None:
        item = self.results.currentItem()
        return None if item is None else int(item.data(Qt.ItemDataRole.UserRole))
