"""导入测评结果: choose a platform file, preview (valid / invalid rows with reasons / name matches to confirm),
adjust the column mapping (fields and items → the file's columns) and save it as a per-platform import profile,
then import in one transaction. Reading and writing run off the UI thread."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
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
    FIELD_LABELS,
    PROFILE_KIND,
    ScreeningImportResult,
    ScreeningPreview,
    apply_screening,
    preview_screening,
    save_import_profile,
    screening_headers,
)
from app.screening.scales import all_scales
from app.session import Session
from app.tabular.profiles import list_profiles
from ui.screening.models import RowsModel
from ui.shell import dialogs
from ui.shell.tasks import run_task

UNMAPPED = "\u0000未对应"  # a header no file has: keeps a field from being matched by its synonyms


class ImportResultsDialog(QDialog):
    imported = Signal()

    def __init__(self, session: Session, campaign: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.preview: ScreeningPreview | None = None
        self.setWindowTitle("导入测评结果")
        self.resize(960, 700)
        self.mapping: dict[str, str] | None = None         # edited in the window; None: profile / synonyms
        self.item_mapping: dict[int, str] | None = None
        self.path = QLineEdit()
        self.path.setPlaceholderText("测评平台导出的 .xlsx 或 .csv 文件")
        browse = QPushButton("选择文件…")
        browse.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        self.scale = QComboBox()
        self.scales = all_scales(session.db)
        for s in self.scales.values():
            self.scale.addItem(f"{s.short_name}（{s.name}）", s.id)
        if campaign:  # the campaign's own scale first
            from app.screening.campaigns import find_campaign

            found = find_campaign(session.db, campaign)
            if found is not None and found.scale_ids:
                self.scale.setCurrentIndex(max(self.scale.findData(found.scale_ids[-1]), 0))
        self.campaign = QLineEdit(campaign)
        self.campaign.setPlaceholderText("不存在时自动创建")
        self.profile = QComboBox()
        self._fill_profiles()
        form = QFormLayout()
        form.addRow("文件", row)
        pick = QHBoxLayout()
        pick.addWidget(self.scale, 1)
        pick.addSpacing(12)
        pick.addWidget(QLabel("测评活动"))
        pick.addWidget(self.campaign, 1)
        pick.addSpacing(12)
        pick.addWidget(QLabel("导入配置"))
        pick.addWidget(self.profile)
        form.addRow("量表", pick)
        self.preview_btn = QPushButton("检查（预览）")
        self.preview_btn.clicked.connect(self.run_preview)
        self._build_mapping_box()
        self.scale.currentIndexChanged.connect(self._scale_chosen)
        self.profile.currentIndexChanged.connect(self._profile_chosen)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.errors_model = RowsModel(["行号", "字段", "原因", "原值"], lambda e, c: [e.row, e.field, e.reason, e.value][c])
        self.errors_view = QTableView()
        self.errors_view.setModel(self.errors_model)
        self.errors_view.verticalHeader().hide()
        self.errors_view.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.errors_view.setColumnWidth(0, 60)
        self.errors_view.setColumnWidth(1, 90)
        self.matches = QListWidget()
        self.matches.setMaximumHeight(90)
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
        layout.addWidget(self.mapping_box)
        layout.addWidget(QLabel("问题行："))
        layout.addWidget(self.errors_view, 1)
        layout.addWidget(QLabel("按姓名和班级对应到的学生（请逐一确认，勾选的才会导入）："))
        layout.addWidget(self.matches)
        layout.addLayout(buttons)

    # -- column mapping (import profile) --------------------------------------------------------------
    def _build_mapping_box(self) -> None:
        self.mapping_box = QGroupBox("列对应关系（字段 → 文件中的列；可保存为该平台的导入配置）")
        self.map_grid = QGridLayout(self.mapping_box)
        self.map_grid.setHorizontalSpacing(6)
        self.map_grid.setVerticalSpacing(4)
        self.field_combos: dict[str, QComboBox] = {}
        for i, (fieldname, label) in enumerate(FIELD_LABELS.items()):
            combo = self._map_combo()
            self.field_combos[fieldname] = combo
            r, c = divmod(i, 6)
            self.map_grid.addWidget(QLabel(label), r, c * 2, Qt.AlignmentFlag.AlignRight)
            self.map_grid.addWidget(combo, r, c * 2 + 1)
        self.item_combos: dict[int, QComboBox] = {}
        self.items_row = QWidget()
        self.items_grid = QGridLayout(self.items_row)
        self.items_grid.setContentsMargins(0, 0, 0, 0)
        self.items_grid.setHorizontalSpacing(6)
        self.map_grid.addWidget(self.items_row, 1, 0, 1, 12)
        self.repreview_btn = QPushButton("按此对应重新预览")
        self.repreview_btn.clicked.connect(self.repreview)
        self.profile_name = QLineEdit()
        self.profile_name.setPlaceholderText("配置名称，如：某某心理测评平台")
        self.profile_name.setMinimumWidth(220)
        self.save_profile_btn = QPushButton("保存为导入配置")
        self.save_profile_btn.clicked.connect(self.save_mapping_profile)
        self.profile_msg = QLabel()
        buttons = QHBoxLayout()
        buttons.addWidget(self.repreview_btn)
        buttons.addWidget(self.profile_msg, 1)
        buttons.addWidget(self.profile_name)
        buttons.addWidget(self.save_profile_btn)
        self.map_grid.addLayout(buttons, 2, 0, 1, 12)
        self._build_item_combos()
        self.mapping_box.setEnabled(False)

    @staticmethod
    def _map_combo() -> QComboBox:
        combo = QComboBox()
        combo.setMinimumContentsLength(6)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.addItem("（未对应）", None)
        return combo

    def _build_item_combos(self) -> None:
        while self.items_grid.count():
            w = self.items_grid.takeAt(0).widget()
            if w is not None:
                w.deleteLater()
        self.item_combos = {}
        scale = self.scales.get(self.scale.currentData())
        if scale is None:
            return
        per_row = 6
        for i, item in enumerate(scale.items):
            combo = self._map_combo()
            self.item_combos[item.n] = combo
            r, c = divmod(i, per_row)
            self.items_grid.addWidget(QLabel(f"第{item.n}题"), r, c * 2, Qt.AlignmentFlag.AlignRight)
            self.items_grid.addWidget(combo, r, c * 2 + 1)

    def _fill_profiles(self) -> None:
        self.profile.blockSignals(True)
        current = self.profile.currentData()
        self.profile.clear()
        self.profile.addItem("（按列名自动识别）", None)
        for name in list_profiles(self.session.db, PROFILE_KIND):
            self.profile.addItem(name, name)
        self.profile.setCurrentIndex(max(self.profile.findData(current), 0))
        self.profile.blockSignals(False)

    def fill_mapping(self, headers: list[str], columns: dict[str, str], items: dict[int, str]) -> None:
        """Offer the file's headers in every combo, with what is matched now selected."""
        combos: list[tuple[QComboBox, str]] = [(c, columns.get(f, "")) for f, c in self.field_combos.items()]
        combos += [(c, items.get(n, "")) for n, c in self.item_combos.items()]
        for combo, chosen in combos:
            combo.blockSignals(True)
            combo.clear()
            combo.addItem("（未对应）", None)
            for h in headers:
                combo.addItem(h, h)
            combo.setCurrentIndex(max(combo.findData(chosen), 0) if chosen else 0)
            combo.blockSignals(False)
        self.mapping_box.setEnabled(bool(headers))

    def current_mapping(self) -> tuple[dict[str, str], dict[int, str]]:
        """The mapping shown in the editor: every field to a header or to nothing; the items that are mapped."""
        fields = {f: (c.currentData() or UNMAPPED) for f, c in self.field_combos.items()}
        items = {n: c.currentData() for n, c in self.item_combos.items() if c.currentData()}
        return fields, items

    def repreview(self) -> None:
        self.mapping, self.item_mapping = self.current_mapping()
        self.run_preview()

    def save_mapping_profile(self) -> bool:
        name = self.profile_name.text().strip()
        if not name:
            self.profile_msg.setText("<span style='color:#c62828'>请填写导入配置的名称。</span>")
            return False
        fields, items = self.current_mapping()
        try:
            save_import_profile(self.session, name, fields, items)
        except XinqiaoError as e:
            self.profile_msg.setText(f"<span style='color:#c62828'>{e.message}</span>")
            return False
        self._fill_profiles()
        self.profile.blockSignals(True)
        self.profile.setCurrentIndex(self.profile.findData(name))
        self.profile.blockSignals(False)
        self.profile_msg.setText(f"已保存导入配置“{name}”，下次导入该平台的文件时直接选用。")
        return True

    def _scale_chosen(self) -> None:
        self._build_item_combos()
        self.mapping = self.item_mapping = None
        if self.path.text().strip():
            self.run_preview()

    def _profile_chosen(self) -> None:
        self.mapping = self.item_mapping = None  # the profile's mapping replaces what was edited
        if self.path.text().strip():
            self.run_preview()

    # -- preview and import ----------------------------------------------------------------------------
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
        mapping, items, session = self.mapping, self.item_mapping, self.session

        def work(_p: object) -> ScreeningPreview:
            try:
                return preview_screening(session, path, scale, campaign=campaign, profile=profile, mapping=mapping,
                                         item_mapping=items)
            except XinqiaoError as e:
                # e.g. no 学籍号 / 姓名 column recognised: offer the file's headers to map by hand
                e.found = screening_headers(session, path, scale, profile=profile, mapping=mapping,  # type: ignore[attr-defined]
                                            item_mapping=items) if path else None
                raise

        self.task = run_task(self, work, self.show_preview, self.preview_failed,
                             label="正在读取和检查结果文件……")

    def preview_failed(self, exc: BaseException) -> None:
        self.preview_btn.setEnabled(True)
        found = getattr(exc, "found", None)
        if found:
            self.fill_mapping(*found)
        if not isinstance(exc, XinqiaoError):
            from ui.shell.errors import show_error

            show_error(self, exc)
            return
        hint = "　可在下方“列对应关系”中指定各列后重新预览。" if found else ""
        self.summary.setText(f"<span style='color:#c62828'>{exc.message}</span>{hint}")
        self.errors_model.set_rows([])
        self.matches.clear()

    def show_preview(self, p: ScreeningPreview) -> None:
        self.preview_btn.setEnabled(True)
        self.preview = p
        self.fill_mapping(p.headers, p.columns, p.item_columns)
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
            from ui.shell.errors import show_error

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
