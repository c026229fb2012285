"""测评活动 tab: choose or create a campaign, its progress per class, statistics and charts, result import."""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import clock
from app.errors import XinqiaoError
from app.school.classnames import grade_name
from app.screening.campaigns import (
    Campaign,
    create_campaign,
    default_window_end,
    list_campaigns,
    refused,
    school_grades,
)
from app.screening.grading import LEVEL_LABELS
from app.screening.scales import all_scales
from app.screening.stats import CampaignStats, campaign_stats
from app.session import Session
from ui import dialogs
from ui.screening.charts import CampaignCharts
from ui.screening.models import RowsModel

PROGRESS_HEADERS = ["班级", "应测", "已完成", "未完成", "缺考", "拒绝", "待回执", "完成率"]
GROUPS = [("低年级（1–3）", range(1, 4)), ("小学高年级（4–6）", range(4, 7)), ("初中（7–9）", range(7, 10)),
          ("高中（10–12）", range(10, 13))]


class NewCampaignDialog(QDialog):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("新建测评活动")
        self.created: Campaign | None = None
        form = QFormLayout(self)
        today = clock.today()
        self.name = QLineEdit(f"{today.year}年秋季学期心理健康测评")
        form.addRow("名称", self.name)
        grades = school_grades(session.db)
        scales = all_scales(session.db)
        self.combos: list[tuple[list[int], QComboBox]] = []
        for label, rng in GROUPS:
            present = [g for g in grades if g in rng]
            if not present:
                continue
            combo = QComboBox()
            combo.addItem("（不测）", None)
            for s in scales.values():
                if any(g in s.grades for g in present):
                    combo.addItem(f"{s.short_name}（{s.name}）", s.id)
            if combo.count() > 1:
                combo.setCurrentIndex(1)
            form.addRow(label, combo)
            self.combos.append((present, combo))
        self.consent = QCheckBox("需要家长知情同意回执")
        form.addRow("", self.consent)
        self.window_end = QDateEdit()
        self.window_end.setCalendarPopup(True)
        end = default_window_end(grades, today)
        self.window_end.setDate(QDate(end.year, end.month, end.day))
        form.addRow("截止日期", self.window_end)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("创建")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.create)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def create(self) -> None:
        scales = {}
        all_sc = all_scales(self.session.db)
        for grades, combo in self.combos:
            sid = combo.currentData()
            if sid:
                for g in grades:
                    if g in all_sc[sid].grades:
                        scales[g] = sid
        d = self.window_end.date()
        try:
            self.created = create_campaign(self.session, self.name.text(), scales,
                                           window_end=dt.date(d.year(), d.month(), d.day()),
                                           consent_required=self.consent.isChecked())
        except XinqiaoError as e:
            dialogs.warn(self, "无法创建", e.message)
            return
        self.accept()


class CampaignsTab(QWidget):
    changed = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.combo = QComboBox()
        self.combo.setMinimumContentsLength(22)
        self.new_btn = QPushButton("新建测评…")
        self.import_btn = QPushButton("导入结果文件…")
        top = QHBoxLayout()
        top.addWidget(QLabel("测评活动"))
        top.addWidget(self.combo, 1)
        top.addWidget(self.new_btn)
        top.addWidget(self.import_btn)
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.progress_model = RowsModel(PROGRESS_HEADERS, self._progress_cell)
        self.progress_view = QTableView()
        self.progress_view.setModel(self.progress_model)
        self.progress_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.progress_view.verticalHeader().hide()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.charts = CampaignCharts()
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        upper = QSplitter()
        upper.addWidget(self.progress_view)
        upper.addWidget(self.summary)
        upper.setSizes([600, 600])
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(upper)
        split.addWidget(self.charts)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.info)
        layout.addWidget(split, 1)
        self.stats: CampaignStats | None = None
        self.combo.currentIndexChanged.connect(self.show_campaign)
        self.new_btn.clicked.connect(self.new_campaign)
        self.import_btn.clicked.connect(self.import_results)
        can_manage = session.account.sees_confidential or session.account.manages
        self.new_btn.setEnabled(can_manage)
        self.import_btn.setEnabled(can_manage)
        self.reload()

    @staticmethod
    def _progress_cell(p, col: int):  # type: ignore[no-untyped-def]
        return [p.class_name, p.targets, p.done, p.missing, p.absent, p.refused, p.pending_consent,
                f"{p.rate:.0%}"][col]

    def campaign_id(self) -> int | None:
        return self.combo.currentData()

    def reload(self, select: int | None = None) -> None:
        current = select or self.campaign_id()
        self.combo.blockSignals(True)
        self.combo.clear()
        for c in list_campaigns(self.session.db):
            self.combo.addItem(f"{c.name}（截止 {c.window_end}）", c.id)
        idx = self.combo.findData(current) if current else 0
        self.combo.setCurrentIndex(max(idx, 0))
        self.combo.blockSignals(False)
        self.show_campaign()

    def show_campaign(self) -> None:
        cid = self.campaign_id()
        if cid is None:
            self.info.setText("还没有测评活动。点击“新建测评…”，或直接导入平台导出的结果文件。")
            self.progress_model.set_rows([])
            self.summary.setText("")
            return
        camp = next(c for c in list_campaigns(self.session.db) if c.id == cid)
        scales = all_scales(self.session.db)
        per = "；".join(f"{grade_name(g)} {scales[s].short_name if s in scales else s}" for g, s in camp.scales.items())
        self.info.setText(f"{camp.semester_name}　测评窗口 {camp.window_start} 至 {camp.window_end}　"
                          f"{'需要知情同意回执　' if camp.consent_required else ''}量表：{per}")
        self.stats = campaign_stats(self.session, cid)
        self.progress_model.set_rows(self.stats.classes)
        lines = []
        for g in self.stats.grades:
            lv = self.stats.levels_by_grade.get(g.label, {})
            levels = "，".join(f"{LEVEL_LABELS[k]} {v}" for k, v in sorted(lv.items())) or "无预警"
            lines.append(f"{g.label}：完成 {g.done}/{g.targets - g.refused}（{g.rate:.0%}），{levels}")
        for s in self.stats.scales:
            lines.append(f"{s.label} 阳性率 {s.rate:.1%}（{s.positive}/{s.results}，关键题阳性 {s.critical}）")
        ref = refused(self.session, cid)
        if ref:
            lines.append("拒绝参加（已排除）：" + "、".join(f"{t.name}（{t.class_name}）" for t in ref[:30])
                         + ("…" if len(ref) > 30 else ""))
        self.summary.setText("\n".join(lines))
        self.charts.show_stats(self.stats)

    def new_campaign(self) -> None:
        dlg = NewCampaignDialog(self.session, self)
        if dlg.exec() and dlg.created:
            self.reload(dlg.created.id)
            self.changed.emit()

    def import_results(self) -> None:
        from ui.screening.import_dialog import ImportResultsDialog

        name = self.combo.currentText().split("（截止")[0] if self.campaign_id() else ""
        dlg = ImportResultsDialog(self.session, name, self)
        dlg.imported.connect(lambda: (self.reload(), self.changed.emit()))
        dlg.open()
        self.import_dialog = dlg
