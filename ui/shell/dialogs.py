"""Modal questions and messages behind one small wrapper that tests can pre-answer (qutebrowser style).

Every modal question in the window goes through these functions instead of ``QMessageBox.exec()``. A test
queues answers with ``preanswer(value, ...)``; while ``strict`` is on (the test suite turns it on), asking
without a queued answer raises instead of blocking on an invisible modal dialog. ``shown`` records what was
asked, so a test can check the message.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QLineEdit, QMessageBox, QWidget

_answers: deque[Any] = deque()
strict = False


@dataclass(frozen=True)
class Shown:
    kind: str
    title: str
    text: str


shown: list[Shown] = []


class Unanswered(AssertionError):
    """A dialog was asked in strict (test) mode without a pre-answer."""


def preanswer(*values: Any) -> None:
    """Queue answers for the next dialogs, in order (True/False for questions, None for messages, paths…)."""
    _answers.extend(values)


def reset() -> None:
    _answers.clear()
    shown.clear()


def pending() -> int:
    return len(_answers)


def intercept(kind: str, title: str, text: str) -> tuple[bool, Any]:
    shown.append(Shown(kind, title, text))
    if _answers:
        return True, _answers.popleft()
    if strict:
        raise Unanswered(f"unanswered {kind} dialog: {title}: {text}")
    return False, None


def _box(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str, detail: str = "") -> None:
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    if detail:
        box.setDetailedText(detail)
    box.exec()


def inform(parent: QWidget | None, title: str, text: str) -> None:
    answered, _ = intercept("info", title, text)
    if not answered:
        _box(parent, QMessageBox.Icon.Information, title, text)


def warn(parent: QWidget | None, title: str, text: str) -> None:
    answered, _ = intercept("warning", title, text)
    if not answered:
        _box(parent, QMessageBox.Icon.Warning, title, text)


def error(parent: QWidget | None, title: str, text: str, detail: str = "") -> None:
    answered, _ = intercept("error", title, text)
    if not answered:
        _box(parent, QMessageBox.Icon.Critical, title, text, detail)


def ask(parent: QWidget | None, title: str, text: str, *, yes: str = "确定", no: str = "取消",
        default_yes: bool = False) -> bool:
    answered, value = intercept("question", title, text)
    if answered:
        return bool(value)
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent)
    yes_btn = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    no_btn = box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(yes_btn if default_yes else no_btn)
    box.setEscapeButton(no_btn)
    box.exec()
    return box.clickedButton() is yes_btn


def get_text(parent: QWidget | None, title: str, label: str, *, password: bool = False,
             text: str = "") -> str | None:
    answered, value = intercept("text", title, label)
    if answered:
        return None if value is None else str(value)
    mode = QLineEdit.EchoMode.Password if password else QLineEdit.EchoMode.Normal
    value, ok = QInputDialog.getText(parent, title, label, mode, text)
    return value if ok else None


def get_item(parent: QWidget | None, title: str, label: str, items: list[str], current: int = 0) -> str | None:
    """One choice from a list (not editable); None if cancelled."""
    answered, value = intercept("item", title, label)
    if answered:
        return None if value is None else str(value)
    value, ok = QInputDialog.getItem(parent, title, label, items, current, False)
    return value if ok else None


def _file_dialog(parent: QWidget | None, title: str, folder: str, filter: str,
                 mode: QFileDialog.FileMode, save: bool = False) -> str | None:
    """Qt's own file dialog, not the platform's: a native dialog (Windows, macOS) is outside Qt's reach, so
    locking could not close it and a file list would stay on screen over a locked app."""
    start = folder
    if save and folder and not Path(folder).is_dir():
        start = str(Path(folder).parent)
    dlg = QFileDialog(parent, title, start, filter)
    dlg.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dlg.setFileMode(mode)
    if mode == QFileDialog.FileMode.Directory:
        dlg.setOption(QFileDialog.Option.ShowDirsOnly, True)
    if save:
        dlg.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        if folder and not Path(folder).is_dir():
            dlg.selectFile(Path(folder).name)
    try:
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return None
        files = dlg.selectedFiles()
        return files[0] if files and files[0] else None
    finally:
        dlg.deleteLater()


def open_file(parent: QWidget | None, title: str, folder: str = "", filter: str = "") -> str | None:
    answered, value = intercept("open_file", title, folder)
    if answered:
        return None if value is None else str(value)
    return _file_dialog(parent, title, folder, filter, QFileDialog.FileMode.ExistingFile)


def save_file(parent: QWidget | None, title: str, suggested: str = "", filter: str = "") -> str | None:
    answered, value = intercept("save_file", title, suggested)
    if answered:
        return None if value is None else str(value)
    return _file_dialog(parent, title, suggested, filter, QFileDialog.FileMode.AnyFile, save=True)


def choose_folder(parent: QWidget | None, title: str, folder: str = "") -> str | None:
    answered, value = intercept("folder", title, folder)
    if answered:
        return None if value is None else str(value)
    return _file_dialog(parent, title, folder, "", QFileDialog.FileMode.Directory)
