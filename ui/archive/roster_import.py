"""导入花名册: choose a file (and, in a workbook of several sheets, the sheet), preview (new / updated / unchanged /
invalid / duplicates / absent), adjust the column mapping and save it as a profile, then import in one transaction.
Reading and writing run off the UI thread.

Sheets: until the user picks one, the first sheet that reads as a roster is previewed (a workbook often starts with
a 说明 sheet); the 工作表 list then shows which one, and picking another previews that sheet.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import XinqiaoError
from app.school.roster_import import (
    ABSENT_STATUSES,
    COMPARED_LABELS,
    FIELD_LABELS,
    REQUIRED,
    RosterPreview,
    RosterResult,
    apply_roster,
    preview_roster,
    roster_headers,
)
from app.tabular.profiles import list_profiles, load_profile, save_profile
from app.tabular.reader import TableError, sheet_names
from ui.archive.models import RowsModel
from ui.archive.worker import Task, run_in_background
from ui.shell import dialogs
from ui.shell.context import AppContext, Change

PROFILE_KIND = "roster"


class _Unmapped(Exception):
    def __init__(self, error: TableError, found: tuple[list[str], dict[str, str]] | None) -> None:
        super().__init__(str(error))
        self.error = error
        self.found = found

UNMAPPED = "\u0000未对应"  # a header no file has: keeps an optional field from being matched by its synonyms
AUTO = "（自动识别）"


def _table(model: RowsModel) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.verticalHeader().hide()
    view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    view.setWordWrap(False)
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setDefaultSectionSize(140)
    return view


class RosterImportDialog(QDialog):
    imported = Signal(object)  # RosterResult

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.session = ctx.session
        self.path: Path | None = None
        self.preview: RosterPreview | None = None
        self.outcome: RosterResult | None = None
        self.mapping: dict[str, str] | None = None
        self.sheets: list[str] = []      # the workbook's sheets (none for a .csv)
        self.sheet: str | None = None    # the sheet the user picked; None: the first that reads as a roster
        self.task: Task | None = None
        self.error_text = ""
        self.setWindowTitle("导入花名册")
        ctx.locking.connect(self._on_locking)
        self.resize(1000, 720)

        # file and profile
        self.file_edit = QLineEdit()
        self.file_edit.setReadOnly(True)
        self.file_edit.setPlaceholderText("选择学籍系统导出的 .xlsx 或 .csv 花名册")
        self.choose_button = QPushButton("选择文件…")
        self.choose_button.clicked.connect(self.choose_file)
        self.profile_combo = QComboBox()
        self.profile_combo.setMinimumContentsLength(10)
        self._fill_profiles()
        self.profile_combo.currentIndexChanged.connect(self._profile_chosen)
        file_row = QHBoxLayout()
        file_row.addWidget(QLabel("文件："))
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(self.choose_button)
        self.sheet_label = QLabel("工作表：")
        self.sheet_combo = QComboBox()
        self.sheet_combo.setMinimumContentsLength(8)
        self.sheet_combo.setAccessibleName("工作表")
        self.sheet_label.setBuddy(self.sheet_combo)
        self.sheet_combo.currentIndexChanged.connect(self._sheet_chosen)
        self.sheet_label.hide()
        self.sheet_combo.hide()
        file_row.addSpacing(16)
        file_row.addWidget(self.sheet_label)
        file_row.addWidget(self.sheet_combo)
        file_row.addSpacing(16)
        file_row.addWidget(QLabel("列对应方案："))
        file_row.addWidget(self.profile_combo)

        self.status = QLabel("请选择文件。")
        self.status.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setMaximumHeight(14)
        self.progress.setTextVisible(False)
        self.progress.hide()

        # mapping editor
        self.mapping_box = QGroupBox("列对应关系（字段 → 文件中的列）")
        grid = QGridLayout(self.mapping_box)
        self.map_combos: dict[str, QComboBox] = {}
        for i, (field, label) in enumerate(FIELD_LABELS.items()):
            combo = QComboBox()
            combo.setMinimumContentsLength(9)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            self.map_combos[field] = combo
            star = "＊" if field in REQUIRED else ""
            r, c = divmod(i, 4)
            grid.addWidget(QLabel(f"{star}{label}"), r, c * 2, Qt.AlignmentFlag.AlignRight)
            grid.addWidget(combo, r, c * 2 + 1)
        self.repreview_button = QPushButton("按此对应重新预览")
        self.repreview_button.clicked.connect(self.repreview)
        self.profile_name = QLineEdit()
        self.profile_name.setPlaceholderText("新方案名称，如：学籍系统导出")
        self.profile_name.setMinimumWidth(220)
        self.save_profile_button = QPushButton("保存为方案")
        self.save_profile_button.clicked.connect(self.save_mapping_profile)
        map_buttons = QHBoxLayout()
        map_buttons.addWidget(self.repreview_button)
        map_buttons.addStretch(1)
        map_buttons.addWidget(self.profile_name)
        map_buttons.addWidget(self.save_profile_button)
        grid.addLayout(map_buttons, grid.rowCount(), 0, 1, 8)
        self.mapping_box.setEnabled(False)

        # counts and lists
        self.counts_label = QLabel()
        self.counts_label.setTextFormat(Qt.TextFormat.RichText)
        self.new_model = RowsModel(["工作表行号", "学籍号", "姓名", "性别", "出生日期", "班级"])
        self.updated_model = RowsModel(["工作表行号", "学籍号", "姓名", "变化的字段"])
        self.error_model = RowsModel(["工作表行号", "字段", "原因", "原值"])
        self.absent_model = RowsModel(["学籍号", "姓名"])
        self.duplicate_model = RowsModel(["工作表行号", "说明"])
        self.lists = QTabWidget()
        self._list_models = [("新增", self.new_model), ("更新", self.updated_model), ("无效行", self.error_model),
                             ("不在名单中", self.absent_model), ("重复", self.duplicate_model)]
        self.error_view = _table(self.error_model)
        for title, model in self._list_models:
            view = self.error_view if model is self.error_model else _table(model)
            if model is self.error_model:
                view.setColumnWidth(0, 90)
                view.setColumnWidth(1, 110)
                view.setColumnWidth(2, 420)
            self.lists.addTab(view, title)

        # options and actions
        self.skip_invalid = QCheckBox("跳过无效行（只导入有效行，无效行另存为错误报告）")
        self.skip_invalid.toggled.connect(self._update_buttons)
        self.absent_combo = QComboBox()
        self.absent_combo.addItem("不处理", None)
        for status in ABSENT_STATUSES:
            self.absent_combo.addItem(f"标记为{status}", status)
        self.absent_combo.currentIndexChanged.connect(self._update_buttons)
        options = QHBoxLayout()
        options.addWidget(self.skip_invalid)
        options.addStretch(1)
        options.addWidget(QLabel("不在新名单中的在读学生："))
        options.addWidget(self.absent_combo)

        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.import_button = QPushButton("导入")
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.start_import)
        self.close_button = QPushButton("关闭")
        self.close_button.clicked.connect(self.reject)
        actions = QHBoxLayout()
        actions.addWidget(self.result_label, 1)
        actions.addWidget(self.import_button)
        actions.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addLayout(file_row)
        layout.addWidget(self.status)
        layout.addWidget(self.progress)
        layout.addWidget(self.mapping_box)
        layout.addWidget(self.counts_label)
        layout.addWidget(self.lists, 1)
        layout.addLayout(options)
        layout.addLayout(actions)
        self._update_buttons()

    # -- state -------------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self.task is not None and not self.task.finished

    def import_allowed(self) -> bool:
        p = self.preview
        if p is None or self.busy or self.outcome is not None:
            return False
        return not p.errors or self.skip_invalid.isChecked()

    def _update_buttons(self) -> None:
        busy = self.busy
        self.import_button.setEnabled(self.import_allowed())
        self.choose_button.setEnabled(not busy)
        self.sheet_combo.setEnabled(not busy)
        self.profile_combo.setEnabled(not busy)
        self.mapping_box.setEnabled(not busy and bool(self.preview is not None or self.error_text))
        self.progress.setVisible(busy)
        p = self.preview
        label = "导入"
        mark = self.absent_combo.currentData()
        if p is not None and mark and p.absent:
            label = f"导入并将 {len(p.absent)} 名学生标记为{mark}"
        self.import_button.setText(label)

    def _fill_profiles(self) -> None:
        self.profile_combo.blockSignals(True)
        current = self.profile_combo.currentText()
        self.profile_combo.clear()
        self.profile_combo.addItem(AUTO, None)
        for name in list_profiles(self.session.db, PROFILE_KIND):
            self.profile_combo.addItem(name, name)
        i = self.profile_combo.findText(current)
        self.profile_combo.setCurrentIndex(max(i, 0))
        self.profile_combo.blockSignals(False)

    # -- file and mapping --------------------------------------------------------------------------
    def choose_file(self) -> None:
        name = dialogs.open_file(self, "选择花名册文件", str(Path.home()), "花名册 (*.xlsx *.csv);;所有文件 (*)")
        if name:
            self.set_file(Path(name))

    def set_file(self, path: Path) -> None:
        self.path = Path(path)
        self.file_edit.setText(str(self.path))
        self.outcome = None
        self.result_label.clear()
        self.sheet = None
        try:
            self.sheets = sheet_names(self.path) if self.path.exists() else []
        except TableError:
            self.sheets = []  # the preview says what is wrong with the file
        self.sheet_combo.blockSignals(True)
        self.sheet_combo.clear()
        self.sheet_combo.addItems(self.sheets)
        self.sheet_combo.blockSignals(False)
        several = len(self.sheets) > 1
        self.sheet_label.setVisible(several)
        self.sheet_combo.setVisible(several)
        self.run_preview()

    def choose_sheet(self, name: str) -> None:
        """Preview another sheet of the workbook (what picking it in the list does)."""
        self.sheet_combo.setCurrentIndex(self.sheets.index(name))

    def _sheet_chosen(self) -> None:
        name = self.sheet_combo.currentText()
        if not name or name == self.sheet:
            return
        self.sheet = name
        self.outcome = None
        self.result_label.clear()
        self.mapping = self._profile_mapping()  # a mapping edited for another sheet's headers may not fit this one
        self.run_preview()

    def _profile_mapping(self) -> dict[str, str] | None:
        name = self.profile_combo.currentData()
        if name is None:
            return None
        loaded = load_profile(self.session.db, PROFILE_KIND, name) or {}
        return {str(k): str(v) for k, v in loaded.items()}

    def _profile_chosen(self) -> None:
        self.mapping = self._profile_mapping()
        if self.path is not None:
            self.run_preview()

    def current_mapping(self) -> dict[str, str]:
        """The mapping shown in the editor: every field to a header, or to nothing."""
        mapping = {}
        for field, combo in self.map_combos.items():
            header = combo.currentData()
            mapping[field] = header if header else UNMAPPED
        return mapping

    def repreview(self) -> None:
        self.mapping = self.current_mapping()
        self.run_preview()

    def save_mapping_profile(self) -> bool:
        name = self.profile_name.text().strip()
        if not name:
            self._message("请填写方案名称。", error=True)
            return False
        save_profile(self.session.db, PROFILE_KIND, name, dict(self.current_mapping()))
        self._fill_profiles()
        self.profile_combo.blockSignals(True)
        self.profile_combo.setCurrentIndex(self.profile_combo.findData(name))
        self.profile_combo.blockSignals(False)
        self._message(f"已保存列对应方案“{name}”，下次导入同样格式的文件时可直接选用。")
        return True

    def _fill_mapping(self, headers: list[str], columns: dict[str, str]) -> None:
        for field, combo in self.map_combos.items():
            combo.blockSignals(True)
            combo.clear()
            combo.addItem("（未对应）", None)
            for h in headers:
                combo.addItem(h, h)
            chosen = columns.get(field, "")
            i = combo.findData(chosen) if chosen else 0
            combo.setCurrentIndex(max(i, 0))
            combo.blockSignals(False)

    # -- preview -----------------------------------------------------------------------------------
    def run_preview(self) -> None:
        if self.path is None or self.busy:
            return
        session, path, mapping = self.session, self.path, self.mapping
        # The sheet picked, or (until one is picked) each sheet in turn until one reads as a roster.
        candidates: list[str | None] = [self.sheet] if self.sheet is not None else list(self.sheets) or [None]
        self.preview = None
        self.error_text = ""
        self.status.setText(f"正在读取 {path.name} …")

        def work() -> RosterPreview:
            first: TableError | None = None
            for sheet in candidates:
                try:
                    return preview_roster(session, path, mapping, sheet=sheet)
                except TableError as e:
                    first = first or e
            assert first is not None
            # e.g. a required column not found: offer the (first tried) sheet's headers to map
            raise _Unmapped(first, roster_headers(path, mapping, candidates[0]))

        self.task = run_in_background(work, self._previewed, self._preview_failed)
        self._update_buttons()

    def _previewed(self, preview: RosterPreview) -> None:
        self.task = None
        self.preview = preview
        if preview.sheet in self.sheets:
            self.sheet = preview.sheet  # pinned: re-previewing with an edited mapping reads the same sheet
        where = f"工作表“{preview.sheet}”"
        if len(self.sheets) > 1:
            where += f"（共 {len(self.sheets)} 个工作表，可在上方“工作表”中切换）"
            self.sheet_combo.blockSignals(True)
            self.sheet_combo.setCurrentIndex(max(self.sheet_combo.findText(preview.sheet), 0))
            self.sheet_combo.blockSignals(False)
        self.status.setText(f"{where}，表头在第 {preview.header_row} 行。"
                            "请核对下面的列对应关系和预览结果，确认无误后再导入。")
        self.status.setStyleSheet("")
        self._fill_mapping(preview.headers, preview.columns)
        c = preview.counts()
        parts = [("新增", c["new"], "#137333"), ("更新", c["updated"], "#1a73e8"), ("未变", c["unchanged"], "#555"),
                 ("无效", c["invalid"], "#c5221f"), ("重复", c["duplicates"], "#b06000"),
                 ("不在名单中", c["absent"], "#555")]
        self.counts_label.setText("　　".join(f"{name} <b style='color:{color}'>{n}</b>" for name, n, color in parts))
        self.new_model.set_rows([(ch.row.sheet_row, ch.row.registry_no, ch.row.name, ch.row.gender,
                                  ch.row.birth_date, ch.row.class_ref.name) for ch in preview.new])
        self.updated_model.set_rows([(ch.row.sheet_row, ch.row.registry_no, ch.row.name,
                                      "、".join(COMPARED_LABELS.get(k, "在读状态") for k in ch.changed))
                                     for ch in preview.updated])
        self.error_model.set_rows([(e.row, e.field, e.reason, e.value) for e in preview.errors])
        self.absent_model.set_rows([(reg, name) for _sid, reg, name in preview.absent])
        self.duplicate_model.set_rows([(r, "同一学生重复列出，只计一次") for r in preview.duplicates])
        counts = [c["new"], c["updated"], c["invalid"], c["absent"], c["duplicates"]]
        for i, ((title, _model), n) in enumerate(zip(self._list_models, counts, strict=True)):
            self.lists.setTabText(i, f"{title}（{n}）")
        if preview.errors:
            self.lists.setCurrentWidget(self.error_view)
            self._message(f"有 {c['invalid']} 行无效：修改文件后重新选择，或勾选“跳过无效行”只导入有效行。",
                          error=True)
        else:
            self.lists.setCurrentIndex(0)
            self._message("")
        self._update_buttons()

    def _preview_failed(self, exc: BaseException) -> None:
        self.task = None
        self.preview = None
        if isinstance(exc, _Unmapped):
            if exc.found is not None:
                self._fill_mapping(*exc.found)
            exc = exc.error
        self.error_text = str(exc) if isinstance(exc, XinqiaoError) else f"读取失败：{type(exc).__name__}：{exc}"
        if self.sheet is None and self.sheets:
            self.sheet = self.sheet_combo.currentText()  # the sheet whose headers the mapping editor offers
        if len(self.sheets) > 1:
            self.error_text += "（此文件有多个工作表，可在上方“工作表”中选择花名册所在的工作表。）"
        self.status.setText(self.error_text)
        self.status.setStyleSheet("color: #c5221f;")
        for _title, model in self._list_models:
            model.set_rows([])
        self.counts_label.clear()
        self._update_buttons()

    # -- import ------------------------------------------------------------------------------------
    def start_import(self) -> None:
        if not self.import_allowed():
            return
        preview = self.preview
        assert preview is not None
        session, index = self.session, self.ctx.index
        skip, mark = self.skip_invalid.isChecked(), self.absent_combo.currentData()

        def work() -> RosterResult:
            result = apply_roster(session, preview, skip_invalid=skip, mark_absent=mark)
            try:
                index.reload(session.db)  # the same as ctx.reload_index(), off the UI thread
            except XinqiaoError:  # locked right after the import: the index is rebuilt on unlock
                pass
            return result

        self._message("正在导入…")
        self.task = run_in_background(work, self._imported, self._import_failed)
        self._update_buttons()

    def _imported(self, result: RosterResult) -> None:
        self.task = None
        self.outcome = result
        c = result.preview.counts()
        text = f"导入完成：新增 {c['new']} 名，更新 {c['updated']} 名，未变 {c['unchanged']} 名"
        if result.marked_absent:
            text += f"，{result.marked_absent} 名标记为{self.absent_combo.currentData()}"
        text += "。"
        if result.error_report is not None:
            text += f"\n{c['invalid']} 行无效未导入，错误报告已保存到：{result.error_report}"
        self._message(text, ok=True)
        self._update_buttons()
        self.ctx.data_changed.emit(Change.STUDENTS)
        self.imported.emit(result)

    def _import_failed(self, exc: BaseException) -> None:
        self.task = None
        text = str(exc) if isinstance(exc, XinqiaoError) else f"导入失败，未写入任何数据：{type(exc).__name__}：{exc}"
        self._message(text, error=True)
        self._update_buttons()

    def _message(self, text: str, *, error: bool = False, ok: bool = False) -> None:
        self.result_label.setText(text)
        color = "#c5221f" if error else "#137333" if ok else "#333"
        self.result_label.setStyleSheet(f"color: {color};")

    def reject(self) -> None:
        if self.busy:  # the user waits for a running import to finish (a lock still closes the dialog)
            return
        super().reject()

    def _on_locking(self) -> None:
        # The session closes the database only after a running import's transaction ends (it holds the lock).
        QDialog.reject(self)

    def counts(self) -> dict[str, Any]:
        return self.preview.counts() if self.preview else {}
