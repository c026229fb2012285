"""The bundled CJK font, registered with Qt so Chinese renders on machines without one (offscreen tests too)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

FONT_DIR = Path(__file__).resolve().parents[2] / "resources" / "fonts"
FONT_FILE = FONT_DIR / "DroidSansFallbackFull.ttf"

_families: list[str] = []


def register_fonts() -> list[str]:
    """Add the bundled font to Qt's font database (once); returns its family names."""
    if not _families and FONT_FILE.exists():
        font_id = QFontDatabase.addApplicationFont(str(FONT_FILE))
        if font_id >= 0:
            _families.extend(QFontDatabase.applicationFontFamilies(font_id))
    return list(_families)


def apply_app_font(app: QApplication, point_size: int = 10) -> QFont:
    """Keep the platform's Latin font first and the bundled CJK font as the fallback for Chinese."""
    cjk = register_fonts()
    font = QFont(app.font())
    families = [f for f in font.families() if f] or [font.family()]
    families = [f for f in families if f not in cjk] + cjk
    font.setFamilies(families)
    if font.pointSize() < point_size:
        font.setPointSize(point_size)
    app.setFont(font)
    return font


def mono_font(point_size: int = 14) -> QFont:
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setStyleHint(QFont.StyleHint.Monospace)
    mono = [f for f in ("Consolas", "Menlo", "DejaVu Sans Mono", "Noto Sans Mono", "Liberation Mono")
            if QFontDatabase.hasFamily(f)]
    font.setFamilies([*mono, font.family(), *register_fonts()])
    font.setPointSize(point_size)
    return font
