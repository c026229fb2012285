"""时间线: everything that happened to a student, newest first, gathered by app.archive.chronology."""
from __future__ import annotations

from PySide6.QtWidgets import QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from app.archive.chronology import TimelineEvent
from ui.archive.models import TimelineModel
from ui.shell.theme import set_tone


class TimelineWidget(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = TimelineModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.verticalHeader().hide()
        self.view.setWordWrap(False)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        for col, width in enumerate((130, 80, 260, 320, 56)):
            self.view.setColumnWidth(col, width)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.summary = QLabel()
        set_tone(self.summary, "muted")
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.view)

    def set_events(self, events: list[TimelineEvent]) -> None:
        self.model.set_events(events)
        self.summary.setText(f"共 {len(events)} 条记录，最新的在最上面。" if events else "暂无记录。")

    def rows(self) -> list[tuple[str, str, str, str, str]]:
        """The rows as shown (for tests and copy)."""
        m = self.model
        return [tuple(m.data(m.index(r, c)) for c in range(m.columnCount()))  # type: ignore[misc]
                for r in range(m.rowCount())]
