"""全区汇总, the county centre's page: import a stick of packages (progress, a reason per refused file, a key change
confirmed explicitly), every school's figures against targets for a period, the schools missing, .xlsx export; the
period's charts against targets and the trends across the periods imported (drawn off the UI thread); the PDF
report for an inspection over a span of periods."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from app import clock
from app.exchange.centre import district, import_packages, periods, save_district_xlsx, schools
from app.exchange.trends import KIND_NAMES, district_trend, trend_cell
from app.indicators.periods import code_kind, code_start
from ui.exchange.charts import ChartColumn, period_pngs, trend_pngs
from ui.exchange.page import recent_periods
from ui.network.common import fill, table
from ui.shell import dialogs
from ui.shell.context import AppContext
from ui.shell.tasks import run_task


class DistrictPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.session = ctx.session
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.header_title = f"全区汇总 · {self.session.school_name()}"   # the page header's (ui/shell/header.py)
        bar = QHBoxLayout()
        self.period = QComboBox()
        self.period.setEditable(True)
        self.import_button = QPushButton("导入上报包…")
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.import_folder)
        self.xlsx_button = QPushButton("导出 Excel…")
        self.xlsx_button.clicked.connect(self.export_xlsx)
        self.pdf_button = QPushButton("督导报告（PDF）…")
        self.pdf_button.setToolTip("选择起止期次，生成各校指标与目标、未上报学校、趋势和图表的 PDF 报告")
        self.pdf_button.clicked.connect(self.export_pdf)
        bar.addWidget(QLabel("期次："))
        bar.addWidget(self.period)
        bar.addStretch(1)
        bar.addWidget(self.import_button)
        bar.addWidget(self.xlsx_button)
        bar.addWidget(self.pdf_button)
        self.primary_button, self.primary_icon = self.import_button, "file-import"
        self.header_buttons = [self.xlsx_button, self.pdf_button]
        layout.addLayout(bar)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.tabs = QTabWidget()
        self.table = table(("学校",))
        self.register = table(("学校", "代码", "签名密钥指纹", "登记时间", "更换密钥次数"), stretch=2)
        self.charts = ChartColumn()
        trend_box = QWidget()
        tl = QVBoxLayout(trend_box)
        trend_bar = QHBoxLayout()
        self.trend_kind = QComboBox()
        for kind, name in KIND_NAMES.items():
            self.trend_kind.addItem(f"按{name}", kind)
        self.trend_kind.currentIndexChanged.connect(lambda _i: self.refresh_trend())
        self.trend_label = QLabel()
        self.trend_label.setWordWrap(True)
        trend_bar.addWidget(self.trend_kind)
        trend_bar.addWidget(self.trend_label, 1)
        tl.addLayout(trend_bar)
        self.trend_table = table(("指标",))
        self.trend_charts = ChartColumn()
        tl.addWidget(self.trend_table, 1)
        tl.addWidget(self.trend_charts, 2)
        self.tabs.addTab(self.table, "各校指标")
        self.tabs.addTab(self.charts, "图表")
        self.tabs.addTab(trend_box, "趋势")
        self.tabs.addTab(self.register, "学校登记")
        layout.addWidget(self.tabs, 1)
        self._view: dict[str, Any] | None = None
        self._stale = {"charts": True, "trend": True}
        self._fill_periods()
        self.period.currentIndexChanged.connect(lambda _i: self.refresh())
        self.tabs.currentChanged.connect(lambda _i: self._draw_visible())
        self.refresh()

    def _fill_periods(self, keep: str = "") -> None:
        self.period.blockSignals(True)
        self.period.clear()
        seen = periods(self.session)
        for p in seen + [p for p in recent_periods(clock.today()) if p not in seen]:
            self.period.addItem(p, p)
        if keep:
            self.period.setCurrentText(keep)
        self.period.blockSignals(False)

    def current_period(self) -> str:
        return self.period.currentText().strip()

    def refresh(self) -> None:
        view = district(self.session, self.current_period())
        cols = view["columns"]
        headers = ["学校"] + [c["title"] + (f"\n目标 {c['target']}" if c["target"] is not None else "") for c in cols]
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        rows, red = [], []
        for s in view["schools"]:
            rows.append([s["name"]] + [s["figures"].get(c["key"], {}).get("value", "") for c in cols])
            red.append(bool(s["not_ok"]))
        for m in view["missing"]:
            rows.append([f"{m['name']}（未上报）"] + ["" for _ in cols])
            red.append(True)
        fill(self.table, rows, red=red)
        missing = "、".join(m["name"] for m in view["missing"]) or "无"
        self.summary.setText(f"{view['period']}：已上报 {len(view['schools'])} 所，共登记 {view['registered']} 所。"
                             f"未上报：{missing}。红色：有指标未达标或未上报。")
        fill(self.register, [[r["name"], r["code"], r["fingerprint"], r["confirmed_at"][:16].replace("T", " "),
                              r["key_changes"]] for r in schools(self.session)])
        self._view = view
        self._stale = {"charts": True, "trend": True}
        self._draw_visible()

    def _draw_visible(self) -> None:
        """Draw the charts of the tab in front, once per refresh (matplotlib costs: never for a hidden tab)."""
        if not self.isVisible():         # drawn when shown (showEvent), never while hidden or being closed
            return
        current = self.tabs.currentWidget()
        if current is self.charts and self._stale["charts"] and self._view is not None:
            self._stale["charts"] = False
            view = self._view
            self.charts.draw(lambda width: period_pngs(view, width))
        elif current is self.tabs.widget(2) and self._stale["trend"]:
            self._stale["trend"] = False
            self.refresh_trend()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self._draw_visible()

    def refresh_trend(self) -> None:
        """The trend table (the district's value / target and rate per period) and its charts: read and drawn on a
        worker thread (300 schools × 12 months is a second or two), behind the modal progress dialog like an
        import, so the window never queries the vault meanwhile."""
        kind = self.trend_kind.currentData()
        stamp, width = self.trend_charts.begin()

        def work(_p):  # type: ignore[no-untyped-def]
            trend = district_trend(self.session, kind=kind)
            return trend, trend_pngs(trend, width)

        run_task(self, work, lambda got: self._trend_ready(stamp, *got), label="正在计算全区趋势……")

    def _trend_ready(self, stamp: int, trend: dict[str, Any], pngs: list[tuple[str, bytes]]) -> None:
        if not shiboken6.isValid(self.trend_table):
            return
        codes = trend["periods"]
        self.trend_label.setText(
            (f"已导入 {len(codes)} 个{KIND_NAMES[trend['kind']]}（{codes[0]} 至 {codes[-1]}），共登记 "
             f"{trend['registered']} 所。全区口径：计数为各校合计，配比等比率取各校平均。") if codes else
            f"还没有导入按{KIND_NAMES[trend['kind']]}的上报包。")
        headers = ["指标"] + codes
        self.trend_table.setColumnCount(len(headers))
        self.trend_table.setHorizontalHeaderLabels(headers)
        rows: list[list[Any]] = [["已上报学校"] + list(trend["reported"])]
        for col in trend["columns"]:
            d = trend["district"][col["key"]]
            rows.append([col["title"]] + [trend_cell(d, i) for i in range(len(codes))])
        fill(self.trend_table, rows)
        self.trend_charts.show_pngs(stamp, pngs)

    def import_folder(self, _checked: bool = False, confirm: tuple[str, ...] = (), folder: str | None = None) -> None:
        folder = folder or dialogs.choose_folder(self, "选择插着U盘的盘符或存放上报包的文件夹")
        if not folder:
            return

        def work(p):  # type: ignore[no-untyped-def]
            return import_packages(self.session, Path(folder), confirm_key_change=confirm,
                                   progress=lambda done, total: p.report(done, total, f"正在解密和核对签名（{done}/{total}）"))

        run_task(self, work, lambda outcomes: self._imported(outcomes, folder, confirm),
                 label="正在导入上报包……")

    def _imported(self, outcomes, folder: str, confirmed: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
        self._fill_periods(self.current_period())
        self.refresh()
        taken = sum(o.status in ("imported", "registered") for o in outcomes)
        lines = [f"导入 {taken} 份，共 {len(outcomes)} 个文件。"]
        lines += [o.reason for o in outcomes if o.reason]
        dialogs.inform(self, "导入结果", "\n".join(lines))
        changed = [o for o in outcomes if o.kind == "key_changed"]
        for o in changed:
            key = o.reg_key
            if key not in confirmed and dialogs.ask(
                    self, "确认更换签名密钥", f"{o.reason}\n\n已经电话核对了新的指纹，确认接受“{o.school}”的新密钥吗？",
                    yes="确认更换", no="不接受"):
                self.import_folder(confirm=(*confirmed, key), folder=folder)
                return

    def export_pdf(self) -> None:
        """The inspection report: the user picks the first and last period (months or semesters), then the file."""
        from app.exchange.inspection import save_inspection_pdf

        codes = sorted(periods(self.session), key=lambda c: code_start(c) or dt.date.min)
        codes = [c for c in codes if code_kind(c) in KIND_NAMES]
        if not codes:
            dialogs.inform(self, "督导报告", "还没有导入任何上报包：先导入各校的上报包，再生成督导报告。")
            return
        first = dialogs.get_item(self, "督导报告", "起始期次（月份或学期）：", codes, 0)
        if not first:
            return
        later = [c for c in codes if code_kind(c) == code_kind(first)
                 and (code_start(c) or dt.date.min) >= (code_start(first) or dt.date.min)]
        last = dialogs.get_item(self, "督导报告", "结束期次（含）：", later, len(later) - 1)
        if not last:
            return
        path = dialogs.save_file(self, "保存督导报告", f"督导报告-{first}至{last}.pdf", "PDF 文件 (*.pdf)")
        if not path:
            return
        target = Path(path).with_suffix(".pdf")

        def work(p):  # type: ignore[no-untyped-def]
            return save_inspection_pdf(self.session, first, last, target, step=p.report)

        run_task(self, work, lambda got: dialogs.inform(self, "已生成督导报告",
                                                        f"已保存到 {got['path']}（{got['pages']} 页）"),
                 label="正在生成督导报告……")

    def export_xlsx(self) -> None:
        path = dialogs.save_file(self, "导出全区指标", f"全区指标-{self.current_period()}.xlsx", "Excel 文件 (*.xlsx)")
        if not path:
            return
        target = Path(path).with_suffix(".xlsx")
        run_task(self, lambda _p: save_district_xlsx(self.session, self.current_period(), target),
                 lambda out: dialogs.inform(self, "已导出", f"已保存到 {out}"), label="正在导出……")

