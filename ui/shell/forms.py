"""The one form mechanism: every form that takes typed input keeps a draft, survives a lock, and asks before
discarding (issue 10).

A form is a widget (usually a dialog) that mixes in ``DraftForm`` and calls ``use_drafts`` once its fields exist:

```python
class HolidayDialog(DraftDialog):                 # QDialog + DraftForm: Esc / 取消 / the close button ask
    draft_label = "节假日"                         # the form, as the 工作台's 未完成的记录 lists it
    draft_confidential = False                    # can it hold confidential-tier text? (default True)

    def __init__(self, session, parent=None):
        super().__init__(parent)
        ...                                        # build the fields
        self.use_drafts(session, "settings:holiday:new")
```

- **State.** ``draft_state()`` collects every input field found among the form's children (text boxes, combo
  boxes, dates, spin boxes, ticks, checkable list items; never a password field, never read-only text); a form
  with fields the scan cannot see (a chosen student held outside a widget) extends ``draft_state`` /
  ``restore_draft_state``. Fields are named by ``objectName`` when set, else by class and order.
- **Autosave.** Any change restarts a timer; ``AUTOSAVE_MS`` after the last one the state is written to the vault
  (``app.drafts``: confidential.db for a counselor's form of confidential text, vault.db otherwise). The main
  window saves every open form at once when it locks or closes (``save_all``). A form whose state is back to
  what it was when it opened has no draft.
- **Restore.** ``use_drafts`` refills the form from this account's draft of the same key, if there is one.
- **Done.** A dialog accepted (its save went through) deletes its draft; other forms call ``draft_saved()`` after
  their save. Cancel, Esc and the close button call ``confirm_discard()``: when anything changed it asks
  "放弃未保存的内容？" (the default keeps the text); only a confirmed discard deletes the draft. A lock never asks:
  the window hides open dialogs and shows them again after unlock.
"""
from __future__ import annotations

import weakref
from collections.abc import Iterator
from typing import Any, ClassVar

from PySide6.QtCore import QDateTime, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDoubleSpinBox,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QSpinBox,
    QTextEdit,
    QWidget,
)

from app.drafts.store import delete_draft, load_draft, save_draft
from app.errors import XinqiaoError
from app.session import Session
from ui.shell import dialogs

AUTOSAVE_MS = 800          # "about one second after typing stops", with room to write before a second has passed
DISCARD_TITLE = "放弃未保存的内容？"
DISCARD_TEXT = "放弃未保存的内容？已填写的内容将不再保留。"
SKIP_PROPERTY = "draftSkip"   # widget.setProperty(SKIP_PROPERTY, True): a field the draft leaves out (a filter box)

class _Notices(QObject):
    changed = Signal()   # a draft appeared or went (the 工作台's 未完成的记录 reloads when next shown)


_notices: _Notices | None = None


def notices() -> _Notices:
    global _notices
    if _notices is None:
        _notices = _Notices()
    return _notices


_INPUTS = (QLineEdit, QPlainTextEdit, QTextEdit, QComboBox, QAbstractSpinBox, QAbstractButton, QListWidget)
_live: weakref.WeakSet[DraftForm] = weakref.WeakSet()


def _custom(w: QWidget) -> bool:
    """A compound field that says its own value (``draft_value``, ``set_draft_value``, ``draft_signals``), e.g.
    the shared student picker: the chosen student, not the text of its search box."""
    return callable(getattr(w, "draft_value", None)) and callable(getattr(w, "set_draft_value", None))


def _is_field(w: QWidget) -> bool:
    if w.property(SKIP_PROPERTY):
        return False
    if _custom(w):
        return True
    if isinstance(w, QLineEdit):
        return w.echoMode() == QLineEdit.EchoMode.Normal and not w.isReadOnly()
    if isinstance(w, QPlainTextEdit | QTextEdit):
        return not w.isReadOnly()
    if isinstance(w, QAbstractButton):
        return w.isCheckable()
    if isinstance(w, QListWidget):
        return True
    return isinstance(w, QComboBox | QDateTimeEdit | QSpinBox | QDoubleSpinBox)


def _field_value(w: QWidget) -> Any:
    if _custom(w):
        return w.draft_value()  # type: ignore[attr-defined]
    if isinstance(w, QLineEdit):
        return w.text()
    if isinstance(w, QPlainTextEdit | QTextEdit):
        return w.toPlainText()
    if isinstance(w, QComboBox):
        data = w.currentData()
        value: dict[str, Any] = {"i": w.currentIndex()}
        if isinstance(data, str | int | float | bool):
            value["d"] = data
        if w.isEditable():
            value["t"] = w.currentText()
        return value
    if isinstance(w, QDateTimeEdit):
        return w.dateTime().toString(Qt.DateFormat.ISODate)
    if isinstance(w, QSpinBox | QDoubleSpinBox):
        return w.value()
    if isinstance(w, QAbstractButton):
        return w.isChecked()
    if isinstance(w, QListWidget):
        checks = [w.item(i).checkState() == Qt.CheckState.Checked for i in range(w.count())
                  if w.item(i).flags() & Qt.ItemFlag.ItemIsUserCheckable]
        return {"row": w.currentRow(), "checked": checks}
    return None


def _set_field(w: QWidget, value: Any) -> None:
    if _custom(w):
        w.set_draft_value(value)  # type: ignore[attr-defined]
    elif isinstance(w, QLineEdit) and isinstance(value, str):
        if w.text() != value:
            w.setText(value)
    elif isinstance(w, QPlainTextEdit) and isinstance(value, str):
        if w.toPlainText() != value:
            w.setPlainText(value)
    elif isinstance(w, QTextEdit) and isinstance(value, str):
        if w.toPlainText() != value:
            w.setPlainText(value)
    elif isinstance(w, QComboBox) and isinstance(value, dict):
        index = w.findData(value["d"]) if "d" in value else -1
        if index < 0 and isinstance(value.get("i"), int) and value["i"] < w.count():
            index = value["i"]
        if index >= 0:
            w.setCurrentIndex(index)
        if w.isEditable() and isinstance(value.get("t"), str):
            w.setEditText(value["t"])
    elif isinstance(w, QDateTimeEdit) and isinstance(value, str):
        when = QDateTime.fromString(value, Qt.DateFormat.ISODate)
        if when.isValid():
            w.setDateTime(when)
    elif isinstance(w, QSpinBox) and isinstance(value, int):
        w.setValue(value)
    elif isinstance(w, QDoubleSpinBox) and isinstance(value, int | float):
        w.setValue(float(value))
    elif isinstance(w, QAbstractButton) and isinstance(value, bool):
        if value or not w.autoExclusive():
            w.setChecked(value)
    elif isinstance(w, QListWidget) and isinstance(value, dict):
        checks = iter(value.get("checked") or [])
        for i in range(w.count()):
            item = w.item(i)
            if item.flags() & Qt.ItemFlag.ItemIsUserCheckable:
                on = next(checks, None)
                if on is not None:
                    item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        row = value.get("row")
        if isinstance(row, int) and 0 <= row < w.count():
            w.setCurrentRow(row)


def _connect(w: QWidget, slot: Any) -> None:
    if _custom(w):
        for signal in w.draft_signals():  # type: ignore[attr-defined]
            signal.connect(slot)
    elif isinstance(w, QLineEdit):
        w.textChanged.connect(slot)
    elif isinstance(w, QPlainTextEdit | QTextEdit):
        w.textChanged.connect(slot)
    elif isinstance(w, QComboBox):
        w.currentIndexChanged.connect(slot)
        w.editTextChanged.connect(slot)
    elif isinstance(w, QDateTimeEdit):
        w.dateTimeChanged.connect(slot)
    elif isinstance(w, QSpinBox | QDoubleSpinBox):
        w.valueChanged.connect(slot)
    elif isinstance(w, QAbstractButton):
        w.toggled.connect(slot)
    elif isinstance(w, QListWidget):
        w.itemChanged.connect(slot)
        w.currentRowChanged.connect(slot)


class DraftForm:
    """Mix into a QWidget form (before or after the Qt class); call ``use_drafts`` once the fields exist."""

    draft_label: ClassVar[str] = ""             # the form, Chinese, e.g. "危机步骤"
    draft_confidential: ClassVar[bool] = True   # whether it can hold confidential-tier text (where its draft lives)

    _draft_session: Session | None = None
    _draft_key: str = ""
    _draft_student: int | None = None
    _draft_baseline: dict[str, Any] | None = None
    _draft_stored = False       # a draft of this key is in the vault (written or restored)
    _draft_restored = False
    _draft_timer: QTimer | None = None
    _draft_connected: set[int]

    # -- declaring ---------------------------------------------------------------------------------------------
    def use_drafts(self, session: Session, key: str, *, student_id: int | None = None,
                   restore: bool = True) -> bool:
        """Start keeping drafts under ``key``; refill from this account's draft of it. True if one was restored."""
        assert isinstance(self, QWidget)
        self._draft_session = session
        if self._draft_timer is None:
            self._draft_timer = QTimer(self)
            self._draft_timer.setSingleShot(True)
            self._draft_timer.setInterval(AUTOSAVE_MS)
            self._draft_timer.timeout.connect(self.save_draft_now)
            self._draft_connected = set()
        _live.add(self)
        return self.set_draft_key(key, student_id=student_id, restore=restore)

    def set_draft_key(self, key: str, *, student_id: int | None = None, restore: bool = True) -> bool:
        """The form now holds ``key`` (a reused form opening another record): its present state is the baseline."""
        assert key, "a form's draft key is never empty"
        self._draft_key = key
        self._draft_student = student_id
        self._draft_stored = False
        self._draft_restored = False
        self.draft_rescan()
        self._draft_baseline = self.draft_state()
        if self._draft_timer is not None:
            self._draft_timer.stop()
        if not restore or self._draft_session is None or self._draft_session.locked:
            return False
        state = load_draft(self._draft_session, key)
        if state is None:
            return False
        self.restore_draft_state(state)
        self._draft_stored = self._draft_restored = True
        return True

    @property
    def draft_key(self) -> str:
        return self._draft_key

    @property
    def draft_restored(self) -> bool:
        """The form was refilled from a draft when it opened (or took its key)."""
        return self._draft_restored

    def draft_student_id(self) -> int | None:
        """The student the draft is about, for the 工作台 (a form may override it: the chosen student)."""
        return self._draft_student

    # -- state -------------------------------------------------------------------------------------------------
    def draft_fields(self) -> Iterator[tuple[str, QWidget]]:
        """Every input field of the form, named by objectName or by class and order."""
        assert isinstance(self, QWidget)
        counts: dict[str, int] = {}
        window = self.window()
        for w in self.findChildren(QWidget):
            if not _is_field(w) or w.window() is not window or self._inside_field(w):
                continue   # (a dialog opened from the form is a form of its own)
            cls = type(w).__name__
            n = counts.get(cls, 0)
            counts[cls] = n + 1
            yield (w.objectName() or f"{cls}.{n}"), w

    def _inside_field(self, w: QWidget) -> bool:
        """Part of another field (the line edit of a spin box or an editable combo box), or hidden from drafts."""
        parent = w.parentWidget()
        while parent is not None and parent is not self:
            if isinstance(parent, _INPUTS) or parent.property(SKIP_PROPERTY) or _custom(parent):
                return True
            parent = parent.parentWidget()
        return False

    def draft_state(self) -> dict[str, Any]:
        """The whole state of the form, as plain JSON."""
        return {name: _field_value(w) for name, w in self.draft_fields()}

    def restore_draft_state(self, state: dict[str, Any]) -> None:
        for name, w in self.draft_fields():
            if name in state:
                _set_field(w, state[name])

    def draft_rescan(self) -> None:
        """Watch fields added since (rows a form adds as it goes)."""
        for _name, w in self.draft_fields():
            if id(w) not in self._draft_connected:
                self._draft_connected.add(id(w))
                _connect(w, self._draft_touched)

    def draft_changed(self) -> bool:
        """Anything typed or chosen since the form opened (a restored draft counts)."""
        if not self._draft_key:
            return False
        return self._draft_restored or self.draft_state() != self._draft_baseline

    # -- saving ------------------------------------------------------------------------------------------------
    def _draft_touched(self, *_args: Any) -> None:
        if self._draft_timer is not None and self._draft_key:
            self._draft_timer.start()

    def save_draft_now(self) -> bool:
        """Write the draft if the form changed (drop it if the form is back as it opened). True if written."""
        session = self._draft_session
        if self._draft_timer is not None:
            self._draft_timer.stop()
        if session is None or session.locked or not self._draft_key:
            return False
        state = self.draft_state()
        try:
            if state == self._draft_baseline and not self._draft_restored:
                if self._draft_stored:
                    delete_draft(session, self._draft_key)
                    self._draft_stored = False
                    notices().changed.emit()
                return False
            save_draft(session, self._draft_key, state, label=self.draft_label,
                       student_id=self.draft_student_id(), confidential=self.draft_confidential)
        except XinqiaoError:
            return False   # locked in between, a full disk: the text stays in the widgets
        if not self._draft_stored:
            notices().changed.emit()
        self._draft_stored = True
        return True

    def draft_saved(self) -> None:
        """The form's content was saved for real: its draft goes, and what it holds now is the baseline."""
        self.discard_draft()
        self._draft_baseline = self.draft_state()

    def discard_draft(self) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()
        session = self._draft_session
        if session is not None and not session.locked and self._draft_key:
            try:
                delete_draft(session, self._draft_key)
            except XinqiaoError:
                pass
            else:
                notices().changed.emit()
        self._draft_stored = self._draft_restored = False

    def confirm_discard(self) -> bool:
        """True when the form may be left: nothing changed, or the user chose to discard (the draft is deleted).
        The default answer keeps the text."""
        if not self.draft_changed():
            self.discard_draft()
            return True
        assert isinstance(self, QWidget)
        if not ask_discard(self):
            return False
        self.discard_draft()
        return True

    def stop_drafts(self) -> None:
        """Stop watching the form (it closed) without touching its draft."""
        if self._draft_timer is not None:
            self._draft_timer.stop()
        _live.discard(self)

    def end_drafts(self) -> None:
        """The form holds no record any more (an inline editor left): no key, nothing to save or ask."""
        self.stop_drafts()
        self._draft_key = ""
        self._draft_stored = self._draft_restored = False


def ask_discard(parent: QWidget | None) -> bool:
    """"放弃未保存的内容？" — True only if the user chose to discard (the default keeps the text)."""
    return dialogs.ask(parent, DISCARD_TITLE, DISCARD_TEXT, yes="放弃", no="继续填写", default_yes=False)


class DraftDialog(QDialog, DraftForm):
    """A dialog form: accepting deletes the draft; Esc, 取消 and the close button ask before discarding.

    A dialog whose caller writes after it closes sets ``draft_drop_on_accept = False`` and the caller calls
    ``draft_saved()`` once the write went through (a refused write keeps the draft)."""

    draft_drop_on_accept: ClassVar[bool] = True

    def done(self, result: int) -> None:
        if result == QDialog.DialogCode.Accepted:
            if self.draft_drop_on_accept:
                self.discard_draft()
        elif self._draft_key and not self.confirm_discard():
            return
        self.stop_drafts()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        super().closeEvent(event)   # QDialog's calls reject(), which asks


def live_forms() -> list[DraftForm]:
    """Every form keeping drafts now."""
    return [f for f in list(_live) if _alive(f)]


def _alive(form: DraftForm) -> bool:
    try:
        import shiboken6

        return shiboken6.isValid(form)
    except (ImportError, TypeError):
        return True


def save_all(session: Session | None = None) -> int:
    """Save every open form's draft now (the window locks or closes); the number written."""
    written = 0
    for form in live_forms():
        if session is not None and form._draft_session is not session:
            continue
        if form.save_draft_now():
            written += 1
    return written
