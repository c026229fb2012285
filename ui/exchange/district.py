"""全区汇总, the county centre's page: import a stick of packages (progress, a reason per refused file, a key change
confirmed explicitly), every school's figures against targets for a period, the schools missing, .xlsx export."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from app import clock
from app.exchange.centre import district, import_packages, periods, save_district_xlsx, schools
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
        bar.addWidget(QLabel("期次："))
        bar.addWidget(self.period)
        bar.addStretch(1)
        bar.addWidget(self.import_button)
        bar.addWidget(self.xlsx_button)
        self.primary_button, self.primary_icon = self.import_button, "file-import"
        self.header_buttons = [self.xlsx_button]
        layout.addLayout(bar)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.tabs = QTabWidget()
        self.table = table(("学校",))
        self.register = table(("学校", "代码", "签名密钥指纹", "登记时间", "更换密钥次数"), stretch=2)
        self.tabs.addTab(self.table, "各校指标")
        self.tabs.addTab(self.register, "学校登记")
        layout.addWidget(self.tabs, 1)
        self._fill_periods()
        self.period.currentIndexChanged.connect(lambda _i: self.refresh())
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

    def export_xlsx(self) -> None:
        path = dialogs.save_file(self, "导出全区指标", f"全区指标-{self.current_period()}.xlsx", "Excel 文件 (*.xlsx)")
        if not path:
            return
        target = Path(path).with_suffix(".xlsx")
        run_task(self, lambda _p: save_district_xlsx(self.session, self.current_period(), target),
                 lambda out: dialogs.inform(self, "已导出", f"已保存到 {out}"), label="正在导出……")
