"""The search box: results as you type (from two characters), matches in bold, Enter or a click opens one."""
from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from app.errors import XinqiaoError
from app.search import MARK_END, MARK_START, SearchHit, search


def snippet_html(snippet: str) -> str:
    """Escape the text, then turn the match markers into bold."""
    # dark text on a pale yellow box: readable on a white row and on the blue of a selected one
    mark = "<b style='background-color:#fde68a; color:#1f2937'>"
    return html.escape(snippet).replace(MARK_START, mark).replace(MARK_END, "</b>")


class SearchBox(QWidget):
    open_hit = Signal(object)   # SearchHit: the page hands it to the window, which opens it on its owner's page

    def __init__(self, session_getter: Callable[[], object], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session_getter
        self.hits: list[SearchHit] = []
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("检索记录：输入两个字以上，如 失眠")
        self.edit.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.results.setWordWrap(True)
        self.info = QLabel()
        lay = QVBoxLayout(self)
        lay.addWidget(self.edit)
        lay.addWidget(self.info)
        lay.addWidget(self.results, 1)
        self.setFocusProxy(self.edit)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.run)
        self.edit.textChanged.connect(lambda _t: self._timer.start())
        self.edit.returnPressed.connect(self._enter)
        self.results.itemActivated.connect(self._activated)
        self.results.itemClicked.connect(self._activated)

    def run(self) -> None:
        text = self.edit.text().strip()
        self.results.clear()
        self.hits = []
        if len(text) < 2:
            # one character would match nearly every record: say so instead of an empty list
            self.info.setText("请至少输入两个字：只输入一个字会匹配到太多记录，所以暂不显示结果。" if text else "")
            return
        try:
            self.hits = search(self._session(), text)  # type: ignore[arg-type]
        except XinqiaoError as e:
            self.info.setText(e.message)
            return
        self.info.setText(f"找到 {len(self.hits)} 条" + ("（只显示最新 50 条）" if len(self.hits) >= 50 else ""))
        for hit in self.hits:
            tier = "　<span style='color:#b91c1c'>［保密］</span>" if hit.tier == "confidential" else ""
            head = html.escape(f"{hit.date}　{hit.kind_label}　{hit.name}　{hit.registry_no}")
            label = QLabel(f"{head}{tier}<br>{snippet_html(hit.snippet)}")
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setWordWrap(True)
            label.setContentsMargins(4, 3, 4, 3)
            item = QListWidgetItem()
            width = max(200, self.results.viewport().width() - 8)
            item.setSizeHint(QSize(width, label.heightForWidth(width) + 6))
            self.results.addItem(item)
            self.results.setItemWidget(item, label)
        if self.hits:
            self.results.setCurrentRow(0)

    def _enter(self) -> None:
        if self._timer.isActive():
            self._timer.stop()
            self.run()
        item = self.results.currentItem()
        if item is not None:
            self._activated(item)

    def _activated(self, item: QListWidgetItem) -> None:
        self.open_hit.emit(self.hits[self.results.row(item)])
