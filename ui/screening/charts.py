"""The campaign's matplotlib charts, drawn to PNG off the UI thread (Agg, no Qt) and shown as pictures, so a
campaign of 20,000 students never holds up the window while the figures render."""
from __future__ import annotations

import threading

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap, QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QWidget

from app.screening.stats import CampaignStats

TITLES = ["各年级完成情况", "各年级预警等级分布", "阳性率"]
_MATPLOTLIB = threading.Lock()   # matplotlib is not thread-safe: two renders (the pool has two workers) take turns


def render_charts(stats: CampaignStats, width_px: int, height_px: int) -> list[bytes]:
    """PNG bytes of the three charts, each ``width_px`` × ``height_px``: call it on a worker thread (which also
    pays for importing matplotlib the first time, not the window)."""
    w, h = max(width_px, 240) / 100, max(height_px, 200) / 100
    with _MATPLOTLIB:
        from app.screening.charts import coverage_figure, levels_figure, positive_rate_figure, render_png

        return [render_png(fig(stats, w, h)) for fig in (coverage_figure, levels_figure, positive_rate_figure)]


class CampaignCharts(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.images: list[QLabel] = []
        for title in TITLES:
            label = QLabel()
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setAccessibleName(title)
            label.setMinimumSize(240, 200)
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
            label.setObjectName("chartImage")
            layout.addWidget(label)
            self.images.append(label)
        self._drawn: list[QPixmap] = []

    def chart_size(self) -> tuple[int, int]:
        """The pixel size one chart should be drawn at to fill its third of the strip."""
        return max(self.width() // 3 - 6, 240), max(self.height() - 4, 200)

    def show_pngs(self, pngs: list[bytes]) -> None:
        self._drawn = []
        for data in pngs:
            pix = QPixmap()
            pix.loadFromData(data, "PNG")
            self._drawn.append(pix)
        self._fit()

    def _fit(self) -> None:
        """Each chart as drawn, or scaled down to its box when the window got narrower since: a legend or an
        axis is never cut off while a redraw at the new size is on its way."""
        for label, pix in zip(self.images, getattr(self, "_drawn", []), strict=False):
            if pix.width() > label.width() or pix.height() > label.height():
                pix = pix.scaled(label.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                 Qt.TransformationMode.SmoothTransformation)
            label.setPixmap(pix)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._fit()

    def clear(self) -> None:
        self._drawn = []
        for label in self.images:
            label.clear()
