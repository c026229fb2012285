"""A layout that wraps its widgets onto the next line when the row is too narrow (button bars that must never
be clipped, at 1024×768 as at 1280×800). Hidden widgets take no room. Optionally the items after a
``add_stretch()`` mark are pushed to the right end of the last line they share with the earlier ones."""
from __future__ import annotations

from PySide6.QtCore import QMargins, QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QSizePolicy, QWidget


class FlowLayout(QLayout):
    def __init__(self, parent: QWidget | None = None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._right_from: int | None = None     # index of the first right-aligned item
        self._spacing = spacing
        self.setContentsMargins(QMargins(0, 0, 0, 0))

    # -- QLayout ----------------------------------------------------------------------------------------
    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 (Qt API)
        self._items.append(item)

    def add_stretch(self) -> None:
        """Items added after this go to the right end of the line."""
        self._right_from = len(self._items)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # type: ignore[override]  # noqa: N802
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # type: ignore[override]  # noqa: N802
        if 0 <= index < len(self._items):
            return self._items.pop(index)
        return None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return self._do_layout(QRect(0, 0, width, 0), apply=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802
        super().setGeometry(rect)
        self._do_layout(rect, apply=True)

    def sizeHint(self) -> QSize:  # noqa: N802
        return self.minimumSize()

    def minimumSize(self) -> QSize:  # noqa: N802
        size = QSize()
        for item in self._visible():
            size = size.expandedTo(item.minimumSize())
        m = self.contentsMargins()
        return size + QSize(m.left() + m.right(), m.top() + m.bottom())

    # -- placing ----------------------------------------------------------------------------------------
    def _visible(self) -> list[QLayoutItem]:
        return [i for i in self._items if i.widget() is None or not i.widget().isHidden()]

    def _do_layout(self, rect: QRect, apply: bool) -> int:
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        lines: list[list[tuple[QLayoutItem, QSize, bool]]] = [[]]
        x = 0
        for index, item in enumerate(self._items):
            if item.widget() is not None and item.widget().isHidden():
                continue
            hint = item.sizeHint()
            right = self._right_from is not None and index >= self._right_from
            step = hint.width() + (self._spacing if lines[-1] else 0)
            if lines[-1] and x + step > area.width():
                lines.append([])
                x = 0
                step = hint.width()
            lines[-1].append((item, hint, right))
            x += step
        y = area.y()
        for line in lines:
            if not line:
                continue
            height = max(h.height() for _i, h, _r in line)
            if apply:
                left_items = [(i, h) for i, h, r in line if not r]
                right_items = [(i, h) for i, h, r in line if r]
                lx = area.x()
                for item, hint in left_items:
                    item.setGeometry(QRect(QPoint(lx, y + (height - hint.height()) // 2), hint))
                    lx += hint.width() + self._spacing
                rx = area.right() + 1 - sum(h.width() for _i, h in right_items) \
                    - self._spacing * max(0, len(right_items) - 1)
                rx = max(rx, lx)
                for item, hint in right_items:
                    item.setGeometry(QRect(QPoint(rx, y + (height - hint.height()) // 2), hint))
                    rx += hint.width() + self._spacing
            y += height + self._spacing
        return y - self._spacing - rect.y() + m.bottom() if y > area.y() else m.top() + m.bottom()


def flow_bar(widgets: list[QWidget], right: list[QWidget] | None = None) -> QWidget:
    """A widget holding ``widgets`` (left) and ``right`` (right-aligned), wrapping when narrow."""
    bar = QWidget()
    lay = FlowLayout(bar)
    for w in widgets:
        lay.addWidget(w)
    if right:
        lay.add_stretch()
        for w in right:
            lay.addWidget(w)
    policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
    policy.setHeightForWidth(True)
    bar.setSizePolicy(policy)
    return bar
