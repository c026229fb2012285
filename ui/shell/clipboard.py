"""The clipboard: what the app put there is cleared when it locks (and only that).

Two ways text comes from the app: ``copy_text`` (a 复制 button), and the user's own Ctrl+C / 复制 in any text
field of the window. The second is caught by watching the clipboard while the app has focus (``watch``): text
that arrives then came from one of our fields; text another program puts there arrives while it has the focus.
"""
from __future__ import annotations

import hashlib

from PySide6.QtGui import QGuiApplication

_ours: str | None = None  # sha256 of the last text the app put there
_watching = False


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def copy_text(text: str) -> None:
    global _ours
    QGuiApplication.clipboard().setText(text)
    _ours = _digest(text)


def watch() -> None:
    """Remember text copied inside the app (Ctrl+C in a field) as the app's; once per process."""
    global _watching
    if _watching:
        return
    QGuiApplication.clipboard().dataChanged.connect(_changed)
    _watching = True


def _changed() -> None:
    global _ours
    if QGuiApplication.focusWindow() is None:
        return   # another program's: the app had no focus
    text = QGuiApplication.clipboard().text()
    if text:
        _ours = _digest(text)


def clear_if_ours() -> bool:
    """Clear the clipboard if it still holds what the app copied; leave other programs' text alone."""
    global _ours
    if _ours is None:
        return False
    cb = QGuiApplication.clipboard()
    current = cb.text()
    cleared = False
    if current and _digest(current) == _ours:
        cb.clear()
        cleared = True
    _ours = None
    return cleared
