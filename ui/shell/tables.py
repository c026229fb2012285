"""Table models any page may use: the shared header/count base and a read-only table of text rows."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

AnyIndex = QModelIndex | QPersistentModelIndex


class ListModel(QAbstractTableModel):
    """The header row and the counts the list models share; a subclass sets ``headers`` and ``_count()``."""

    headers: list[str]

    def _count(self) -> int:
        raise NotImplementedError

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else self._count()

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None


class RowsModel(ListModel):
    """A read-only table of text rows (import preview lists, tags, plan versions)."""

    def __init__(self, headers: Sequence[str], rows: Sequence[Sequence[Any]] = (), parent: Any = None) -> None:
        super().__init__(parent)
        self.headers = list(headers)
        self.rows: list[Sequence[Any]] = list(rows)
        self.row_brushes: dict[int, tuple[QColor | None, QColor | None]] = {}

    def set_rows(self, rows: Sequence[Sequence[Any]],
                 brushes: dict[int, tuple[QColor | None, QColor | None]] | None = None) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.row_brushes = brushes or {}
        self.endResetModel()

    def _count(self) -> int:
        return len(self.rows)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            value = self.rows[index.row()][index.column()]
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.BackgroundRole and index.row() in self.row_brushes:
            bg = self.row_brushes[index.row()][0]
            return QBrush(bg) if bg is not None else None
        if role == Qt.ItemDataRole.ForegroundRole and index.row() in self.row_brushes:
            fg = self.row_brushes[index.row()][1]
            return QBrush(fg) if fg is not None else None
        return None
