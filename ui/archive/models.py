"""Qt item models for the archive: the student list (20,000 rows, reset cheaply), rows of text, the timeline."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont

from app.archive.chronology import CONFIDENTIAL, TimelineEvent
from app.archive.students import IndexEntry
from ui.shell.tables import AnyIndex, ListModel, RowsModel

__all__ = ["RowsModel"]  # kept here too: the archive's tabs import their table models from one place

LEVEL_LABELS = {1: "一级", 2: "二级", 3: "三级"}
LEVEL_COLORS = {1: QColor("#d93025"), 2: QColor("#f08c00"), 3: QColor("#f5c400")}
LEVEL_TEXT_COLORS = {1: QColor("white"), 2: QColor("white"), 3: QColor("#3a3000")}
CONFIDENTIAL_BG = QColor("#fbe9ec")
CONFIDENTIAL_FG = QColor("#8a1c2b")

def short_time(iso: str) -> str:
    """'2026-11-22T07:58:31' -> '2026-11-22 07:58'; a date stays a date."""
    return iso.replace("T", " ")[:16] if iso else ""


class StudentTableModel(ListModel):
    """Rows are the student index's entries: no per-row objects are built, a filter change is one reset."""

    HEADERS = ["学籍号", "姓名", "性别", "出生日期", "班级", "关注", "预警等级"]
    headers = HEADERS
    COL_TAGS = 5
    COL_LEVEL = 6
    _SORT_KEYS: list[Callable[[IndexEntry], Any]] = [
        lambda e: e.registry_no, lambda e: e.keys, lambda e: e.gender, lambda e: e.birth_date,
        lambda e: ((e.grade or 0), e.class_name), lambda e: 0, lambda e: 0]

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[IndexEntry] = []
        self._levels: dict[int, int] = {}
        self._tags_of: Callable[[IndexEntry], list[str]] = lambda _e: []
        self._sort: tuple[int, Qt.SortOrder] | None = None

    def set_rows(self, rows: list[IndexEntry], levels: dict[int, int],
                 tags_of: Callable[[IndexEntry], list[str]] | None = None) -> None:
        """``levels`` and ``tags_of`` are what the signed-in account may see (``StudentIndex.levels_for`` and
        ``tags_of``): the model shows nothing else."""
        self.beginResetModel()
        self._rows = rows
        self._levels = levels
        self._tags_of = tags_of or (lambda _e: [])
        if self._sort is not None:
            self._apply_sort()
        self.endResetModel()

    def entry(self, row: int) -> IndexEntry | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, student_id: int) -> int:
        for i, e in enumerate(self._rows):
            if e.id == student_id:
                return i
        return -1

    def _count(self) -> int:
        return len(self._rows)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        e = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return e.registry_no
            if col == 1:
                return e.name if e.status == "在读" else f"{e.name}（{e.status}）"
            if col == 2:
                return e.gender
            if col == 3:
                return e.birth_date
            if col == 4:
                return e.class_name
            if col == 5:
                return "、".join(self._tags_of(e))
            if col == 6:
                return LEVEL_LABELS.get(self._levels.get(e.id, 0), "")
        elif col == self.COL_LEVEL and role == Qt.ItemDataRole.BackgroundRole:
            level = self._levels.get(e.id)
            return QBrush(LEVEL_COLORS[level]) if level in LEVEL_COLORS else None
        elif col == self.COL_LEVEL and role == Qt.ItemDataRole.ForegroundRole:
            level = self._levels.get(e.id)
            return QBrush(LEVEL_TEXT_COLORS[level]) if level in LEVEL_TEXT_COLORS else None
        elif role == Qt.ItemDataRole.TextAlignmentRole and col in (2, 6):
            return Qt.AlignmentFlag.AlignCenter
        elif role == Qt.ItemDataRole.ForegroundRole and e.status != "在读":
            return QBrush(QColor("#888888"))
        elif role == Qt.ItemDataRole.UserRole:
            return e.id
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        self._apply_sort()
        self.layoutChanged.emit()

    def _apply_sort(self) -> None:
        assert self._sort is not None
        column, order = self._sort
        reverse = order == Qt.SortOrder.DescendingOrder
        if column == self.COL_LEVEL:
            levels = self._levels
            self._rows = sorted(self._rows, key=lambda e: levels.get(e.id, 9), reverse=reverse)
        elif column == self.COL_TAGS:
            tags_of = self._tags_of
            self._rows = sorted(self._rows, key=lambda e: len(tags_of(e)), reverse=reverse)
        else:
            self._rows = sorted(self._rows, key=self._SORT_KEYS[column], reverse=reverse)


HIDDEN_MARK = "（保密内容已隐藏，点“显示保密内容”查看）"


class TimelineModel(ListModel):
    """The timeline, newest first; confidential rows tinted and their tier shown in bold."""

    HEADERS = ["日期", "类别", "事项", "详情", "级别"]
    headers = HEADERS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.events: list[TimelineEvent] = []
        self.hide_confidential = False   # 显示保密内容 not clicked yet: confidential rows show no text
        self._bold = QFont()
        self._bold.setBold(True)

    def set_events(self, events: list[TimelineEvent], hide_confidential: bool = False) -> None:
        self.beginResetModel()
        self.events = sorted(events, key=lambda e: e.at, reverse=True)
        self.hide_confidential = hide_confidential
        self.endResetModel()

    def show_confidential(self) -> None:
        self.beginResetModel()
        self.hide_confidential = False
        self.endResetModel()

    def hidden_count(self) -> int:
        return sum(1 for e in self.events if e.tier == CONFIDENTIAL and e.detail) if self.hide_confidential else 0

    def _count(self) -> int:
        return len(self.events)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        e = self.events[index.row()]
        col = index.column()
        confidential = e.tier == CONFIDENTIAL
        hidden = confidential and self.hide_confidential
        if role == Qt.ItemDataRole.DisplayRole:
            return [short_time(e.at), e.kind_label, e.title, HIDDEN_MARK if hidden and e.detail else e.detail,
                    e.tier_label][col]
        if role == Qt.ItemDataRole.ToolTipRole and col in (2, 3):
            return e.title if hidden else f"{e.title}\n{e.detail}".strip()
        if confidential and role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(CONFIDENTIAL_BG)
        if confidential and role == Qt.ItemDataRole.ForegroundRole and col == 4:
            return QBrush(CONFIDENTIAL_FG)
        if confidential and role == Qt.ItemDataRole.FontRole and col == 4:
            return self._bold
        if role == Qt.ItemDataRole.UserRole:
            return e.source
        return None
