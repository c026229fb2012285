"""The one import dialog: file → sheet → column mapping → preview with row errors → apply.

Every importer (roster, screening results, session records, and the ones later issues add) is described by an
``app.tabular.spec.ImporterSpec``; this dialog knows nothing else about it. Reading and writing run on
``ui.shell.tasks`` (so a lock or shutdown waits for them); a preview can be cancelled. The dialog runs no SQL and
opens no transaction: saved mappings, previews and imports all go through the spec's app/ functions.

Sheets: until the user picks one, the first sheet that reads is previewed (a workbook often starts with a 说明
sheet); the 工作表 list then shows which one, and picking another previews that sheet. Rows matched by name (no
registry number) are listed with check boxes: only the checked ones are imported.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
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
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import XinqiaoError
from app.session import Session
from app.tabular import OPEN_FILE_FILTER, HeaderNotFound
from app.tabular.reader import TableError, sheet_names
from app.tabular.spec import CONFIRMED, UNMAPPED, Apply, ImporterSpec, NeedsChoice, PreviewView, error_rows
from ui.shell import dialogs
from ui.shell.context import AppContext
from ui.shell.tables import RowsModel
from ui.shell.tasks import Progress, Task, run_task
from ui.shell.theme import set_tone
from ui.shell.views import keep_registry_numbers_whole

AUTO = "（自动识别）"
FIELDS_PER_ROW = 4


class _Stopped(Exception):
    """The user pressed 取消 while a file was read."""


class _Unmapped(Exception):
    """A preview failed; ``found`` is the likely header row and what matched, for the mapping editor."""

    def __init__(self, error: BaseException, found: tuple[list[str], dict[str, str]] | None) -> None:
        super().__init__(str(error))
        self.error = error
        self.found = found


def _table(model: RowsModel) -> QTableView:
    view = QTableView()
    keep_registry_numbers_whole(view)
    view.setModel(model)
    view.verticalHeader().hide()
    view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    view.setWordWrap(False)
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setDefaultSectionSize(140)
    return view


class ImportDialog(QDialog):
    imported = Signal(object)  # the importer's result; the page that opened the dialog tells ctx what changed

    def __init__(self, spec: ImporterSpec, session: Session, parent: QWidget | None = None, *,
                 ctx: AppContext | None = None, values: Mapping[str, Any] | None = None,
                 path: str | Path | None = None, after_apply: Callable[[], None] | None = None) -> None:
        """``values``: initial option values (e.g. the campaign); ``after_apply`` runs on the worker right after a
        successful import (e.g. rebuilding the student index)."""
        super().__init__(parent)
        self.spec = spec
        self.session = session
        self.ctx = ctx
        self.after_apply = after_apply
        self.path: Path | None = None
        self.preview: Any = None
        self.view: PreviewView | None = None
        self.outcome: Any = None
        self.mapping: dict[str, str] | None = None   # edited in the window or a profile's; None: the synonyms
        self.sheets: list[str] = []
        self.sheet: str | None = None
        self.task: Task | None = None
        self.error_text = ""
        self._again = False
        self.setWindowTitle(spec.title)
        self.resize(1000, 760)
        if ctx is not None:
            ctx.locking.connect(self._on_locking)

        # file, sheet, profile
        self.file_edit = QLineEdit()
        self.file_edit.setReadOnly(True)
        self.file_edit.setPlaceholderText(spec.file_hint)
        self.choose_button = QPushButton("选择文件…")
        self.choose_button.clicked.connect(self.choose_file)
        self.sheet_label = QLabel("工作表：")
        self.sheet_combo = QComboBox()
        self.sheet_combo.setMinimumContentsLength(8)
        self.sheet_combo.setAccessibleName("工作表")
        self.sheet_label.setBuddy(self.sheet_combo)
        self.sheet_combo.currentIndexChanged.connect(self._sheet_chosen)
        self.sheet_label.hide()
        self.sheet_combo.hide()
        self.profile_combo = QComboBox()
        self.profile_combo.setMinimumContentsLength(10)
        self.profile_combo.setAccessibleName("列对应方案")
        self._fill_profiles()
        self.profile_combo.currentIndexChanged.connect(self._profile_chosen)
        file_row = QHBoxLayout()
        file_row.addWidget(QLabel("文件："))
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(self.choose_button)
        file_row.addSpacing(16)
        file_row.addWidget(self.sheet_label)
        file_row.addWidget(self.sheet_combo)
        file_row.addSpacing(16)
        file_row.addWidget(QLabel("列对应方案："))
        file_row.addWidget(self.profile_combo)

        # the importer's options
        self.option_widgets: dict[str, QComboBox | QLineEdit] = {}
        top_options = QHBoxLayout()
        bottom_options = QHBoxLayout()
        initial = dict(values or {})
        for opt in spec.options:
            widget: QComboBox | QLineEdit
            if opt.choices is not None:
                combo = QComboBox()
                for label, value in opt.choices(session):
                    combo.addItem(label, value)
                chosen = initial.get(opt.key)
                if chosen is None and opt.default is not None:
                    chosen = opt.default(session, initial)
                if chosen is not None:
                    combo.setCurrentIndex(max(combo.findData(chosen), 0))
                combo.currentIndexChanged.connect(lambda _i, o=opt: self._option_changed(o))
                widget = combo
            else:
                edit = QLineEdit(str(initial.get(opt.key) or ""))
                edit.setPlaceholderText(opt.placeholder)
                edit.editingFinished.connect(lambda o=opt: self._option_changed(o))
                widget = edit
            widget.setAccessibleName(opt.label.rstrip("：:"))
            self.option_widgets[opt.key] = widget
            row = bottom_options if opt.before_import else top_options
            row.addWidget(QLabel(opt.label))
            row.addWidget(widget, 0 if opt.before_import else 1)
            row.addSpacing(12)

        self.status = QLabel("请选择文件。")
        self.status.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setMaximumHeight(14)
        self.progress.setTextVisible(False)
        self.cancel_button = QPushButton("取消")
        self.cancel_button.setToolTip("停止读取此文件")
        self.cancel_button.clicked.connect(self.cancel)
        busy_row = QHBoxLayout()
        busy_row.addWidget(self.progress, 1)
        busy_row.addWidget(self.cancel_button)
        self.progress.hide()
        self.cancel_button.hide()

        # mapping editor
        self.mapping_box = QGroupBox("列对应关系（字段 → 文件中的列；可保存为方案，下次直接选用）")
        box_layout = QVBoxLayout(self.mapping_box)
        self.map_area = QScrollArea()
        self.map_area.setWidgetResizable(True)
        self.map_area.setFrameShape(QScrollArea.Shape.NoFrame)
        self.map_area.setMaximumHeight(170)
        box_layout.addWidget(self.map_area)
        self.map_combos: dict[str, QComboBox] = {}
        self._build_map_combos()
        self.repreview_button = QPushButton("按此对应重新预览")
        self.repreview_button.clicked.connect(self.repreview)
        self.profile_name = QLineEdit()
        self.profile_name.setPlaceholderText("新方案名称，如：学籍系统导出、某测评平台")
        self.profile_name.setMinimumWidth(220)
        self.save_profile_button = QPushButton("保存为方案")
        self.save_profile_button.clicked.connect(self.save_mapping_profile)
        map_buttons = QHBoxLayout()
        map_buttons.addWidget(self.repreview_button)
        map_buttons.addStretch(1)
        map_buttons.addWidget(self.profile_name)
        map_buttons.addWidget(self.save_profile_button)
        box_layout.addLayout(map_buttons)
        self.mapping_box.setEnabled(False)

        # the preview
        self.counts_label = QLabel()
        self.counts_label.setWordWrap(True)
        self.lists = QTabWidget()
        self.models: dict[str, RowsModel] = {}
        self.views: dict[str, QTableView] = {}
        for tab in spec.tabs:
            model = RowsModel(list(tab.headers))
            view = _table(model)
            if tab.key in ("errors", "warnings"):
                view.setColumnWidth(0, 90)
                view.setColumnWidth(1, 110)
                view.setColumnWidth(2, 420)
            self.models[tab.key] = model
            self.views[tab.key] = view
            self.lists.addTab(view, tab.title)
        self.error_model = self.models["errors"]
        self.error_view = self.views["errors"]
        self.matches_label = QLabel(spec.confirm_hint)
        self.matches = QListWidget()
        keep_registry_numbers_whole(self.matches)
        self.matches.setMaximumHeight(110)
        self.matches.setAccessibleName("按姓名对应的学生")
        self.confirm_all_button = QPushButton("全部确认")
        self.confirm_all_button.clicked.connect(lambda: self.check_all_matches(True))
        matches_row = QHBoxLayout()
        matches_row.addWidget(self.matches_label, 1)
        matches_row.addWidget(self.confirm_all_button)

        # options and actions
        self.skip_invalid = QCheckBox("跳过无效行（只导入有效行，无效行另存为错误报告）")
        self.skip_invalid.toggled.connect(self._update_buttons)
        bottom_options.insertWidget(0, self.skip_invalid)
        bottom_options.insertStretch(1, 1)
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.import_button = QPushButton("导入")
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.start_import)
        self.close_button = QPushButton("关闭")
        self.close_button.clicked.connect(self.reject)
        self.report_button = QPushButton("导出错误报告…")  # the rejected rows stay in the vault until exported
        self.report_button.clicked.connect(self.export_error_report)
        self.report_button.hide()
        actions = QHBoxLayout()
        actions.addWidget(self.result_label, 1)
        actions.addWidget(self.report_button)
        actions.addWidget(self.import_button)
        actions.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addLayout(file_row)
        if top_options.count():
            layout.addLayout(top_options)
        layout.addWidget(self.status)
        layout.addLayout(busy_row)
        layout.addWidget(self.mapping_box)
        layout.addWidget(self.counts_label)
        layout.addWidget(self.lists, 1)
        layout.addLayout(matches_row)
        layout.addWidget(self.matches)
        layout.addLayout(bottom_options)
        layout.addLayout(actions)
        self._show_matches([])
        self._update_buttons()
        if path:
            self.set_file(Path(path))

    # -- state ---------------------------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self.task is not None and not self.task.finished

    def options(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, w in self.option_widgets.items():
            out[key] = w.currentData() if isinstance(w, QComboBox) else w.text().strip()
        return out

    def option(self, key: str) -> QComboBox | QLineEdit:
        return self.option_widgets[key]

    def counts(self) -> dict[str, int]:
        return dict(self.view.counts) if self.view is not None else {}

    def import_allowed(self) -> bool:
        v = self.view
        if v is None or self.busy or self.outcome is not None or not v.can_import:
            return False
        return not v.errors or self.skip_invalid.isChecked()

    def _update_buttons(self) -> None:
        busy = self.busy
        self.import_button.setEnabled(self.import_allowed())
        for w in (self.choose_button, self.sheet_combo, self.profile_combo, *self.option_widgets.values()):
            w.setEnabled(not busy)
        self.mapping_box.setEnabled(not busy and bool(self.view is not None or self.error_text)
                                    and any(c.count() > 1 for c in self.map_combos.values()))
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        label = "导入"
        if self.preview is not None and self.spec.import_label is not None:
            label = self.spec.import_label(self.preview, self.options())
        self.import_button.setText(label)

    def _fill_profiles(self) -> None:
        self.profile_combo.blockSignals(True)
        current = self.profile_combo.currentData()
        self.profile_combo.clear()
        self.profile_combo.addItem(AUTO, None)
        for name in self.spec.profiles(self.session):
            self.profile_combo.addItem(name, name)
        self.profile_combo.setCurrentIndex(max(self.profile_combo.findData(current), 0) if current else 0)
        self.profile_combo.blockSignals(False)

    # -- options -------------------------------------------------------------------------------------------------
    def _option_changed(self, opt: Any) -> None:
        if opt.resets_mapping:
            self.mapping = self._profile_mapping()
            headers = self.view.headers if self.view is not None else []
            self._build_map_combos()
            if headers:
                self._fill_mapping(headers, {})
        if opt.repreview and self.path is not None:
            self.run_preview()
        else:
            self._update_buttons()

    # -- file and sheet ------------------------------------------------------------------------------------------
    def choose_file(self) -> None:
        name = dialogs.open_file(self, "选择文件", str(Path.home()), OPEN_FILE_FILTER)
        if name:
            self.set_file(Path(name))

    def set_file(self, path: str | Path) -> None:
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

    # -- mapping -------------------------------------------------------------------------------------------------
    def _build_map_combos(self) -> None:
        inner = QWidget()
        grid = QGridLayout(inner)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(4)
        self.map_combos = {}
        for i, (fieldname, label) in enumerate(self.spec.fields(self.session, self.options()).items()):
            combo = QComboBox()
            combo.setMinimumContentsLength(8)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.addItem("（未对应）", None)
            combo.setAccessibleName(label)
            self.map_combos[fieldname] = combo
            star = "＊" if fieldname in self.spec.required else ""
            r, c = divmod(i, FIELDS_PER_ROW)
            grid.addWidget(QLabel(f"{star}{label}"), r, c * 2, Qt.AlignmentFlag.AlignRight)
            grid.addWidget(combo, r, c * 2 + 1)
        old = self.map_area.takeWidget()
        if old is not None:
            old.deleteLater()
        self.map_area.setWidget(inner)

    def _fill_mapping(self, headers: list[str], columns: dict[str, str]) -> None:
        """Offer the file's headers in every combo, with what is matched now selected."""
        for fieldname, combo in self.map_combos.items():
            combo.blockSignals(True)
            combo.clear()
            combo.addItem("（未对应）", None)
            for h in headers:
                combo.addItem(h, h)
            chosen = columns.get(fieldname, "")
            combo.setCurrentIndex(max(combo.findData(chosen), 0) if chosen else 0)
            combo.blockSignals(False)

    def current_mapping(self) -> dict[str, str]:
        """The mapping shown in the editor: every field to a header, or to nothing."""
        return {f: (c.currentData() or UNMAPPED) for f, c in self.map_combos.items()}

    def _profile_mapping(self) -> dict[str, str] | None:
        name = self.profile_combo.currentData()
        return None if name is None else self.spec.load(self.session, name)

    def _profile_chosen(self) -> None:
        self.mapping = self._profile_mapping()
        if self.path is not None:
            self.run_preview()

    def repreview(self) -> None:
        self.mapping = self.current_mapping()
        self.run_preview()

    def save_mapping_profile(self) -> bool:
        name = self.profile_name.text().strip()
        if not name:
            self._message("请填写方案名称。", error=True)
            return False
        try:
            self.spec.save(self.session, name, self.current_mapping())
        except XinqiaoError as e:
            self._message(e.message, error=True)
            return False
        self._fill_profiles()
        self.profile_combo.blockSignals(True)
        self.profile_combo.setCurrentIndex(self.profile_combo.findData(name))
        self.profile_combo.blockSignals(False)
        self._message(f"已保存列对应方案“{name}”，下次导入同样格式的文件时可直接选用。")
        return True

    # -- preview -------------------------------------------------------------------------------------------------
    def run_preview(self) -> None:
        if self.path is None:
            return
        if self.busy:  # asked again while reading: read once more when this read ends
            self._again = True
            return
        spec, session, path, mapping, options = self.spec, self.session, self.path, self.mapping, self.options()
        # The sheet picked, or (until one is picked) each sheet in turn until one reads.
        candidates: list[str | None] = [self.sheet] if self.sheet is not None else list(self.sheets) or [None]
        self.preview = self.view = None
        self.error_text = ""
        self.status.setText(f"正在读取 {path.name} …")
        set_tone(self.status, "")

        def work(progress: Progress) -> Any:
            def report(done: int, total: int) -> None:
                if progress.cancelled:
                    raise _Stopped()
                progress.report(done, total, "")

            first: BaseException | None = None
            for sheet in candidates:
                report(0, 0)
                try:
                    return spec.preview(session, path, sheet, mapping, options, report)
                except TableError as e:
                    first = first or e
            assert first is not None
            # e.g. a required column not found: offer the (first tried) sheet's headers to map
            raise _Unmapped(first, spec.headers(session, path, candidates[0], mapping, options))

        self.task = run_task(self, work, self._previewed, self._preview_failed, show_progress=False)
        self.task.signals.progress.connect(self._progress)
        self._update_buttons()

    def cancel(self) -> None:
        """Stop a running preview (an import, one transaction, runs to its end)."""
        if self.busy and self.task is not None and self.preview is None:
            self.task.progress.cancel()
            self._again = False

    def _progress(self, done: int, total: int, _text: str) -> None:
        self.progress.setRange(0, max(total, 0))
        self.progress.setValue(min(done, total) if total else 0)

    def _task_ended(self) -> bool:
        """Bookkeeping when a preview ends; True when another preview was asked for meanwhile (and started)."""
        self.task = None
        self.progress.setRange(0, 0)
        if self._again:
            self._again = False
            self.run_preview()
            return True
        return False

    def _previewed(self, preview: Any) -> None:
        if self._task_ended():
            return
        view = self.spec.describe(preview)
        self.preview, self.view = preview, view
        if view.sheet in self.sheets:
            self.sheet = view.sheet  # pinned: re-previewing with an edited mapping reads the same sheet
        where = f"工作表“{view.sheet}”"
        if len(self.sheets) > 1:
            where += f"（共 {len(self.sheets)} 个工作表，可在上方“工作表”中切换）"
            self.sheet_combo.blockSignals(True)
            self.sheet_combo.setCurrentIndex(max(self.sheet_combo.findText(view.sheet), 0))
            self.sheet_combo.blockSignals(False)
        note = f"，{view.note}" if view.note else ""
        self.status.setText(f"{where}，表头在第 {view.header_row} 行{note}。"
                            "请核对下面的列对应关系和预览结果，确认无误后再导入。")
        set_tone(self.status, "")
        self._fill_mapping(view.headers, view.columns)
        self.counts_label.setText(view.summary)
        for i, tab in enumerate(self.spec.tabs):
            if tab.key == "errors":
                rows: list[Any] = error_rows(view.errors)
            elif tab.key == "warnings":
                rows = error_rows(view.warnings)
            else:
                rows = list(view.rows.get(tab.key, []))
            self.models[tab.key].set_rows(rows)
            self.lists.setTabText(i, f"{tab.title}（{len(rows)}）")
        self._show_matches(view.name_matches)
        if view.errors:
            self.lists.setCurrentWidget(self.error_view)
            self._message(f"有 {len({e.row for e in view.errors})} 行无效：修改文件后重新选择，"
                          "或勾选“跳过无效行”只导入有效行。", error=True)
        else:
            self.lists.setCurrentIndex(0)
            self._message("")
        self._update_buttons()

    def _preview_failed(self, exc: BaseException) -> None:
        if self._task_ended():
            return
        self.preview = self.view = None
        found = None
        if isinstance(exc, _Unmapped):
            found = exc.found
            exc = exc.error
        if isinstance(exc, NeedsChoice) and self._ask(exc):
            return  # previewed again with the answer
        if found is not None:
            self._fill_mapping(*found)
        if isinstance(exc, _Stopped):
            self.error_text = "已取消读取。"
        elif isinstance(exc, XinqiaoError):
            self.error_text = exc.message
            if found is not None:
                self.error_text += "　可在下方“列对应关系”中指定各列后重新预览。"
        else:
            self.error_text = f"读取失败：{type(exc).__name__}：{exc}"
        if self.sheet is None and self.sheets:
            self.sheet = self.sheet_combo.currentText()  # the sheet whose headers the mapping editor offers
        if len(self.sheets) > 1 and not (isinstance(exc, HeaderNotFound) and exc.other_sheets):  # else named already
            self.error_text += "（此文件有多个工作表，可在上方“工作表”中选择要导入的工作表。）"
        self.status.setText(self.error_text)
        set_tone(self.status, "error")
        for i, tab in enumerate(self.spec.tabs):
            self.models[tab.key].set_rows([])
            self.lists.setTabText(i, tab.title)
        self._show_matches([])
        self.counts_label.clear()
        self._update_buttons()

    def _ask(self, need: NeedsChoice) -> bool:
        """The file cannot tell something (e.g. how answers are coded): ask, set the option, preview again."""
        widget = self.option_widgets.get(need.option)
        if not isinstance(widget, QComboBox):
            return False
        labels = [label for label, _value in need.choices]
        picked = dialogs.get_item(self, "请选择", need.question, labels)
        if picked is None or picked not in labels:
            return False
        index = widget.findData(need.choices[labels.index(picked)][1])
        if index < 0:
            return False
        widget.setCurrentIndex(index)   # previews again (the option's repreview)
        return True

    # -- name matches --------------------------------------------------------------------------------------------
    def _show_matches(self, matches: list[tuple[int, str]]) -> None:
        self.matches.clear()
        for row, text in matches:
            item = QListWidgetItem(text)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            item.setData(Qt.ItemDataRole.UserRole, row)
            self.matches.addItem(item)
        for w in (self.matches_label, self.matches, self.confirm_all_button):
            w.setVisible(bool(matches))

    def check_all_matches(self, checked: bool = True) -> None:
        state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        for i in range(self.matches.count()):
            self.matches.item(i).setCheckState(state)

    def confirmed_rows(self) -> set[int]:
        out = set()
        for i in range(self.matches.count()):
            item = self.matches.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                out.add(int(item.data(Qt.ItemDataRole.UserRole)))
        return out

    # -- import --------------------------------------------------------------------------------------------------
    def start_import(self) -> None:
        if not self.import_allowed():
            return
        options = self.options()
        for opt in self.spec.options:
            if opt.required and not options.get(opt.key):
                dialogs.warn(self, self.spec.title, opt.required)
                return
        spec, session, preview, after = self.spec, self.session, self.preview, self.after_apply
        question = spec.confirm(preview, options) if spec.confirm is not None else ""
        if question:
            if not dialogs.ask(self, spec.title, question, yes="确认并导入", no="取消"):
                return
            options = {**options, CONFIRMED: True}
        choice = Apply(self.skip_invalid.isChecked(), frozenset(self.confirmed_rows()), options)

        def work(_p: Progress) -> Any:
            result = spec.apply(session, preview, choice)
            if after is not None:
                try:
                    after()
                except XinqiaoError:  # e.g. locked right after the import: redone on unlock
                    pass
            return result

        self._message("正在导入…")
        self.task = run_task(self, work, self._imported, self._import_failed, show_progress=False)
        self._update_buttons()

    def _imported(self, result: Any) -> None:
        self.task = None
        self.outcome = result
        self._message(self.spec.outcome(result, self.options()), ok=True)
        self.report_button.setVisible(bool(getattr(result, "error_report", None)))
        self._update_buttons()
        self.imported.emit(result)

    def export_error_report(self) -> Path | None:
        from ui.imports.error_reports import export_report

        report_id = getattr(self.outcome, "error_report", None)
        return export_report(self, self.session, int(report_id)) if report_id else None

    def _import_failed(self, exc: BaseException) -> None:
        self.task = None
        if isinstance(exc, XinqiaoError):
            self._message(exc.message, error=True)
        else:
            self._message("导入失败，未写入任何数据。", error=True)
            from ui.shell.errors import show_error

            show_error(self, exc)
        self._update_buttons()

    def _message(self, text: str, *, error: bool = False, ok: bool = False) -> None:
        self.result_label.setText(text)
        set_tone(self.result_label, "error" if error else "ok" if ok else "")

    def reject(self) -> None:
        if self.busy:  # the user waits for a running read or import to finish (a lock still closes the dialog)
            return
        super().reject()

    def _on_locking(self) -> None:
        # A lock waits for running tasks (ui.shell.tasks); the dialog then closes with nothing of the file on screen.
        self._again = False
        QDialog.reject(self)
