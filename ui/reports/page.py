"""统计报表 page: the seven school charts for a period (a semester or a month), drawn off the UI thread to PNG and
shown as pictures; each saved as PNG or its table as .xlsx; the semester report PDF with progress.

Every read, drawing and file write happens in ``app`` (``app.charts``, ``app.reports``) on a worker thread
(``run_task``); the page only shows the results. Exports are audited by the app layer."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.charts.builders import Chart
from app.indicators.model import Period
from app.indicators.periods import PERIOD_HELP, parse_period, semester_containing
from app.policy import can_counsel
from app.reports.charts import CHARTS, period_choices, school_charts, today_period
from ui.shell import dialogs
from ui.shell.context import AppContext
from ui.shell.tasks import run_task
from ui.shell.theme import set_tone

CHART_DPI = 100     # the page shows each chart at its natural size (560 × 340 pixels)


def render(session: Any, period: Period) -> list[tuple[Chart, bytes]]:
    """The charts and their PNG bytes: call on a worker thread."""
    return [(c, c.png(CHART_DPI)) for c in school_charts(session, period)]


class ChartCard(QFrame):
    """One chart: its picture, what it counts, 保存图片 and 导出表格."""

    def __init__(self, key: str, title: str, page: ReportsPage) -> None:
        super().__init__()
        self.key = key
        self.chart: Chart | None = None
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName(f"chart_{key}")
        lay = QVBoxLayout(self)
        self.title = QLabel(f"<b>{title}</b>")
        self.image = QLabel("正在绘制……")
        self.image.setAccessibleName(title)
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image.setFixedSize(560, 340)
        self.image.setObjectName("chartImage")
        self.note = QLabel()
        self.note.setWordWrap(True)
        set_tone(self.note, "muted")
        self.note.setFixedWidth(560)
        # a wrapped label in a grid gets the height of one line: room for three, so it never covers the chart
        self.note.setMinimumHeight(self.note.fontMetrics().lineSpacing() * 3)
        self.note.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        row = QHBoxLayout()
        self.save_png = QPushButton("保存图片…")
        self.save_xlsx = QPushButton("导出表格…")
        self.save_png.setObjectName("save_png")
        self.save_xlsx.setObjectName("save_xlsx")
        self.save_png.clicked.connect(lambda: page.save_png(self))
        self.save_xlsx.clicked.connect(lambda: page.save_table(self))
        row.addWidget(self.save_png)
        row.addWidget(self.save_xlsx)
        row.addStretch(1)
        for w in (self.title, self.image, self.note):
            lay.addWidget(w)
        lay.addLayout(row)
        self.set_chart(None, None)

    def set_chart(self, chart: Chart | None, png: bytes | None) -> None:
        self.chart = chart
        if png is None:
            self.image.clear()
            self.image.setText("正在绘制……")
        else:
            pix = QPixmap()
            pix.loadFromData(png, "PNG")
            if pix.width() > self.image.width() or pix.height() > self.image.height():   # a wide chart: fit it
                pix = pix.scaled(self.image.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                 Qt.TransformationMode.SmoothTransformation)
            self.image.setPixmap(pix)
        self.note.setText(chart.note if chart is not None else "")
        for b in (self.save_png, self.save_xlsx):
            b.setEnabled(chart is not None)


class ReportsPage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.period: Period | None = None
        self._generation = 0
        self.loading = False
        self.task: Any = None
        self.report_task: Any = None
        lay = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.period_box = QComboBox()
        self.period_box.setObjectName("period")
        self.period_box.setEditable(True)
        self.period_box.setMinimumWidth(220)
        self.period_box.setToolTip(PERIOD_HELP)
        self.refresh_btn = QPushButton("统计")
        self.refresh_btn.setObjectName("refresh")
        self.report_btn = QPushButton("生成学期报告…")
        self.report_btn.setObjectName("semester_report")
        self.status = QLabel()
        # the period's dates or a long message must not widen the page past a 1024-pixel screen
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.status.setMinimumWidth(120)
        self.refresh_btn.clicked.connect(self.load)
        self.period_box.activated.connect(lambda _i: self.load())
        line = self.period_box.lineEdit()
        if line is not None:
            line.returnPressed.connect(self.load)
        self.report_btn.clicked.connect(self.semester_report)
        self.primary_button, self.primary_icon = self.report_btn, "report-analytics"   # the page header
        for w in (QLabel("期间"), self.period_box, self.refresh_btn, self.report_btn):
            bar.addWidget(w)
        self.status.setWordWrap(True)          # the period's dates wrap in the room left, never cut at the edge
        bar.addWidget(self.status, 1)
        lay.addLayout(bar)
        grid_host = QWidget()
        self.grid = QGridLayout(grid_host)
        self.cards: dict[str, ChartCard] = {}
        for key, title in CHARTS:
            self.cards[key] = ChartCard(key, title, self)
        self.columns = 0
        self.scroll = scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(grid_host)
        scroll.viewport().installEventFilter(self)
        self._flow(2)
        lay.addWidget(scroll, 1)
        self._fill_periods()
        ctx.data_changed.connect(lambda _c: self._changed())
        self.load()

    # -- the layout: as many columns of charts as the width holds (one on a 1024-pixel screen) ----------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if watched is self.scroll.viewport() and event.type() == QEvent.Type.Resize:
            self._flow(self._columns_for(self.scroll.viewport().width()))
        return super().eventFilter(watched, event)

    def _columns_for(self, width: int) -> int:
        card = next(iter(self.cards.values())).sizeHint().width()
        m = self.grid.contentsMargins()
        return max(1, min(2, (width - m.left() - m.right() + self.grid.horizontalSpacing()) //
                          (card + self.grid.horizontalSpacing())))

    def _flow(self, columns: int) -> None:
        if columns == self.columns:
            return
        self.columns = columns
        for card in self.cards.values():
            self.grid.removeWidget(card)
        for i, card in enumerate(self.cards.values()):
            self.grid.addWidget(card, i // columns, i % columns)

    # -- the period and the charts --------------------------------------------------------------------------
    def _fill_periods(self) -> None:
        session = self.ctx.session
        current = today_period(session)
        self.period_box.clear()
        self.period_box.addItems(period_choices(session))
        at = self.period_box.findText(current.label)
        if at < 0:
            self.period_box.insertItem(0, current.label)
            at = 0
        self.period_box.setCurrentIndex(at)

    def _changed(self) -> None:
        if self.isVisible() and not self.ctx.session.locked:
            self.load()

    def load(self) -> None:
        """Read and draw the charts for the period in the picker, on a worker thread."""
        session = self.ctx.session
        text = self.period_box.currentText()
        try:
            period = parse_period(session.db, text)
        except Exception as e:  # noqa: BLE001 - shown in the status line, the picker stays as typed
            self.status.setText(getattr(e, "message", str(e)))
            return
        self.period = period
        self._generation += 1
        generation = self._generation
        self.loading = True
        self.status.setText(f"正在统计 {period.label}（{period.start_iso} 至 {period.end_iso}）……")
        for card in self.cards.values():
            card.set_chart(None, None)
        self.task = run_task(self, lambda _p: render(session, period), lambda res: self._shown(generation, res),
                             lambda e: self._failed(generation, e), show_progress=False)

    def _shown(self, generation: int, result: list[tuple[Chart, bytes]]) -> None:
        if generation != self._generation:
            return
        self.loading = False
        for chart, png in result:
            self.cards[chart.key.removeprefix("school.")].set_chart(chart, png)
        assert self.period is not None
        self.status.setText(f"{self.period.label}（{self.period.start_iso} 至 {self.period.end_iso}）")

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self.loading = False
        self.status.setText("统计失败。")
        if self.ctx.session.locked:
            return
        from ui.shell.errors import show_error

        show_error(self, exc)

    def wait_loaded(self, timeout: float = 20.0) -> bool:
        from ui.shell.tasks import wait_idle

        wait_idle(timeout)
        return not self.loading

    # -- exports ----------------------------------------------------------------------------------------------
    def _suggested(self, card: ChartCard, suffix: str) -> str:
        label = self.period.label if self.period is not None else ""
        title = card.chart.title if card.chart is not None else card.key
        safe = "".join(ch for ch in f"{label} {title}" if ch not in '\\/:*?"<>|“”').strip()
        return safe + suffix

    def save_png(self, card: ChartCard) -> None:
        from app.charts.export import save_png

        chart = card.chart
        if chart is None:
            return
        path = dialogs.save_file(self, "保存图片", self._suggested(card, ".png"), "PNG 图片 (*.png)")
        if not path:
            return
        session, detail = self.ctx.session, {"period": self.period.label if self.period else ""}
        run_task(self, lambda _p: save_png(session, chart, Path(path), rule=can_counsel, detail=detail),
                 lambda out: dialogs.inform(self, "保存图片", f"已保存：{out}"), label="正在保存图片…")

    def save_table(self, card: ChartCard) -> None:
        from app.charts.export import save_table

        chart = card.chart
        if chart is None:
            return
        path = dialogs.save_file(self, "导出表格", self._suggested(card, ".xlsx"), "Excel 表格 (*.xlsx)")
        if not path:
            return
        session, detail = self.ctx.session, {"period": self.period.label if self.period else ""}
        run_task(self, lambda _p: save_table(session, chart, Path(path), rule=can_counsel, detail=detail),
                 lambda out: dialogs.inform(self, "导出表格", f"已导出：{out}"), label="正在导出表格…")

    # -- the semester report ------------------------------------------------------------------------------------
    def _semester(self) -> Period | None:
        """The semester of the period shown (a month's semester), else the current one."""
        session = self.ctx.session
        p = self.period
        if p is not None and p.kind == "semester":
            return p
        if p is not None:
            found = semester_containing(session.db, p.start) or semester_containing(session.db, p.end)
            if found is not None:
                return found
        cur = today_period(session)
        return cur if cur.kind == "semester" else None

    def semester_report(self) -> None:
        from app.reports.semester import write_semester_report

        semester = self._semester()
        if semester is None:
            dialogs.warn(self, "生成学期报告", "所选期间不在学校日历的任何学期里。请在“期间”中选择一个学期，"
                                          "或请管理员在 设置 → 学校 → 学年与学期 中添加学期。")
            return
        name = "".join(ch for ch in f"{semester.label} 心理健康教育工作报告" if ch not in '\\/:*?"<>|') + ".pdf"
        path = dialogs.save_file(self, "生成学期报告", name, "PDF (*.pdf)")
        if not path:
            return
        session = self.ctx.session
        self.report_task = run_task(
            self, lambda p: write_semester_report(session, semester, Path(path), progress=p.report),
            lambda w: dialogs.inform(self, "生成学期报告", f"已生成 {w.period.label} 学期报告（共 {w.pages} 页）：{w.path}"),
            label="正在生成学期报告…")
