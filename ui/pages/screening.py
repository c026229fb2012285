"""测评: campaigns and progress, answer entry, the intervention ledger and the screening settings."""
from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from ui.context import AppContext

PAGE_ID = "screening"
TITLE = "测评"
ORDER = 30


class ScreeningPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from ui.screening.campaigns import CampaignsTab
        from ui.screening.entry import AnswerEntry
        from ui.screening.ledger_view import LedgerView
        from ui.screening.settings_tab import ScreeningSettings

        self.ctx = ctx
        session = ctx.session
        self.tabs = QTabWidget()
        self.campaigns = CampaignsTab(session)
        self.ledger = LedgerView(session)
        self.tabs.addTab(self.campaigns, "测评活动")
        self.entry: AnswerEntry | None = None
        self.settings: ScreeningSettings | None = None
        if session.account.sees_confidential or session.account.manages:
            self.entry = AnswerEntry(session)
            self.tabs.addTab(self.entry, "答题录入")
        self.tabs.addTab(self.ledger, "干预台账")
        if session.account.sees_confidential or session.account.manages:
            self.settings = ScreeningSettings(session)
            self.tabs.addTab(self.settings, "设置")
            self.settings.changed.connect(lambda: self.ctx.data_changed.emit("screening"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self.campaigns.changed.connect(lambda: self.ctx.data_changed.emit("screening"))
        self.ledger.changed.connect(lambda: self.ctx.data_changed.emit("screening"))
        self.ledger.open_student.connect(ctx.open_student.emit)
        if self.entry is not None:
            self.entry.saved.connect(lambda _sid: self.ctx.data_changed.emit("screening"))
        ctx.data_changed.connect(self.on_data_changed)
        ctx.unlocked.connect(self.refresh)
        self._dirty = False

    def on_data_changed(self, what: str) -> None:
        if what in ("screening", "students"):
            self._dirty = True
            if self.isVisible():
                self.refresh()

    def refresh(self) -> None:
        self._dirty = False
        if self.ctx.session.locked:
            return
        # Quick look-ups on the UI thread first, then the loads on workers (a worker's query holds the database).
        self.ledger.loading = True
        QTimer.singleShot(0, self.ledger.refresh)
        if self.entry is not None and self.tabs.currentWidget() is not self.entry:
            self.entry.reload(deferred=True)
        self.campaigns.reload()

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802 - Qt override
        if self._dirty:
            self.refresh()
        super().showEvent(event)


def create(ctx: AppContext) -> QWidget:
    return ScreeningPage(ctx)
