"""The QPainter backend of the letter layout (``app/letters/layout.py``): the live preview and Qt printing draw
exactly what the PDF draws, from the same positions (points from the page's bottom-left corner)."""
from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QImage, QPagedPaintDevice, QPainter, QPen

from app.letters.layout import CJK, LATIN, PAGE_H, PAGE_W, LaidOut, RuleOp, TextOp, latin_file
from ui.shell.fonts import register_fonts

_families: dict[str, str] = {}


def families() -> dict[str, str]:
    """The Qt family of each layout font (the bundled CJK font and DejaVu Sans), registered once."""
    if not _families:
        cjk = register_fonts()
        _families[CJK] = cjk[0] if cjk else "Droid Sans Fallback"
        font_id = QFontDatabase.addApplicationFont(str(latin_file()))
        latin = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
        _families[LATIN] = latin[0] if latin else "DejaVu Sans"
    return _families


def draw_page(painter: QPainter, ops: list, scale: float) -> None:  # type: ignore[type-arg]
    """Draw one page; ``scale`` is device pixels per point (the painter's own DPI / 72)."""
    fams = families()
    fonts: dict[tuple[str, float], QFont] = {}
    for op in ops:
        if isinstance(op, TextOp):
            for run in op.runs:
                key = (run.font, op.size)
                font = fonts.get(key)
                if font is None:
                    font = QFont(fams[run.font])
                    font.setPixelSize(max(1, round(op.size * scale)))
                    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
                    fonts[key] = font
                painter.setFont(font)
                painter.drawText(QPointF(run.x * scale, (PAGE_H - op.y) * scale), run.text)
        elif isinstance(op, RuleOp):
            pen = QPen(QColor("black"))
            pen.setWidthF(max(op.width * scale, 0.5))
            if op.dashed:
                pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.drawLine(QPointF(op.x1 * scale, (PAGE_H - op.y1) * scale),
                             QPointF(op.x2 * scale, (PAGE_H - op.y2) * scale))
            painter.setPen(QPen(QColor("black")))


def page_image(letter: LaidOut, page: int = 0, width_px: int = 600) -> QImage:
    """One page as an image ``width_px`` wide (the live preview)."""
    scale = width_px / PAGE_W
    image = QImage(width_px, round(PAGE_H * scale), QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    painter.setPen(QPen(QColor("black")))
    draw_page(painter, letter.pages[page], scale)
    painter.end()
    return image


def print_letters(device: QPagedPaintDevice, letters: list[LaidOut]) -> int:
    """Every page of every letter onto a printer (full page, A4), each letter from a new page; returns pages."""
    painter = QPainter(device)
    if not painter.isActive():
        return 0
    scale = device.logicalDpiX() / 72.0
    pages = 0
    try:
        for letter in letters:
            for ops in letter.pages:
                if pages:
                    device.newPage()
                painter.setPen(QPen(QColor("black")))
                draw_page(painter, ops, scale)
                pages += 1
    finally:
        painter.end()
    return pages
