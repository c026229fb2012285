"""Text on a reportlab canvas with the bundled CJK font; Latin runs in Helvetica (the CJK font has no Latin)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

FONT_FILE = Path(__file__).resolve().parent.parent.parent / "resources" / "fonts" / "DroidSansFallbackFull.ttf"
FONT = "XinqiaoCJK"


def register_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(FONT_FILE)))


def runs(text: str) -> list[tuple[bool, str]]:
    out: list[tuple[bool, str]] = []
    for ch in text:
        latin = ord(ch) < 0x2000
        if out and out[-1][0] == latin:
            out[-1] = (latin, out[-1][1] + ch)
        else:
            out.append((latin, ch))
    return out


class Writer:
    def __init__(self, canvas: Any, size: float = 10.5) -> None:
        register_font()
        self.canvas = canvas
        self.size = size

    def width(self, text: str) -> float:
        from reportlab.pdfbase.pdfmetrics import stringWidth

        return sum(stringWidth(run, "Helvetica" if latin else FONT, self.size) for latin, run in runs(text))

    def text(self, x: float, y: float, text: str) -> float:
        from reportlab.pdfbase.pdfmetrics import stringWidth

        for latin, run in runs(text):
            face = "Helvetica" if latin else FONT
            self.canvas.setFont(face, self.size)
            self.canvas.drawString(x, y, run)
            x += stringWidth(run, face, self.size)
        return x

    def centred(self, x: float, y: float, text: str) -> None:
        self.text(x - self.width(text) / 2, y, text)
