"""The campaign's matplotlib charts, drawn to PNG off the UI thread (Agg, no Qt) and shown as pictures, so a
campaign of 20,000 students never holds up the window while the figures render."""
from __future__ import annotations

import threading

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
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
            label.setStyleSheet("background: white;")
            layout.addWidget(label)
            self.images.append(label)

    def chart_size(self) -> tuple[int, int]:
        """The pixel size one chart should be drawn at to fill its third of the strip."""
        return max(self.width() // 3 - 6, 240), max(self.height() - 4, 200)

    def show_pngs(self, pngs: list[bytes]) -> None:
        for label, data in zip(self.images, pngs, strict=True):
            pix = QPixmap()
            pix.loadFromData(data, "PNG")
            label.setPixmap(pix)

    def clear(self) -> None:
        for label in self.images:
            label.clear()
