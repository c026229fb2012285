"""Small shared pieces of the people page: a read-only table, its colours, and a staff picker."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QHeaderView, QTableWidget, QTableWidgetItem

from app.school.staff import StaffMember

RED = QBrush(QColor("#c62828"))
UNCOVERED = QBrush(QColor("#ffe0e0"))
NO_SCHOOL = QBrush(QColor("#eeeeee"))


def table(headers: Sequence[str], stretch: int | None = None) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(list(headers))
    t.verticalHeader().hide()
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    header = t.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    if stretch is not None:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return t


def fill(t: QTableWidget, rows: Sequence[Sequence[Any]], *, red: Sequence[bool] = ()) -> None:
    t.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem("" if value is None else str(value))
            if r < len(red) and red[r]:
                item.setForeground(RED)
            t.setItem(r, c, item)


def staff_combo(members: Sequence[StaffMember], *, blank: str = "") -> QComboBox:
    """Active staff by name (with their roles); ``blank`` adds a first item meaning nobody."""
    combo = QComboBox()
    if blank:
        combo.addItem(blank, None)
    for m in members:
        if m.active:
            combo.addItem(f"{m.name}（{m.roles_label}）", m.id)
    return combo
