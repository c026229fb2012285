"""fit_columns: a list keeps within its width — contents-sized columns, the long-text column stretching and whole on
hover, optional columns giving way least important first and coming back when there is room."""
from __future__ import annotations

from PySide6.QtWidgets import QTableWidget, QTableWidgetItem

from ui.shell.views import FullTextTips, fit_columns

HEADERS = ["学生", "班级", "下一步", "截止", "逾期"]
ROW = ["欧阳明轩", "九年级（12）班", "通知家长并请家长签署告知书", "12-04 22:55", "2 步"]


def _table(qtbot) -> QTableWidget:
    t = QTableWidget(3, len(HEADERS))
    t.setHorizontalHeaderLabels(HEADERS)
    for r in range(3):
        for c, text in enumerate(ROW):
            t.setItem(r, c, QTableWidgetItem(text))
    qtbot.addWidget(t)
    fit_columns(t, 2, optional=(1, 4))
    t.show()
    return t


def test_optional_columns_give_way_in_order_and_come_back(qtbot):
    t = _table(qtbot)
    header = t.horizontalHeader()
    t.resize(900, 200)
    qtbot.waitUntil(lambda: not any(t.isColumnHidden(c) for c in range(5)))
    qtbot.waitUntil(lambda: not t.horizontalScrollBar().isVisible())
    t.resize(330, 200)     # too narrow for all: 班级 goes first, then 逾期
    qtbot.waitUntil(lambda: t.isColumnHidden(1))
    qtbot.waitUntil(lambda: not t.horizontalScrollBar().isVisible())
    assert not t.isColumnHidden(0) and not t.isColumnHidden(3)
    shown = sum(header.sectionSize(c) for c in range(5) if not t.isColumnHidden(c))
    assert shown <= t.viewport().width()
    t.resize(900, 200)
    qtbot.waitUntil(lambda: not t.isColumnHidden(1) and not t.isColumnHidden(4))


def test_the_stretching_column_shows_its_whole_text_on_hover(qtbot):
    t = _table(qtbot)
    assert isinstance(t.itemDelegateForColumn(2), FullTextTips)
    assert t.itemDelegateForColumn(0) is not t.itemDelegateForColumn(2)
