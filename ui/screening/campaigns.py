"""测评活动 tab: choose or create a campaign, its progress per class, statistics and charts, result import.

Statistics and charts are computed and drawn off the UI thread; only the newest request's answer is shown."""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QCoreApplication, QDate, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import clock
from app.errors import XinqiaoError
from app.policy import can_manage_screening
from app.school.classnames import grade_name
from app.screening.campaigns import (
    DEADLINE_STAGES,
    Campaign,
    create_campaign,
    deadline_stage,
    default_deadlines,
    default_window_end,
    list_campaigns,
    refused,
    school_grades,
    young_grades,
    young_warning,
)
from app.screening.importer import scale_label
from app.screening.scales import all_scales
from app.screening.stats import CampaignStats, GradeCoverage, campaign_stats
from app.session import Session
from ui.screening.charts import CampaignCharts, render_charts
from ui.screening.models import RowsModel
from ui.shell import dialogs
from ui.shell.forms import DraftDialog
from ui.shell.tasks import run_task, wait_idle
from ui.shell.theme import set_role
from ui.shell.views import fit_columns

PROGRESS_HEADERS = ["班级", "应测", "已完成", "未完成", "缺考", "拒绝", "待回执", "完成率"]
GRADE_HEADERS = ["年级", "应测", "完成", "完成率", "一级", "二级", "三级"]
GROUPS = [("低年级（1–3）", range(1, 4)), ("小学高年级（4–6）", range(4, 7)), ("初中（7–9）", range(7, 10)),
          ("高中（10–12）", range(10, 13))]


class NewCampaignDialog(DraftDialog):
    draft_label = "新建测评活动"
    draft_confidential = False

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
                    combo.addItem(scale_label(s), s.id)   # never reuse ``label``: it names the grade row
            if combo.count() > 1:
                # PHQ-9 is the usual first screen where it applies; otherwise the first scale offered
                phq = combo.findData("phq9")
                combo.setCurrentIndex(phq if phq > 0 else 1)
            form.addRow(label, combo)
            self.combos.append((present, combo))
        self.consent = QCheckBox("需要家长知情同意回执")
        form.addRow("", self.consent)
        self.window_end = QDateEdit()
        self.window_end.setCalendarPopup(True)
        self.window_end.setDisplayFormat("yyyy-MM-dd")
        end = default_window_end(grades, today)
        self.window_end.setDate(QDate(end.year, end.month, end.day))
        # A deadline per stage (primary 9-30, secondary 10-31), each editable; one stage: the one date above.
        self.deadlines: dict[str, QDateEdit] = {}
        per_stage = default_deadlines(grades, today)
        if len(per_stage) > 1:
            for stage, day in per_stage.items():
                edit = QDateEdit()
                edit.setCalendarPopup(True)
                edit.setDisplayFormat("yyyy-MM-dd")
                edit.setDate(QDate(day.year, day.month, day.day))
                form.addRow(f"{DEADLINE_STAGES[stage]}截止日期", edit)
                self.deadlines[stage] = edit
        else:
            form.addRow("截止日期", self.window_end)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("创建")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.create)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.use_drafts(session, "screening:campaign:new")

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
        stages = {deadline_stage(g) for g in scales}
        deadlines = {st: dt.date(e.date().year(), e.date().month(), e.date().day())
                     for st, e in self.deadlines.items() if st in stages}
        young = young_grades(scales)
        if young and not dialogs.ask(self, "确认量表与年级", young_warning(scales, all_sc), yes="仍然使用", no="返回修改"):
            return
        try:
            self.created = create_campaign(self.session, self.name.text(), scales,
                                           window_end=None if deadlines else dt.date(d.year(), d.month(), d.day()),
                                           consent_required=self.consent.isChecked(), young_confirmed=bool(young),
                                           deadlines=deadlines or None)
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
        self.progress_view.verticalHeader().hide()
        self.progress_view.horizontalHeader().setMinimumSectionSize(44)
        # 班级 always whole; 完成率 takes the spare width; in half a 1024-pixel window 拒绝 then 缺考 give way (both
        # count in 未完成)
        fit_columns(self.progress_view, PROGRESS_HEADERS.index("完成率"),
                    optional=(PROGRESS_HEADERS.index("拒绝"), PROGRESS_HEADERS.index("缺考")))
        self.grade_model = RowsModel(GRADE_HEADERS, self._grade_cell, self._grade_colour)
        self.grade_view = QTableView()
        self.grade_view.setModel(self.grade_model)
        self.grade_view.verticalHeader().hide()
        fit_columns(self.grade_view, GRADE_HEADERS.index("完成率"), optional=(GRADE_HEADERS.index("应测"),))
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        rv.addWidget(QLabel("按年级汇总"))
        rv.addWidget(self.grade_view, 1)
        rv.addWidget(self.summary)
        self.charts = CampaignCharts()
        upper = QSplitter()
        upper.addWidget(self.progress_view)
        upper.addWidget(right)
        upper.setSizes([560, 440])
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(upper)
        split.addWidget(self.charts)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        # No campaign yet: what a campaign is and 新建测评, not empty tables and blank chart boxes.
        self.empty = QWidget()
        el = QVBoxLayout(self.empty)
        el.addStretch(1)
        self.empty_title = QLabel("还没有测评活动")
        set_role(self.empty_title, "title")
        self.empty_text = QLabel()
        self.empty_text.setWordWrap(True)
        self.empty_new = QPushButton("新建测评…")
        set_role(self.empty_new, "primary")
        self.empty_new.clicked.connect(self.new_campaign)
        self.empty_import = QPushButton("导入结果文件…")
        self.empty_import.clicked.connect(self.import_results)
        for w in (self.empty_title, self.empty_text):
            w.setAlignment(Qt.AlignmentFlag.AlignCenter)
            el.addWidget(w)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.empty_new)
        row.addWidget(self.empty_import)
        row.addStretch(1)
        el.addLayout(row)
        el.addStretch(2)
        self.body = QStackedWidget()
        self.body.addWidget(split)
        self.body.addWidget(self.empty)
        self.top_widgets = (self.combo, self.new_btn, self.import_btn)
        self.top_label = top.itemAt(0).widget()
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.info)
        layout.addWidget(self.body, 1)
        self.loading = False
        self._generation = 0
        self.stats: CampaignStats | None = None
        self.combo.currentIndexChanged.connect(self.show_campaign)
        self.new_btn.clicked.connect(self.new_campaign)
        self.import_btn.clicked.connect(self.import_results)
        can_manage = can_manage_screening(session.account)
        self.new_btn.setEnabled(can_manage)
        self.import_btn.setEnabled(can_manage)
        self.empty_new.setVisible(can_manage)
        self.empty_import.setVisible(can_manage)
        self.empty_text.setText(
            "一次测评活动是对若干年级的一轮心理筛查（例如秋季 PHQ-9、GAD-7）：建好活动后，录入纸质答卷或导入问卷星等"
            "平台导出的结果，心桥按分级规则标出需要复核的学生，并在这里显示各班完成情况和统计图。"
            if can_manage else "学校还没有测评活动。测评活动由心理教师建立。")
        self.loading = True
        QTimer.singleShot(0, self.reload)  # after the page is built (see LedgerView)

    @staticmethod
    def _progress_cell(p, col: int):  # type: ignore[no-untyped-def]
        return [p.class_name, p.targets, p.done, p.missing, p.absent, p.refused, p.pending_consent,
                f"{p.rate:.0%}"][col]

    def _grade_cell(self, g: GradeCoverage, col: int) -> object:
        lv = self.stats.levels_by_grade.get(g.label, {}) if self.stats else {}
        return [g.label, g.targets - g.refused, g.done, f"{g.rate:.0%}", lv.get(1, 0), lv.get(2, 0), lv.get(3, 0)][col]

    def _grade_colour(self, g: GradeCoverage, col: int) -> str | None:
        from app.screening.grading import LEVEL_COLOURS

        lv = self.stats.levels_by_grade.get(g.label, {}) if self.stats else {}
        if col in (4, 5, 6) and lv.get(col - 3):
            return "#b26a00" if col == 6 else LEVEL_COLOURS[col - 3]  # yellow text is unreadable on white
        return None

    def campaign_id(self) -> int | None:
        return self.combo.currentData()

    def reload(self, select: int | None = None) -> None:
        if self.session.locked:  # a queued reload can arrive after a lock or sign-out: the unlock reloads again
            return
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
        self._generation += 1
        empty = cid is None
        self.body.setCurrentWidget(self.empty if empty else self.body.widget(0))
        for w in (*self.top_widgets, self.top_label, self.info):
            if w is not None:
                w.setVisible(not empty)
        if cid is None:
            self.loading = False
            self.info.setText("还没有测评活动。点击“新建测评…”，或直接导入平台导出的结果文件。")
            self.stats = None
            self.progress_model.set_rows([])
            self.grade_model.set_rows([])
            self.summary.setText("")
            self.charts.clear()
            return
        camp = next(c for c in list_campaigns(self.session.db) if c.id == cid)
        scales = all_scales(self.session.db)
        by_scale: dict[str, list[int]] = {}
        for g, sid in sorted(camp.scales.items()):
            by_scale.setdefault(sid, []).append(g)
        per = "；".join(f"{'、'.join(grade_name(g).removesuffix('年级') for g in gs)}年级 "
                       f"{scales[sid].short_name if sid in scales else sid}" for sid, gs in by_scale.items())
        self.info.setText(f"{camp.semester_name}　测评窗口 {camp.window_start} 至 {camp.window_end}　"
                          f"{'需要知情同意回执　' if camp.consent_required else ''}量表：{per}")
        generation, session = self._generation, self.session
        width, height = self.charts.chart_size()

        def work(_p: object) -> tuple[CampaignStats, list, list[bytes]]:  # type: ignore[type-arg]
            stats = campaign_stats(session, cid)
            return stats, refused(session, cid), render_charts(stats, width, height)

        self.loading = True
        self.task = run_task(self, work, lambda res: self._shown(generation, *res),
                             lambda e: self._failed(generation, e), show_progress=False)

    def _shown(self, generation: int, stats: CampaignStats, ref: list, pngs: list[bytes]) -> None:  # type: ignore[type-arg]
        if generation != self._generation:
            return
        self.loading = False
        self.stats = stats
        self.progress_model.set_rows(stats.classes)
        self.grade_model.set_rows(stats.grades)
        lines = []
        for s in stats.scales:
            lines.append(f"{s.label} 阳性率 {s.rate:.1%}（{s.positive}/{s.results}），关键题阳性 {s.critical} 人")
        if ref:
            shown = "、".join(f"{t.name}（{t.class_name}）" for t in ref[:4])
            lines.append(f"家长拒绝参加（已排除）{len(ref)} 人：{shown}" + (" 等（见答题录入）" if len(ref) > 4 else ""))
        self.summary.setText("\n".join(lines))
        self.charts.show_pngs(pngs)

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self.loading = False
        if self.session.locked:
            return
        from ui.shell.errors import show_error

        show_error(self, exc)

    def wait_loaded(self, timeout: float = 10.0) -> bool:
        QCoreApplication.processEvents()
        wait_idle(timeout)
        return not self.loading

    def new_campaign(self) -> None:
        dlg = NewCampaignDialog(self.session, self)

        def created() -> None:   # not exec(): a lock hides the dialog and brings it back
            if dlg.created:
                self.reload(dlg.created.id)
                self.changed.emit()

        dlg.accepted.connect(created)
        self.new_dialog = dlg
        dlg.open()

    def import_results(self) -> None:
        from app.screening.importer import SCREENING_IMPORT
        from ui.imports.dialog import ImportDialog

        name = self.combo.currentText().split("（截止")[0] if self.campaign_id() else ""
        dlg = ImportDialog(SCREENING_IMPORT, self.session, self, values={"campaign": name})
        dlg.imported.connect(lambda _result: (self.reload(), self.changed.emit()))
        dlg.open()
        self.import_dialog = dlg
