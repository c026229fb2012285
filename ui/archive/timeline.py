"""时间线: everything that happened to a student, newest first, gathered by app.archive.chronology."""
from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QTableView, QVBoxLayout, QWidget

from app.archive.chronology import TimelineEvent
from app.session import Session
from ui.archive.models import TimelineModel
from ui.shell.confidential import reveal, reveal_button
from ui.shell.theme import set_tone
from ui.shell.views import fit_columns


class TimelineWidget(QWidget):
    """With a ``session``, confidential rows show their title but not their text until "显示保密内容" is clicked
    (once per record shown: ``set_events(..., target=...)`` hides them again); the reveal is audited."""

    def __init__(self, parent: QWidget | None = None, session: Session | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.target = ""
        self.model = TimelineModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.verticalHeader().hide()
        self.view.setWordWrap(False)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        # 事项 and 详情 share the spare width (whole text in their tooltips); in a narrow pane (a crisis case beside
        # its list at 1024×768) 级别 gives way first (a confidential row is tinted), then 类别.
        fit_columns(self.view, (2, 3), optional=(4, 1))
        self.summary = QLabel()
        set_tone(self.summary, "muted")
        self.reveal_button = reveal_button(self.reveal)
        self.reveal_button.hide()
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.reveal_button)
        layout.addLayout(top)
        layout.addWidget(self.view)

    def set_events(self, events: list[TimelineEvent], target: str = "") -> None:
        """Show ``events``; a new ``target`` (the student or case) hides confidential text again."""
        keep = target == self.target and not self.model.hide_confidential and bool(target)
        self.target = target
        self.model.set_events(events, hide_confidential=self.session is not None and not keep)
        self.summary.setText(f"共 {len(events)} 条记录，最新的在最上面。" if events else "暂无记录。")
        self.reveal_button.setVisible(self.model.hidden_count() > 0)

    def reveal(self) -> bool:
        """显示保密内容: audited through the app layer, then the rows show their text."""
        if self.session is None or not self.model.hide_confidential:
            return True
        if not reveal(self, self.session, self.target, "时间线中的保密记录"):
            return False
        self.model.show_confidential()
        self.reveal_button.hide()
        return True

    def rows(self) -> list[tuple[str, str, str, str, str]]:
        """The rows as shown (for tests and copy)."""
        m = self.model
        return [tuple(m.data(m.index(r, c)) for c in range(m.columnCount()))  # type: ignore[misc]
                for r in range(m.rowCount())]
