"""测评: campaigns and progress, answer entry, the intervention ledger and the screening settings.

Each tab's widget is built the first time the tab is shown (or asked for through its attribute), so opening the
page pays only for the tab on screen; the tabs load their rows on worker threads (ui/shell/tasks.py)."""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from app.policy import can_counsel, can_manage_screening
from app.screening.results import enters_observations
from ui.shell.context import AppContext, Change

if TYPE_CHECKING:
    from ui.screening.campaigns import CampaignsTab
    from ui.screening.entry import AnswerEntry
    from ui.screening.ledger_view import LedgerView
    from ui.screening.settings_tab import ScreeningSettings



class ScreeningPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        account = ctx.session.account
        self.tabs = QTabWidget()
        self._built: dict[str, QWidget] = {}
        self._makers: dict[str, Callable[[], QWidget]] = {}
        self._labels: dict[str, str] = {}
        self._placeholders: dict[str, QWidget] = {}
        self._add_tab("campaigns", "测评活动", self._make_campaigns)
        # paper answers are screening results; a head teacher enters their class's observation forms (grades 1–3)
        self.can_enter = can_counsel(account) or enters_observations(ctx.session)
        self.can_manage = can_manage_screening(account)
        if self.can_enter:
            self._add_tab("entry", "答题录入", self._make_entry)
        self._add_tab("ledger", "干预台账", self._make_ledger)
        if self.can_manage:
            self._add_tab("settings", "设置", self._make_settings)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self._tab("campaigns")  # the tab on screen
        # the page header's one primary action: 新建测评 from whichever tab is in front
        self.primary_button, self.primary_icon = self.campaigns.new_btn, "plus"
        self.tabs.currentChanged.connect(self._tab_shown)
        ctx.data_changed.connect(self.on_data_changed)
        ctx.unlocked.connect(self.refresh)
        self._dirty = False

    # -- lazily built tabs ---------------------------------------------------------------------------
    def _add_tab(self, key: str, label: str, make: Callable[[], QWidget]) -> None:
        holder = QWidget()
        self._placeholders[key] = holder
        self._makers[key] = make
        self._labels[key] = label
        self.tabs.addTab(holder, label)

    def _tab(self, key: str) -> QWidget:
        """The tab's widget, built now if it was not yet (it replaces its placeholder in the tab bar)."""
        widget = self._built.get(key)
        if widget is not None:
            return widget
        widget = self._makers[key]()
        self._built[key] = widget
        holder = self._placeholders.pop(key)
        index = self.tabs.indexOf(holder)
        current = self.tabs.currentIndex()
        self.tabs.blockSignals(True)
        self.tabs.removeTab(index)
        self.tabs.insertTab(index, widget, self._labels[key])
        self.tabs.setCurrentIndex(current)
        self.tabs.blockSignals(False)
        holder.hide()
        holder.deleteLater()
        return widget

    def _tab_shown(self, index: int) -> None:
        holder = self.tabs.widget(index)
        key = next((k for k, w in self._placeholders.items() if w is holder), None)
        if key is not None:
            self._tab(key)

    def is_built(self, key: str) -> bool:
        return key in self._built

    @property
    def campaigns(self) -> CampaignsTab:
        return self._tab("campaigns")  # type: ignore[return-value]

    @property
    def ledger(self) -> LedgerView:
        return self._tab("ledger")  # type: ignore[return-value]

    @property
    def entry(self) -> AnswerEntry | None:
        return self._tab("entry") if self.can_enter else None  # type: ignore[return-value]

    @property
    def settings(self) -> ScreeningSettings | None:
        return self._tab("settings") if self.can_manage else None  # type: ignore[return-value]

    def _make_campaigns(self) -> QWidget:
        from ui.screening.campaigns import CampaignsTab

        tab = CampaignsTab(self.ctx.session)
        tab.changed.connect(lambda: self.ctx.data_changed.emit(Change.SCREENING))
        return tab

    def open_draft(self, form_key: str, student_id: int | None = None) -> QWidget | None:
        """未完成的记录 on the 工作台: a 复核访谈 (``interview:<entry>``) or a new campaign, refilled from the draft."""
        parts = form_key.split(":")
        if parts[0] == "screening" and parts[1:2] == ["campaign"]:
            self.tabs.setCurrentIndex(self.tabs.indexOf(self.campaigns))
            self.campaigns.new_campaign()
            return self.campaigns.new_dialog
        if parts[0] == "screening" and parts[1:2] == ["held"] and parts[2:3] and parts[2].isdigit():
            held = self.open_held_results()
            if held.select_held(int(parts[2])):     # type: ignore[attr-defined]
                held.decide(False)                   # type: ignore[attr-defined]
                return held.reason_dialog            # type: ignore[attr-defined]
            return held
        if parts[0] == "interview" and parts[1].isdigit():
            ledger = self.ledger
            self.tabs.setCurrentIndex(self.tabs.indexOf(ledger))
            ledger.wait_loaded()
            if ledger.select_entry(int(parts[1])):
                ledger.interview()
                return ledger.dialog
        return None

    def open_held_results(self) -> QWidget:
        """Results held for want of consent (from 工作台): count them or discard them."""
        from ui.screening.held_dialog import HeldResultsDialog

        dlg = HeldResultsDialog(self.ctx.session, self)
        dlg.finished.connect(lambda _r: dlg.changed and self.ctx.data_changed.emit(Change.SCREENING))
        dlg.setModal(True)
        dlg.show()
        self.held_dialog = dlg
        return dlg

    def _make_entry(self) -> QWidget:
        from ui.screening.entry import AnswerEntry

        entry = AnswerEntry(self.ctx.session)
        entry.saved.connect(lambda _sid: self.ctx.data_changed.emit(Change.SCREENING))
        return entry

    def _make_ledger(self) -> QWidget:
        from ui.screening.ledger_view import LedgerView

        ledger = LedgerView(self.ctx.session)
        ledger.changed.connect(lambda: self.ctx.data_changed.emit(Change.SCREENING))
        ledger.open_student.connect(self.ctx.open_student.emit)
        return ledger

    def _make_settings(self) -> QWidget:
        from ui.screening.settings_tab import ScreeningSettings

        settings = ScreeningSettings(self.ctx.session)
        settings.changed.connect(lambda: self.ctx.data_changed.emit(Change.SCREENING))
        return settings

    # -- refreshing ----------------------------------------------------------------------------------
    def on_data_changed(self, change: Change) -> None:
        if change in (Change.SCREENING, Change.STUDENTS):
            self._dirty = True
            if self.isVisible():
                self.refresh()

    def refresh(self) -> None:
        """Reload the tabs built so far (a tab built later loads fresh anyway)."""
        self._dirty = False
        if self.ctx.session.locked:
            return
        # Quick look-ups on the UI thread first, then the loads on workers (a worker's query holds the database).
        ledger = self._built.get("ledger")
        if ledger is not None:
            ledger.loading = True  # type: ignore[attr-defined]
            QTimer.singleShot(0, ledger.refresh)  # type: ignore[attr-defined]
        entry = self._built.get("entry")
        if entry is not None and self.tabs.currentWidget() is not entry:
            entry.reload(deferred=True)  # type: ignore[attr-defined]
        campaigns = self._built.get("campaigns")
        if campaigns is not None:
            campaigns.reload()  # type: ignore[attr-defined]

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802 - Qt override
        if self._dirty:
            self.refresh()
        super().showEvent(event)
