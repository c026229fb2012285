"""Group attendance: choose a class, tick students (Space or click); choices are kept across classes."""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.archive.students import StudentFilter
from app.policy import class_scope
from app.school.classes import list_classes
from ui.shell.context import AppContext


class AttendancePicker(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.chosen: dict[int, str] = {}
        self.class_combo = QComboBox()
        scope = class_scope(ctx.session.account)
        for c in list_classes(ctx.session.db):
            if scope is None or c.id == scope:
                self.class_combo.addItem(c.name, c.id)
        self.list = QListWidget()
        self.list.setMinimumHeight(170)
        # students side by side in columns: a class of 45 is seen at once without a long scroll
        self.list.setFlow(QListView.Flow.LeftToRight)
        self.list.setWrapping(True)
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        fm = self.list.fontMetrics()
        self.list.setGridSize(QSize(fm.horizontalAdvance("欧阳思琪（0000）") + 34, fm.height() + 8))
        self.all_btn = QPushButton("全选本班")
        self.none_btn = QPushButton("清空")
        self.count = QLabel()
        top = QHBoxLayout()
        top.addWidget(QLabel("班级"))
        top.addWidget(self.class_combo, 1)
        top.addWidget(self.all_btn)
        top.addWidget(self.none_btn)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(top)
        lay.addWidget(self.list)
        lay.addWidget(self.count)
        self.setFocusProxy(self.class_combo)
        self.class_combo.currentIndexChanged.connect(self._fill)
        self.list.itemChanged.connect(self._changed)
        self.all_btn.clicked.connect(lambda: self._set_all(True))
        self.none_btn.clicked.connect(self.clear)
        self._fill()

    def _fill(self) -> None:
        cid = self.class_combo.currentData()
        self.list.blockSignals(True)
        self.list.clear()
        if cid is not None:
            for s in self.ctx.index.search(self.ctx.session.account, StudentFilter(class_id=cid)):
                item = QListWidgetItem(f"{s.name}（{s.registry_no[-4:]}）")   # short: the columns stay readable
                item.setToolTip(f"{s.name}　学籍号 {s.registry_no}")
                item.setData(Qt.ItemDataRole.UserRole, (s.id, s.name))
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if s.id in self.chosen else Qt.CheckState.Unchecked)
                self.list.addItem(item)
        self.list.blockSignals(False)
        self._update_count()

    def _changed(self, item: QListWidgetItem) -> None:
        sid, name = item.data(Qt.ItemDataRole.UserRole)
        if item.checkState() == Qt.CheckState.Checked:
            self.chosen[sid] = name
        else:
            self.chosen.pop(sid, None)
        self._update_count()

    def _set_all(self, on: bool) -> None:
        for i in range(self.list.count()):
            self.list.item(i).setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def clear(self) -> None:
        self.chosen.clear()
        self._fill()

    def set_selected(self, ids: list[int]) -> None:
        names = {s.id: s.name for s in self.ctx.index.search(self.ctx.session.account, StudentFilter(
            include_left=True))}
        self.chosen = {i: names.get(i, str(i)) for i in ids}
        self._fill()

    def selected_ids(self) -> list[int]:
        return list(self.chosen)

    def _update_count(self) -> None:
        names = list(self.chosen.values())
        more = f"：{'、'.join(names[:6])}{'…' if len(names) > 6 else ''}" if names else ""
        self.count.setText(f"已选 {len(names)} 人{more}")
