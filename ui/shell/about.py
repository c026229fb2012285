"""关于心桥: the version, where the program keeps its data, and the licences of everything it ships (the Python
packages, the bundled font and the icon), read from ``app.licences`` (generated at build time in a frozen build)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.licences import load
from app.version import NAME, VERSION, version_line

ICON_FILE = Path(__file__).resolve().parents[2] / "resources" / "icons" / "xinqiao.png"
KINDS = {"font": "字体", "icon": "图标", "runtime": "运行环境", "library": "程序库"}  # in the order shown


def app_icon() -> QIcon:
    return QIcon(str(ICON_FILE)) if ICON_FILE.exists() else QIcon()


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("关于心桥")
        self.resize(720, 520)
        lay = QVBoxLayout(self)
        head = QLabel(f"<b>{NAME}</b> 版本 {VERSION}<br>学校心理辅导室的离线桌面程序。不连接网络，"
                      "数据加密保存在本机的数据文件夹里。<br>" + version_line())
        head.setWordWrap(True)
        head.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(head)
        lay.addWidget(QLabel("随程序发布的软件、字体和图标及其许可协议："))
        order = list(KINDS)
        self.licences = sorted(load(), key=lambda x: order.index(x.kind) if x.kind in order else len(order))
        self.table = QTableWidget(len(self.licences), 4)
        self.table.setHorizontalHeaderLabels(["类别", "名称", "版本", "许可协议"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, item in enumerate(self.licences):
            for col, text in enumerate((KINDS.get(item.kind, item.kind), item.name, item.version, item.licence)):
                self.table.setItem(row, col, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(1, min(self.table.columnWidth(1), 280))
        self.table.horizontalHeader().setStretchLastSection(True)
        lay.addWidget(self.table, 1)
        note = QLabel("字体 Droid Sans Fallback 按 Apache License 2.0 发布（许可全文见程序文件夹 resources/fonts）；"
                      "Qt（PySide6）按 LGPL-3.0 使用；线条图标来自 Tabler Icons，按 MIT 许可发布"
                      "（许可全文见 resources/icons/tabler）。")
        note.setWordWrap(True)
        lay.addWidget(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def rows(self) -> list[tuple[str, str, str]]:
        """(name, version, licence) of every row."""
        return [tuple(self.table.item(r, c).text() for c in (1, 2, 3))  # type: ignore[misc]
                for r in range(self.table.rowCount())]
