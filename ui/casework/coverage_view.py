"""Coverage per class and semester: progress bars for 一生一谈, focus students' home visits and parent feedback,
and the names still missing."""
from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.casework.coverage import ClassCoverage, Measure, class_coverage, current_semester
from app.errors import XinqiaoError
from app.policy import class_scope
from app.school.classes import list_classes
from ui.shell.context import AppContext


class CoverageView(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.coverage: ClassCoverage | None = None
        self.class_combo = QComboBox()
        self.semester_label = QLabel()
        self.refresh_btn = QPushButton("刷新")
        top = QHBoxLayout()
        top.addWidget(QLabel("班级"))
        top.addWidget(self.class_combo)
        top.addWidget(self.semester_label, 1)
        top.addWidget(self.refresh_btn)
        self.bars: dict[str, QProgressBar] = {}
        self.missing: dict[str, QListWidget] = {}
        self.titles: dict[str, QLabel] = {}
        grid = QGridLayout()
        for col, key in enumerate(("talk", "home_visit", "feedback")):
            self.titles[key] = QLabel()
            self.bars[key] = QProgressBar()
            self.bars[key].setFormat("%v / %m")
            self.missing[key] = QListWidget()
            grid.addWidget(self.titles[key], 0, col)
            grid.addWidget(self.bars[key], 1, col)
            grid.addWidget(QLabel("尚未完成："), 2, col)
            grid.addWidget(self.missing[key], 3, col)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addLayout(grid, 1)
        self.class_combo.currentIndexChanged.connect(self.refresh)
        self.refresh_btn.clicked.connect(self.refresh)
        self.reload_classes()

    def reload_classes(self) -> None:
        scope = class_scope(self.ctx.session.account)
        self.class_combo.blockSignals(True)
        self.class_combo.clear()
        for c in list_classes(self.ctx.session.db):
            if scope is None or c.id == scope:
                self.class_combo.addItem(c.name, c.id)
        self.class_combo.blockSignals(False)
        self.refresh()

    def refresh(self) -> None:
        cid = self.class_combo.currentData()
        if cid is None or self.ctx.session.locked:
            return
        try:
            sem = current_semester(self.ctx.session)
            self.coverage = class_coverage(self.ctx.session, cid, sem)
        except XinqiaoError as e:
            self.semester_label.setText(e.message)
            return
        self.semester_label.setText(f"{sem.name}（{sem.start_date} 至 {sem.end_date}），在读 {self.coverage.students} 人")
        for key, m in (("talk", self.coverage.talk), ("home_visit", self.coverage.home_visit),
                       ("feedback", self.coverage.feedback)):
            self._show(key, m)

    def _show(self, key: str, m: Measure) -> None:
        self.titles[key].setText(f"<b>{m.label}</b>　{len(m.done)}/{m.total}（{m.ratio:.0%}）")
        bar = self.bars[key]
        bar.setMaximum(max(1, m.total))
        bar.setValue(len(m.done) if m.total else 1)
        lst = self.missing[key]
        lst.clear()
        lst.addItems([f"{s.name}　{s.registry_no}" for s in m.missing])
