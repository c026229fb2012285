"""The district page's charts: built and drawn to PNG on a worker thread (``run_task``; matplotlib with Agg, no Qt)
and shown as pictures in a scrolling column, so 300 schools never hold up the window while the figures render."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from ui.shell.tasks import run_task

Rendered = list[tuple[str, bytes]]


def period_pngs(view: dict[str, Any], width_px: int) -> Rendered:
    """(title, PNG) of the period's charts: call it on a worker thread."""
    from app.exchange.district_charts import group_charts, status_chart

    w = max(width_px, 480) / 100
    return [(c.title, c.png()) for c in [status_chart(view, width=w), *group_charts(view, width=w)]]


def trend_pngs(trend: dict[str, Any], width_px: int) -> Rendered:
    """(title, PNG) of the trend charts: call it on a worker thread."""
    from app.exchange.district_charts import trend_charts

    w = max(width_px, 480) / 100
    return [(c.title, c.png()) for c in trend_charts(trend, width=w)]


class ChartColumn(QScrollArea):
    """Charts one under another; ``draw`` renders them off the UI thread and shows them when done."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.inner = QWidget()
        self.column = QVBoxLayout(self.inner)
        self.column.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.setWidget(self.inner)
        self.images: list[QLabel] = []
        self.stamp = 0          # a newer draw wins over an older one still rendering

    def begin(self) -> tuple[int, int]:
        """(stamp, pixel width) for a new drawing: a later one wins over one still rendering."""
        self.stamp += 1
        return self.stamp, max(self.viewport().width() - self.verticalScrollBar().sizeHint().width() - 24, 480)

    def draw(self, render: Callable[[int], Rendered]) -> None:
        """``render(width)`` on a worker thread, the pictures shown when done."""
        stamp, width = self.begin()
        run_task(self, lambda _p: render(width), lambda pngs: self.show_pngs(stamp, pngs), label="正在绘制图表……",
                 show_progress=False)

    def show_pngs(self, stamp: int, pngs: Rendered) -> None:
        """Show ``pngs`` if they are the latest drawing and the page is still open."""
        if stamp != self.stamp or not shiboken6.isValid(self.column):   # redrawn since, or the page was closed
            return
        self.clear()
        for title, data in pngs:
            label = QLabel()
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setAccessibleName(title)
            label.setObjectName("chartImage")         # styled by the theme
            pix = QPixmap()
            pix.loadFromData(data, "PNG")
            label.setPixmap(pix)
            label.setMinimumSize(pix.size())      # the scroll area scrolls; a chart is never squeezed or cut
            self.column.addWidget(label)
            self.images.append(label)
        self.column.activate()                    # lay the new pictures out now, not at the next event

    def clear(self) -> None:
        for label in self.images:
            self.column.removeWidget(label)
            label.deleteLater()
        self.images = []

    def titles(self) -> list[str]:
        return [label.accessibleName() for label in self.images]
