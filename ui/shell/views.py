"""Small rules every list and table of students follows."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView


def keep_registry_numbers_whole(view: QAbstractItemView) -> None:
    """A 学籍号 cut at the end ("G37021220130000…") hides the digits that tell students apart: a list or table
    showing registry numbers elides in the middle ("G3702…0012") when a column is too narrow."""
    view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
