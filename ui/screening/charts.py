"""Matplotlib figures of a campaign embedded with FigureCanvasQTAgg."""
from __future__ import annotations

from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from PySide6.QtWidgets import QHBoxLayout, QWidget

from app.screening.charts import coverage_figure, levels_figure, positive_rate_figure
from app.screening.stats import CampaignStats


class CampaignCharts(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layout_ = QHBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.canvases: list[FigureCanvasQTAgg] = []

    def show_stats(self, stats: CampaignStats) -> None:
        for c in self.canvases:
            self.layout_.removeWidget(c)
            c.setParent(None)
            c.deleteLater()
        self.canvases = []
        for fig in (coverage_figure(stats), levels_figure(stats), positive_rate_figure(stats)):
            canvas = FigureCanvasQTAgg(fig)
            canvas.setMinimumSize(300, 260)
            self.layout_.addWidget(canvas)
            self.canvases.append(canvas)
