"""The window's part of ``--self-test``: Qt's platform plugin, the bundled font and matplotlib's QtAgg canvas.

A widget with Chinese text is rendered to an image (no window is shown), and a matplotlib figure is drawn on the
QtAgg canvas the screening page embeds. Proves that the platform and image plugins and the QtAgg backend were
bundled."""
from __future__ import annotations

from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QLabel

from app.selftest import SelfTestFailure, Step, chart_figure


def _inked(image: QImage, background: QColor) -> int:
    """How many sampled pixels differ from the background (text was drawn)."""
    inked = 0
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            if image.pixelColor(x, y) != background:
                inked += 1
    return inked


def render_widget() -> None:
    from ui.shell.fonts import register_fonts

    app = QApplication.instance() or QApplication(["xinqiao", "--self-test"])
    if not isinstance(app, QApplication):
        raise SelfTestFailure("Qt 程序对象不是界面程序。")
    if not register_fonts():
        raise SelfTestFailure("没有加载内置中文字体（resources/fonts）。")
    label = QLabel("心桥自检：界面组件")
    label.setStyleSheet("background: white; color: black; font-size: 18px;")
    label.resize(240, 40)
    image = label.grab().toImage()
    label.deleteLater()
    if image.isNull() or image.width() < 100:
        raise SelfTestFailure(f"界面组件没有画出来（平台插件：{app.platformName()}）。")
    if _inked(image, QColor("white")) < 20:
        raise SelfTestFailure("界面组件上没有画出文字。")


def render_qtagg() -> None:
    from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg

    fig = chart_figure(3, 2)
    fig.add_subplot().bar(["甲", "乙"], [1, 2])
    canvas = FigureCanvasQTAgg(fig)
    canvas.resize(300, 200)
    canvas.draw()
    image = canvas.grab().toImage()
    canvas.deleteLater()
    if image.isNull() or _inked(image, QColor("white")) < 20:
        raise SelfTestFailure("matplotlib 的 QtAgg 画布没有画出图表。")


STEPS: list[Step] = [
    ("界面组件（Qt 平台插件 + 中文字体）", render_widget),
    ("界面中的图表（matplotlib QtAgg）", render_qtagg),
]
