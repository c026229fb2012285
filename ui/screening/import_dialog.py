"""导入测评结果: choose a platform file, preview (valid / invalid rows with reasons / name matches to confirm),
then import in one transaction."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.errors import XinqiaoError
from app.screening.importer import (
    PROFILE_KIND,
    ScreeningImportResult,
    ScreeningPreview,
    apply_screening,
    preview_screening,
)
from app.screening.scales import all_scales
from app.session import Session
from app.tabular.profiles import list_profiles
from ui import dialogs
from ui.screening.models import RowsModel
from ui.tasks import run_task


class ImportResultsDialog(QDialog):
    imported = Signal()

    def __init__(self, session: Session, campaign: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.preview: ScreeningPreview | None = None
        self.setWindowTitle("导入测评结果")
        self.resize(820, 600)
        self.path = QLineEdit()
        self.path.setPlaceholderText("测评平台导出的 .xlsx 或 .csv 文件")
        browse = QPushButton("选择文件…")
        browse.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        self.scale = QComboBox()
        for s in all_scales(session.db).values():
            self.scale.addItem(f"{s.short_name}（{s.name}）", s.id)
        self.campaign = QLineEdit(campaign)
        self.campaign.setPlaceholderText("不存在时自动创建")
        self.profile = QComboBox()
        self.profile.addItem("（按列名自动识别）", None)
        for name in list_profiles(session.db, PROFILE_KIND):
            self.profile.addItem(name, name)
        form = QFormLayout()
        form.addRow("文件", row)
        form.addRow("量表", self.scale)
        form.addRow("测评活动", self.campaign)
        form.addRow("导入配置", self.profile)
        self.preview_btn = QPushButton("检查（预览）")
        self.preview_btn.clicked.connect(self.run_preview)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.errors_model = RowsModel(["行号", "字段", "原因", "原值"], lambda e, c: [e.row, e.field, e.reason, e.value][c])
        self.errors_view = QTableView()
        self.errors_view.setModel(self.errors_model)
        self.errors_view.verticalHeader().hide()
        self.errors_view.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.matches = QListWidget()
        self.matches.setMaximumHeight(120)
        self.skip_invalid = QCheckBox("跳过无效行（其余行照常导入，另存错误报告）")
        self.import_btn = QPushButton("导入")
        self.import_btn.setEnabled(False)
        self.import_btn.clicked.connect(self.run_import)
        close = QPushButton("关闭")
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.skip_invalid)
        buttons.addStretch(1)
        buttons.addWidget(self.import_btn)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.preview_btn, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.summary)
        layout.addWidget(QLabel("问题行："))
        layout.addWidget(self.errors_view, 1)
        layout.addWidget(QLabel("按姓名和班级对应到的学生（请逐一确认，勾选的才会导入）："))
        layout.addWidget(self.matches)
        layout.addLayout(buttons)

    def browse(self) -> None:
        path = dialogs.open_file(self, "选择测评结果文件", "", "表格文件 (*.xlsx *.csv)")
        if path:
            self.path.setText(path)
            self.run_preview()

    def run_preview(self) -> None:
        self.preview = None
        self.import_btn.setEnabled(False)
        self.preview_btn.setEnabled(False)
        path, scale = self.path.text().strip(), self.scale.currentData()
        campaign, profile = self.campaign.text().strip() or None, self.profile.currentData()
        self.task = run_task(self, lambda _p: preview_screening(self.session, path, scale, campaign=campaign,
                                                                profile=profile),
                             self.show_preview, self.preview_failed, label="正在读取和检查结果文件……")

    def preview_failed(self, exc: BaseException) -> None:
        self.preview_btn.setEnabled(True)
        if not isinstance(exc, XinqiaoError):
            from ui.errors import show_error

            show_error(self, exc)
            return
        self.summary.setText(f"<span style='color:#c62828'>{exc.message}</span>")
        self.errors_model.set_rows([])
        self.matches.clear()

    def show_preview(self, p: ScreeningPreview) -> None:
        self.preview_btn.setEnabled(True)
        self.preview = p
        c = p.counts()
        text = (f"工作表“{p.sheet}”，表头在第 {p.header_row} 行，{'各题作答' if p.mode == 'items' else '仅总分'}。"
                f"有效 {c['valid']} 行，无效 {c['invalid']} 行，重复 {c['duplicates']} 行，"
                f"需确认 {c['name_matches']} 行，关键题阳性 {c['critical']} 人。")
        if p.warnings:
            text += f"<br>提示 {len(p.warnings)} 条（如平台总分与重新计算不一致，已采用重新计算的分数）。"
        self.summary.setText(text)
        self.errors_model.set_rows(p.errors + p.warnings)
        self.matches.clear()
        for m in p.name_matches:
            item = QListWidgetItem(f"第 {m.sheet_row} 行 → {m.class_name} {m.name}（学籍号 {m.registry_no}）")
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            item.setData(Qt.ItemDataRole.UserRole, m.sheet_row)
            self.matches.addItem(item)
        self.import_btn.setEnabled(bool(p.rows))

    def confirmed_rows(self) -> set[int]:
        out = set()
        for i in range(self.matches.count()):
            item = self.matches.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                out.add(int(item.data(Qt.ItemDataRole.UserRole)))
        return out

    def run_import(self) -> None:
        if self.preview is None:
            return
        name = self.campaign.text().strip()
        if not name:
            dialogs.warn(self, "导入测评结果", "请填写测评活动名称。")
            return
        preview, skip, rows = self.preview, self.skip_invalid.isChecked(), self.confirmed_rows()
        self.import_btn.setEnabled(False)
        self.task = run_task(self, lambda _p: apply_screening(self.session, preview, name, skip_invalid=skip,
                                                              confirmed_rows=rows),
                             self.imported_ok, self.import_failed, label="正在导入测评结果……")

    def import_failed(self, exc: BaseException) -> None:
        self.import_btn.setEnabled(True)
        if isinstance(exc, XinqiaoError):
            dialogs.warn(self, "未导入", exc.message)
        else:
            from ui.errors import show_error

            show_error(self, exc)

    def imported_ok(self, res: ScreeningImportResult) -> None:
        levels = "，".join(f"{k}级 {v} 人" for k, v in sorted(res.levels.items())) or "无预警"
        msg = f"已导入 {res.written} 份结果（{levels}）。"
        if res.skipped_name_matches:
            msg += f"\n{res.skipped_name_matches} 行按姓名对应的结果未确认，未导入。"
        if res.error_report:
            msg += f"\n错误报告：{res.error_report}"
        dialogs.inform(self, "导入完成", msg)
        self.imported.emit()
        self.accept()
