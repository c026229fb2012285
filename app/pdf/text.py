"""Lines of text on a reportlab canvas, each character in the font that has it (see :mod:`app.pdf.fonts`)."""
from __future__ import annotations

from typing import Any

from app.pdf.fonts import Metrics, metrics


class Writer:
    """Draws text at a size on ``canvas``: ``text`` (left), ``centred``, ``right``; ``width`` measures."""

    def __init__(self, canvas: Any, size: float = 10.5, m: Metrics | None = None) -> None:
        self.m = m or metrics()
        self.canvas = canvas
        self.size = size

    def font(self, size: float) -> None:
        self.size = size

    def width(self, text: str, size: float | None = None) -> float:
        return self.m.width(text, self.size if size is None else size)

    def text(self, x: float, y: float, text: str, size: float | None = None) -> float:
        """Draw ``text`` from ``x``; returns the x where it ends."""
        size = self.size if size is None else size
        for run in self.m.runs(text, x, size):
            self.canvas.setFont(run.font, size)
            self.canvas.drawString(run.x, y, run.text)
        return x + self.m.width(text, size)

    def centred(self, x: float, y: float, text: str, size: float | None = None) -> None:
        self.text(x - self.width(text, size) / 2, y, text, size)

    def right(self, x: float, y: float, text: str, size: float | None = None) -> None:
        self.text(x - self.width(text, size), y, text, size)
