"""Draw the app icon once (resources/icons/xinqiao.png and .ico): the character 桥 on a rounded teal square, in
the bundled font. Run from the project root: ``python installer/make_icon.py`` (Qt's offscreen platform is fine)."""
from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter
from PySide6.QtWidgets import QApplication

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def draw(size: int) -> QImage:
    from ui.shell.fonts import register_fonts

    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setBrush(QColor("#00897b"))
    p.setPen(Qt.PenStyle.NoPen)
    p.drawRoundedRect(QRectF(0, 0, size, size), size * 0.18, size * 0.18)
    font = QFont(register_fonts()[0])
    font.setPixelSize(int(size * 0.68))
    p.setFont(font)
    p.setPen(QColor("white"))
    p.drawText(QRectF(0, 0, size, size * 0.96), Qt.AlignmentFlag.AlignCenter, "桥")
    p.end()
    return image


if __name__ == "__main__":
    app = QApplication(sys.argv[:1])
    out = ROOT / "resources" / "icons"
    out.mkdir(parents=True, exist_ok=True)
    draw(256).save(str(out / "xinqiao.png"))
    if not draw(256).save(str(out / "xinqiao.ico")):
        sys.exit("Qt could not write .ico here (no imageformats/qico plugin)")
