"""The window's font: the system's modern CJK UI font where there is one (微软雅黑 on Windows, Noto Sans CJK SC or
Source Han Sans SC on Linux), the bundled Droid Sans Fallback only as the fallback, registered with Qt so Chinese
renders on machines without any CJK font (offscreen tests too)."""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

FONT_DIR = Path(__file__).resolve().parents[2] / "resources" / "fonts"
FONT_FILE = FONT_DIR / "DroidSansFallbackFull.ttf"

_families: list[str] = []

# In order of preference; the first one installed leads the font's family list.
UI_FAMILIES = (
    "Microsoft YaHei UI", "Microsoft YaHei", "微软雅黑",
    "PingFang SC",
    "Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", "思源黑体", "Noto Sans SC",
    "WenQuanYi Micro Hei", "文泉驿微米黑",
)


def choose_ui_families(installed: Iterable[str]) -> list[str]:
    """The preferred CJK UI families among ``installed`` (case-insensitive), best first; [] when none is."""
    have = {f.casefold(): f for f in installed}
    chosen: list[str] = []
    for want in UI_FAMILIES:
        real = have.get(want.casefold())
        if real is not None and real not in chosen:
            chosen.append(real)
    return chosen


def register_fonts() -> list[str]:
    """Add the bundled font to Qt's font database (once); returns its family names."""
    if not _families and FONT_FILE.exists():
        font_id = QFontDatabase.addApplicationFont(str(FONT_FILE))
        if font_id >= 0:
            _families.extend(QFontDatabase.applicationFontFamilies(font_id))
    return list(_families)


def font_families(platform: list[str], installed: Iterable[str], bundled: list[str]) -> list[str]:
    """The family list of the window's font: a modern CJK UI font first when one is installed, then the platform's
    font, the bundled font last (Qt takes each character from the first family that has it)."""
    modern = choose_ui_families(installed)
    rest = [f for f in platform if f and f not in modern and f not in bundled]
    return modern + rest + [f for f in bundled if f not in modern]


def apply_app_font(app: QApplication, point_size: int = 10) -> QFont:
    """The system's modern CJK UI font if installed, else the platform's font with the bundled CJK fallback."""
    cjk = register_fonts()
    font = QFont(app.font())
    platform = [f for f in font.families() if f] or [font.family()]
    families = font_families(platform, QFontDatabase.families(), cjk)
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
