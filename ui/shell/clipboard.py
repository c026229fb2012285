"""Copying to the clipboard, remembering what the app put there so a lock can clear it (and only it)."""
from __future__ import annotations

import hashlib

from PySide6.QtGui import QGuiApplication

_ours: str | None = None  # sha256 of the last text we copied


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def copy_text(text: str) -> None:
    global _ours
    QGuiApplication.clipboard().setText(text)
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
