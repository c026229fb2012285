"""Small rules every list and table follows: registry numbers kept whole, and columns fitted to the view's width."""
from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolTip,
    QTreeView,
)


def keep_registry_numbers_whole(view: QAbstractItemView) -> None:
    """A 学籍号 cut at the end ("G37021220130000…") hides the digits that tell students apart: a list or table
    showing registry numbers elides in the middle ("G3702…0012") when a column is too narrow."""
    view.setTextElideMode(Qt.TextElideMode.ElideMiddle)


class FullTextTips(QStyledItemDelegate):
    """A long-text column that elides (at 1024×768 a sentence does not fit): hovering a cut cell shows its whole text,
    as Explorer does, above the cell's own tooltip (a hint such as "双击打开"). Cells that fit show their own tooltip."""

    def helpEvent(self, event: QHelpEvent, view: QAbstractItemView, option: QStyleOptionViewItem,  # noqa: N802
                  index: QModelIndex | QPersistentModelIndex) -> bool:
        if event.type() == QEvent.Type.ToolTip and index.isValid():
            text = index.data(Qt.ItemDataRole.DisplayRole)
            if isinstance(text, str) and text and self.sizeHint(option, index).width() > option.rect.width():
                own = index.data(Qt.ItemDataRole.ToolTipRole)
                own = own if isinstance(own, str) else ""
                QToolTip.showText(event.globalPos(), own if text in own else f"{text}\n{own}".strip(), view)
                return True
        return super().helpEvent(event, view, option, index)


SAMPLE_ROWS = 60   # rows measured to decide which columns fit
STRETCH_CHARS = 6  # what a stretching column keeps before optional columns give way


class _ColumnFitter:
    """Keeps a table or tree within its width: columns as wide as their contents, the stretching ones taking what is
    left, and — when even that is too wide — the optional columns hidden, least important first (their facts are in
    the row's tooltip or the detail pane beside the list).

    Driven by signals only (the header's geometry and sections, the model's rows), never by a Python event filter or
    virtual: a view torn down mid-event must not call into Python. Held by the view's Python wrapper."""

    def __init__(self, view: QTableView | QTreeView, stretch: tuple[int, ...], optional: tuple[int, ...]) -> None:
        self.view = view
        self.stretch = stretch
        self.optional = optional
        self.dropped: set[int] = set()
        self.tips: FullTextTips | None = None
        self.last: tuple[int, int, tuple[int, ...]] | None = None
        self.timer = QTimer(view)   # goes with the view: no fit after the view is deleted
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.fit)

    def header(self) -> QHeaderView:
        return self.view.horizontalHeader() if isinstance(self.view, QTableView) else self.view.header()

    def schedule(self, *_args: object) -> None:
        if shiboken6.isValid(self.timer) and not self.timer.isActive():
            self.timer.start(0)

    def need(self, col: int) -> int:
        header = self.header()
        title = header.sectionSizeFromContents(col).width()
        if isinstance(self.view, QTreeView):
            content = self.view.sizeHintForColumn(col)
        else:
            # the first rows, on screen or not yet (a tab filled while hidden has no rows "on screen" to measure)
            model = self.view.model()
            rows = range(min(model.rowCount(), SAMPLE_ROWS)) if model is not None else range(0)
            content = max([0] + [self.view.sizeHintForIndex(model.index(r, col)).width() for r in rows])
        if col in self.stretch:   # long text may elide, but keeps a few words before optional columns go
            content = min(content, self.view.fontMetrics().horizontalAdvance("字" * STRETCH_CHARS) + 16)
        return max(title, content)

    def fit(self) -> None:
        if not self.optional or not shiboken6.isValid(self.view):
            return
        header = self.header()
        model = self.view.model()
        room = self.view.viewport().width()
        own = tuple(c for c in range(header.count()) if header.isSectionHidden(c) and c not in self.dropped)
        state = (room, model.rowCount() if model is not None else 0, own)
        if state == self.last:
            return   # hiding and showing sections resizes them: no fit for a fit's own changes
        self.last = state
        for col in self.dropped:
            header.setSectionHidden(col, False)
        self.dropped = set()
        shown = [c for c in range(header.count()) if not header.isSectionHidden(c)]
        total = sum(self.need(c) for c in shown)
        for col in self.optional:
            if total <= room:
                break
            if col in shown:
                header.setSectionHidden(col, True)
                self.dropped.add(col)
                total -= self.need(col)
        self.view.updateGeometries()   # the scrollbar now, not after the next layout pass


def fit_columns(view: QTableView | QTreeView, stretch: int | tuple[int, ...],
                optional: tuple[int, ...] = (), precision: int | None = None) -> None:
    """Fit a list to its width instead of scrolling sideways (the rule tests/ui/shell/test_shell_theme.py checks at
    1024×768): every column as wide as its contents and title, ``stretch`` taking the spare width (an elided cell there
    shows its whole text on hover), and ``optional`` columns, least important first, hidden while the rest would not
    fit. A page that hides a column itself keeps it hidden (say so only once, before the view shows). ``precision``
    (rows measured beyond those on screen) keeps a list of thousands of rows quick: 0 measures the rows on screen."""
    header = view.horizontalHeader() if isinstance(view, QTableView) else view.header()
    if precision is not None:
        header.setResizeContentsPrecision(precision)
    cols = (stretch,) if isinstance(stretch, int) else stretch
    header.setStretchLastSection(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    tips = FullTextTips(view)
    for col in cols:
        header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
        view.setItemDelegateForColumn(col, tips)
    fitter = _ColumnFitter(view, cols, optional)
    fitter.tips = tips
    view.setProperty("xinqiaoFitsColumns", True)
    view.__dict__["_column_fitter"] = fitter   # a connection holds a method weakly: the view's wrapper holds it
    header.geometriesChanged.connect(fitter.schedule)   # the view resized, shown, or its scrollbar came or went
    header.sectionResized.connect(fitter.schedule)
    model = view.model()
    if model is not None:
        # not dataChanged: a table widget emits it for every setItem; the fit waits for the event loop anyway, when a
        # fill (rows inserted, then their items set) is complete
        for signal in (model.modelReset, model.rowsInserted, model.layoutChanged):
            signal.connect(fitter.schedule)
