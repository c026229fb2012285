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

    def draw(self, render: Callable[[int], Rendered]) -> None:
        self.stamp += 1
        stamp, width = self.stamp, max(self.viewport().width() - 24, 480)
        run_task(self, lambda _p: render(width), lambda pngs: self._show(stamp, pngs), label="正在绘制图表……",
                 show_progress=False)

    def _show(self, stamp: int, pngs: Rendered) -> None:
        if stamp != self.stamp or not shiboken6.isValid(self.column):   # redrawn since, or the page was closed
            return
        self.clear()
        for title, data in pngs:
            label = QLabel()
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setAccessibleName(title)
            label.setStyleSheet("background: white;")
            pix = QPixmap()
            pix.loadFromData(data, "PNG")
            label.setPixmap(pix)
            self.column.addWidget(label)
            self.images.append(label)

    def clear(self) -> None:
        for label in self.images:
            self.column.removeWidget(label)
            label.deleteLater()
        self.images = []

    def titles(self) -> list[str]:
        return [label.accessibleName() for label in self.images]
