"""Import historical records from Excel: choose the file, check the column mapping (adjust, save as a profile),
preview errors by sheet row, then write everything in one transaction."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.casework.importer import FIELD_LABELS, PROFILE_KIND, SessionsPreview, apply_sessions, preview_sessions
from app.errors import XinqiaoError
from app.tabular.profiles import list_profiles, load_profile, save_profile
from ui.shell import dialogs
from ui.shell.context import AppContext, Change


class SessionsImportDialog(QDialog):
    def __init__(self, ctx: AppContext, path: str | Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("导入历史谈话与辅导记录")
        self.resize(760, 560)
        self.ctx = ctx
        self.path: Path | None = Path(path) if path else None
        self.preview: SessionsPreview | None = None
        self.written = 0
        self.file_label = QLabel("未选择文件")
        self.choose_btn = QPushButton("选择文件…")
        self.profile = QComboBox()
        self.profile.addItem("（自动识别列）", None)
        for name in list_profiles(ctx.session.db, PROFILE_KIND):
            self.profile.addItem(name, name)
        self.mapping: dict[str, QComboBox] = {}
        form = QFormLayout()
        for key, label in FIELD_LABELS.items():
            combo = QComboBox()
            combo.currentIndexChanged.connect(self._mapping_changed)
            self.mapping[key] = combo
            form.addRow(label, combo)
        self.summary = QLabel()
        self.errors = QTableWidget(0, 4)
        self.errors.setHorizontalHeaderLabels(["行号", "列", "原因", "原值"])
        self.errors.horizontalHeader().setStretchLastSection(True)
        self.skip_invalid = QCheckBox("跳过无效行（写入其余行，并保存错误报告）")
        self.save_profile_btn = QPushButton("保存列对应方案…")
        self.import_btn = QPushButton("导入")
        self.close_btn = QPushButton("关闭")
        top = QHBoxLayout()
        top.addWidget(self.file_label, 1)
        top.addWidget(self.choose_btn)
        top.addWidget(QLabel("方案"))
        top.addWidget(self.profile)
        bottom = QHBoxLayout()
        bottom.addWidget(self.skip_invalid, 1)
        bottom.addWidget(self.save_profile_btn)
        bottom.addWidget(self.close_btn)
        bottom.addWidget(self.import_btn)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        body = QHBoxLayout()
        body.addLayout(form)
        right = QVBoxLayout()
        right.addWidget(self.summary)
        right.addWidget(self.errors, 1)
        body.addLayout(right, 1)
        lay.addLayout(body, 1)
        lay.addLayout(bottom)
        self.choose_btn.clicked.connect(self.choose)
        self.profile.activated.connect(lambda _i: self.load_preview(self._profile_mapping()))
        self.import_btn.clicked.connect(self.do_import)
        self.close_btn.clicked.connect(self.reject)
        self.save_profile_btn.clicked.connect(self.save_mapping)
        self._filling = False
        if self.path:
            self.load_preview()

    def choose(self) -> None:
        chosen = dialogs.open_file(self, "选择记录文件", "", "表格 (*.xlsx *.csv)")
        if chosen:
            self.path = Path(chosen)
            self.load_preview(self._profile_mapping())

    def _profile_mapping(self) -> dict[str, str] | None:
        name = self.profile.currentData()
        if not name:
            return None
        saved = load_profile(self.ctx.session.db, PROFILE_KIND, name)
        return {k: str(v) for k, v in (saved or {}).items()} or None

    def current_mapping(self) -> dict[str, str]:
        return {k: c.currentText() for k, c in self.mapping.items() if c.currentIndex() > 0}

    def _mapping_changed(self) -> None:
        if not self._filling and self.path:
            self.load_preview(self.current_mapping())

    def load_preview(self, mapping: dict[str, str] | None = None) -> None:
        if self.path is None:
            return
        self.file_label.setText(self.path.name)
        try:
            self.preview = preview_sessions(self.ctx.session, self.path, mapping)
        except XinqiaoError as e:
            self.preview = None
            self.summary.setText(e.message)
            self.import_btn.setEnabled(False)
            return
        p = self.preview
        headers = self._headers()
        self._filling = True
        for key, combo in self.mapping.items():
            combo.clear()
            combo.addItem("（无）")
            combo.addItems(headers)
            current = p.columns.get(key, "")
            combo.setCurrentIndex(headers.index(current) + 1 if current in headers else 0)
        self._filling = False
        c = p.counts()
        self.summary.setText(f"工作表“{p.sheet}”，表头在第 {p.header_row} 行。新记录 {c['new']} 条（含保密记录 "
                             f"{c['confidential']} 条），已存在 {c['duplicates']} 条，无效 {c['invalid']} 行。")
        self.errors.setRowCount(len(p.errors))
        for i, e in enumerate(p.errors):
            for j, v in enumerate((str(e.row), e.field, e.reason, e.value)):
                self.errors.setItem(i, j, QTableWidgetItem(v))
        self.import_btn.setEnabled(bool(p.new))

    def _headers(self) -> list[str]:
        return [h for h in self._raw_headers() if h]

    def _raw_headers(self) -> list[str]:
        from app.casework.importer import REQUIRED, SYNONYMS
        from app.tabular import read_table

        assert self.path is not None
        try:
            return read_table(self.path, SYNONYMS, [], FIELD_LABELS, self.current_mapping() or None).headers
        except XinqiaoError:
            return list(self.preview.columns.values()) if self.preview else list(REQUIRED)

    def save_mapping(self) -> None:
        if self.preview is None:
            return
        name = dialogs.get_text(self, "保存方案", "方案名称：")
        if name:
            save_profile(self.ctx.session.db, PROFILE_KIND, name.strip(), dict(self.preview.columns))
            if self.profile.findData(name.strip()) < 0:
                self.profile.addItem(name.strip(), name.strip())

    def do_import(self) -> None:
        if self.preview is None:
            return
        if self.preview.errors and not self.skip_invalid.isChecked():
            dialogs.warn(self, "有无效行", f"有 {len(self.preview.invalid_rows)} 行无效，未写入任何数据。"
                         "请修改文件后重新选择，或勾选“跳过无效行”。")
            return
        try:
            result = apply_sessions(self.ctx.session, self.preview, skip_invalid=self.skip_invalid.isChecked())
        except XinqiaoError as e:
            dialogs.error(self, "导入失败", e.message)
            return
        self.written = result.written
        note = f"\n错误报告：{result.error_report}" if result.error_report else ""
        dialogs.inform(self, "导入完成", f"已写入 {result.written} 条记录。{note}")
        self.ctx.data_changed.emit(Change.CASEWORK)
        self.accept()
