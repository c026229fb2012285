"""设置 tab of the 测评 page: the grading rules editor and the scale files (a school adds its own licensed scale)."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.errors import XinqiaoError
from app.screening.custom_scales import add_scale_file
from app.screening.grading import DEFAULT_RULES, load_rules, save_rules
from app.screening.scales import RATER_LABELS, all_scales
from app.session import Session
from ui.shell import dialogs
from ui.shell.views import fit_columns


class ScreeningSettings(QWidget):
    changed = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        rules_box = QGroupBox("分级规则")
        form = QFormLayout(rules_box)
        self.critical = QComboBox()
        for lv, label in ((1, "一级"), (2, "二级"), (3, "三级")):
            self.critical.addItem(label, lv)
        form.addRow("关键题阳性 → ", self.critical)
        self.thresholds = QTableWidget(0, 4)
        # short titles (the form is half of a 1024-pixel window), the rule for each in its title's tooltip
        self.thresholds.setHorizontalHeaderLabels(["量表编号", "最低分", "最高分", "等级"])
        for col, tip in ((2, "最高分可空：不设上限"), (3, "等级填 1–3：一级最重")):
            self.thresholds.horizontalHeaderItem(col).setToolTip(tip)
        fit_columns(self.thresholds, 0)
        self.thresholds.setMinimumHeight(160)
        form.addRow("分数线", self.thresholds)
        row_btns = QHBoxLayout()
        add = QPushButton("添加一行")
        remove = QPushButton("删除选中行")
        add.clicked.connect(lambda: self._add_threshold({"scale": "", "min": 0, "level": 3}))
        remove.clicked.connect(lambda: self.thresholds.removeRow(self.thresholds.currentRow()))
        row_btns.addWidget(add)
        row_btns.addWidget(remove)
        row_btns.addStretch(1)
        form.addRow("", row_btns)
        self.review: dict[str, QSpinBox] = {}
        self.rescreen: dict[str, QSpinBox] = {}
        for lv in ("1", "2", "3"):
            s = QSpinBox()
            s.setRange(1, 60)
            s.setSuffix(" 个上学日")
            self.review[lv] = s
            form.addRow(f"{'一二三'[int(lv) - 1]}级复核期限", s)
        for lv in ("2", "3"):
            s = QSpinBox()
            s.setRange(7, 730)
            s.setSuffix(" 天")
            self.rescreen[lv] = s
            form.addRow(f"{'一二三'[int(lv) - 1]}级复测间隔", s)
        buttons = QHBoxLayout()
        self.save_btn = QPushButton("保存规则")
        self.default_btn = QPushButton("恢复默认")
        buttons.addWidget(self.save_btn)
        buttons.addWidget(self.default_btn)
        buttons.addStretch(1)
        form.addRow("", buttons)
        self.save_btn.clicked.connect(self.save)
        self.default_btn.clicked.connect(lambda: self.show_rules(DEFAULT_RULES))

        scales_box = QGroupBox("量表")
        sv = QVBoxLayout(scales_box)
        self.scales = QListWidget()
        self.scales.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)   # two lines, never sideways
        sv.addWidget(self.scales)
        note = QLabel("内置 PHQ-9、GAD-7 和低年级观察表。学校持有授权的其他量表，可按 resources/scales/schema.json 的格式"
                      "写成 JSON 文件后在此添加；添加前会逐项检查，出错时指出文件和字段。")
        note.setWordWrap(True)
        sv.addWidget(note)
        self.add_scale_btn = QPushButton("添加量表文件…")
        self.add_scale_btn.clicked.connect(self.add_scale)
        sv.addWidget(self.add_scale_btn)
        layout = QHBoxLayout(self)
        layout.addWidget(rules_box, 3)
        layout.addWidget(scales_box, 2)
        self.show_rules(load_rules(session.db))
        self.fill_scales()

    def _add_threshold(self, t: dict[str, Any]) -> None:
        r = self.thresholds.rowCount()
        self.thresholds.insertRow(r)
        for c, key in enumerate(("scale", "min", "max", "level")):
            self.thresholds.setItem(r, c, QTableWidgetItem("" if t.get(key) is None else str(t.get(key))))

    def show_rules(self, rules: dict[str, Any]) -> None:
        self.critical.setCurrentIndex(self.critical.findData(rules["critical_level"]))
        self.thresholds.setRowCount(0)
        for t in rules["thresholds"]:
            self._add_threshold(t)
        for lv, s in self.review.items():
            s.setValue(int(rules["review_school_days"].get(lv, 10)))
        for lv, s in self.rescreen.items():
            s.setValue(int(rules["rescreen_days"].get(lv, 180)))

    def collect(self) -> dict[str, Any]:
        thresholds = []
        for r in range(self.thresholds.rowCount()):
            cells = [(self.thresholds.item(r, c).text().strip() if self.thresholds.item(r, c) else "") for c in range(4)]
            if not any(cells):
                continue
            try:
                t: dict[str, Any] = {"scale": cells[0], "min": float(cells[1]), "level": int(cells[3])}
                if cells[2]:
                    t["max"] = float(cells[2])
            except ValueError:
                raise XinqiaoError(f"分数线第 {r + 1} 行：分数和等级须为数字。") from None
            thresholds.append(t)
        rules = load_rules(self.session.db)
        rules.update({"critical_level": self.critical.currentData(), "thresholds": thresholds,
                      "review_school_days": {lv: s.value() for lv, s in self.review.items()},
                      "rescreen_days": {lv: s.value() for lv, s in self.rescreen.items()}})
        return rules

    def save(self) -> None:
        try:
            save_rules(self.session, self.collect())
        except XinqiaoError as e:
            dialogs.warn(self, "未保存", e.message)
            return
        dialogs.inform(self, "分级规则", "已保存。新的规则用于此后录入或导入的结果。")
        self.changed.emit()

    def fill_scales(self) -> None:
        self.scales.clear()
        for s in all_scales(self.session.db).values():
            origin = "内置" if s.builtin else "学校添加"
            self.scales.addItem(f"{s.short_name}　{s.name}\n{RATER_LABELS.get(s.rater, s.rater)} · {origin}")
            item = self.scales.item(self.scales.count() - 1)
            item.setToolTip(item.text().replace("\n", "　"))

    def add_scale(self) -> None:
        path = dialogs.open_file(self, "选择量表定义文件", "", "量表定义 (*.json)")
        if not path:
            return
        try:
            scale = add_scale_file(self.session, path)
        except XinqiaoError as e:
            dialogs.warn(self, "量表文件有误", e.message)
            return
        self.fill_scales()
        dialogs.inform(self, "已添加量表", f"已添加 {scale.short_name}（{scale.name}）。")
        self.changed.emit()
