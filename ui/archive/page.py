"""学生档案: the student list with search-as-you-type and filters, and the archive of one student.

The list filters the in-memory student index on every keystroke (a few milliseconds at 20,000 students) and
resets one table model over the matching entries: no per-row widgets. Opening a student (Enter, double-click or
``ctx.open_student``) swaps the list for the archive view inside the page; 返回 or Esc swaps back.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.archive.students import FOCUS_TAGS, StudentFilter
from app.archive.tags import confidential_tags, visible_tags
from app.policy import can_manage_roster, class_scope, sees_focus_tags, sees_warning_levels
from app.school.classes import SchoolClass, list_classes
from app.school.classnames import grade_name
from ui.archive.models import LEVEL_LABELS, StudentTableModel
from ui.archive.view import ArchiveView
from ui.shell.context import AppContext, Change
from ui.shell.flow import flow_bar
from ui.shell.theme import set_role, set_tone
from ui.shell.views import keep_registry_numbers_whole

COLUMN_WIDTHS = (200, 110, 48, 100, 130, 200, 72)
ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class StudentsPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.account = ctx.session.account
        self.import_dialog: QWidget | None = None
        self._classes: list[SchoolClass] = []

        # -- the list ------------------------------------------------------------------------------
        self.search = QLineEdit()
        self.search.setPlaceholderText("姓名、拼音首字母或学籍号（Ctrl+K）")
        self.search.setToolTip("按姓名、全拼（zhangsan）、首字母（zs）或学籍号查找，每输入一个字即时筛选")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(260)
        self.grade_combo = QComboBox()
        self.class_combo = QComboBox()
        self.class_combo.setMinimumContentsLength(9)
        self.tag_combo = QComboBox()
        self.tag_combo.addItem("全部关注类别", None)
        hidden = confidential_tags(ctx.session.db)
        for tag in visible_tags(self.account, FOCUS_TAGS, hidden):   # a head teacher: the ordinary tier only
            self.tag_combo.addItem(tag, tag)
        self.level_combo = QComboBox()
        self.level_combo.addItem("全部预警等级", None)
        for level, label in LEVEL_LABELS.items():
            self.level_combo.addItem(label, level)
        self.include_left = QCheckBox("含转出、毕业")
        self.import_button = QPushButton("导入花名册…")
        self.import_button.clicked.connect(self.open_import_dialog)
        self.import_button.setVisible(can_manage_roster(self.account))
        self.reports_button = QPushButton("导入错误报告…")  # rows imports skipped, kept in the vault
        self.reports_button.clicked.connect(self.open_error_reports)
        self.reports_button.setVisible(can_manage_roster(self.account))
        self.primary_button, self.primary_icon = self.import_button, "file-import"   # ui/shell/header.py
        self.header_buttons = [self.reports_button]

        # Wraps onto a second line when narrow: at 1024×768 the filters would otherwise widen the window.
        bar = flow_bar([self.search, self.grade_combo, self.class_combo, self.tag_combo, self.level_combo,
                        self.include_left], [self.import_button, self.reports_button])
        # A 管理员 sees no tags and no warning levels: no filters by them, no columns for them.
        self.tag_combo.setVisible(sees_focus_tags(self.account))
        self.level_combo.setVisible(sees_warning_levels(self.account))
        if class_scope(self.account) is not None:  # a head teacher sees one class: no grade or class filter
            self.grade_combo.hide()
            self.class_combo.hide()

        self.model = StudentTableModel(self)
        self.table = QTableView()
        keep_registry_numbers_whole(self.table)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(28)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for col, width in enumerate(COLUMN_WIDTHS):
            self.table.setColumnWidth(col, width)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnHidden(StudentTableModel.COL_TAGS, not sees_focus_tags(self.account))
        self.table.setColumnHidden(StudentTableModel.COL_LEVEL, not sees_warning_levels(self.account))
        header.setSectionsClickable(True)
        header.sectionClicked.connect(self._sort_by)
        self.table.doubleClicked.connect(lambda index: self.open_row(index.row()))
        self.count_label = QLabel()
        set_tone(self.count_label, "muted")

        # A new school: no list of nobody, but what to do first (导入学生名单, with an example file).
        self.welcome = QWidget()
        wl = QVBoxLayout(self.welcome)
        wl.addStretch(1)
        self.welcome_title = QLabel("还没有学生")
        set_role(self.welcome_title, "title")
        self.welcome_text = QLabel()
        self.welcome_text.setWordWrap(True)
        self.welcome_import = QPushButton("导入学生名单…")
        set_role(self.welcome_import, "primary")
        self.welcome_import.clicked.connect(self.open_import_dialog)
        self.welcome_example = QPushButton("保存示例文件…")
        self.welcome_example.setToolTip("保存一份学生名单示例（.xlsx，姓名均为虚构），照着它整理本校名单")
        self.welcome_example.clicked.connect(self.save_example)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.welcome_import)
        buttons.addWidget(self.welcome_example)
        buttons.addStretch(1)
        for w in (self.welcome_title, self.welcome_text):
            w.setAlignment(Qt.AlignmentFlag.AlignCenter)
            wl.addWidget(w)
        wl.addLayout(buttons)
        wl.addStretch(2)
        manager = can_manage_roster(self.account)
        self.welcome_text.setText(
            "心桥的一切记录都从学生名单开始：先导入本校的学生名单（从学籍系统导出的 Excel、WPS 表格或 CSV 都可以）。\n"
            "名单至少要有 姓名、学籍号、班级 三列；不知道怎么整理，可以先保存一份示例文件照着填。"
            if manager else "学校还没有导入学生名单。请联系心理教师或管理员在“学生档案”页导入。")
        self.welcome_import.setVisible(manager)
        self.welcome_example.setVisible(manager)
        self.welcome.hide()
        self.list_bar = bar

        list_panel = QWidget()
        lv = QVBoxLayout(list_panel)
        lv.addWidget(bar)
        lv.addWidget(self.table, 1)
        lv.addWidget(self.count_label)
        lv.addWidget(self.welcome, 1)

        # -- the archive ---------------------------------------------------------------------------
        self.archive = ArchiveView(ctx)
        self.archive.back_requested.connect(self.show_list)
        self.archive.changed.connect(self._archive_changed)

        self.stack = QStackedWidget()
        self.stack.addWidget(list_panel)
        self.stack.addWidget(self.archive)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

        self.search.textChanged.connect(self.refresh)
        self.grade_combo.currentIndexChanged.connect(self._grade_changed)
        self.class_combo.currentIndexChanged.connect(self.refresh)
        self.tag_combo.currentIndexChanged.connect(self.refresh)
        self.level_combo.currentIndexChanged.connect(self.refresh)
        self.include_left.toggled.connect(self.refresh)
        self.search.installEventFilter(self)
        self.table.installEventFilter(self)
        ctx.open_student.connect(self.show_student)
        ctx.data_changed.connect(self._data_changed)
        ctx.unlocked.connect(self._unlocked)

        self._load_classes()
        self.refresh()

    # -- filters -----------------------------------------------------------------------------------
    def _load_classes(self) -> None:
        if self.ctx.session.locked:
            return
        self._classes = list_classes(self.ctx.session.db)
        grade = self.grade_combo.currentData()
        self.grade_combo.blockSignals(True)
        self.grade_combo.clear()
        self.grade_combo.addItem("全部年级", None)
        for g in sorted({c.grade for c in self._classes}):
            self.grade_combo.addItem(grade_name(g), g)
        i = self.grade_combo.findData(grade)
        self.grade_combo.setCurrentIndex(max(i, 0))
        self.grade_combo.blockSignals(False)
        self._fill_class_combo()

    def _fill_class_combo(self) -> None:
        grade = self.grade_combo.currentData()
        current = self.class_combo.currentData()
        self.class_combo.blockSignals(True)
        self.class_combo.clear()
        self.class_combo.addItem("全部班级", None)
        for c in self._classes:
            if grade is None or c.grade == grade:
                self.class_combo.addItem(c.name, c.id)
        i = self.class_combo.findData(current)
        self.class_combo.setCurrentIndex(max(i, 0))
        self.class_combo.blockSignals(False)

    def _grade_changed(self) -> None:
        self._fill_class_combo()
        self.refresh()

    def current_filter(self) -> StudentFilter:
        return StudentFilter(grade=self.grade_combo.currentData(), class_id=self.class_combo.currentData(),
                             tag=self.tag_combo.currentData(), level=self.level_combo.currentData(),
                             search=self.search.text(), include_left=self.include_left.isChecked())

    def select_class(self, class_id: int) -> None:
        """Set the class filter (the grade follows)."""
        cls = next((c for c in self._classes if c.id == class_id), None)
        if cls is None:
            return
        self.grade_combo.setCurrentIndex(self.grade_combo.findData(cls.grade))
        self.class_combo.setCurrentIndex(self.class_combo.findData(class_id))

    # -- the list ----------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Filter the index and reset the model: cheap enough for every keystroke."""
        if self.ctx.session.locked:
            return
        index = self.ctx.index
        rows = index.matching(self.account, self.current_filter())
        account = self.account
        self.model.set_rows(rows, index.levels_for(account), lambda e: index.tags_of(account, e))
        total = len(rows)
        self.count_label.setText(f"共 {total} 名学生" if total else "没有符合条件的学生。")
        empty_school = not index.entries
        self.welcome.setVisible(empty_school)
        for w in (self.list_bar, self.table, self.count_label):
            w.setVisible(not empty_school)
        if total:
            self.table.selectRow(0)

    def _sort_by(self, column: int) -> None:
        header = self.table.horizontalHeader()
        previous = self.model._sort
        order = Qt.SortOrder.AscendingOrder
        if previous is not None and previous[0] == column and previous[1] == Qt.SortOrder.AscendingOrder:
            order = Qt.SortOrder.DescendingOrder
        self.model.sort(column, order)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(column, order)

    def focus_search(self) -> None:
        self.show_list()
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if key in ENTER_KEYS:
                self.open_current()
                return True
            if watched is self.search and key == Qt.Key.Key_Down and self.model.rowCount():
                self.table.setFocus()
                rows = self.table.selectionModel().selectedRows()
                if not rows:
                    self.table.selectRow(0)
                return True
        return super().eventFilter(watched, event)

    def open_current(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.open_row(rows[0].row())
        elif self.model.rowCount():
            self.open_row(0)

    def open_row(self, row: int) -> None:
        entry = self.model.entry(row)
        if entry is not None:
            self.show_student(entry.id)

    # -- the archive -------------------------------------------------------------------------------
    def show_student(self, student_id: int) -> None:
        if self.ctx.session.locked:
            return
        self.archive.load(student_id)
        self.stack.setCurrentWidget(self.archive)
        self.archive.tabs.setFocus()

    def open_draft(self, form_key: str, student_id: int | None = None) -> None:
        """未完成的记录 on the 工作台: the student's archive with the form open and refilled from the draft."""
        kind = form_key.split(":", 1)[0]
        if student_id is None:
            return
        self.show_student(student_id)
        view = self.archive
        if view.student is None or view.student.id != student_id:
            return
        if kind == "dorm":
            view.show_tab("基本信息")
            view.profile.open_dorm_dialog()
        elif kind in ("profile", "guardians"):
            view.show_tab("基本信息" if kind == "profile" else "家庭与监护人")
            (view.profile if kind == "profile" else view.guardians).begin_edit()
        elif kind == "plan" and "一生一策" in view.tab_titles():
            view.show_tab("一生一策")
        elif kind == "tag" and "重点关注" in view.tab_titles():
            view.show_tab("重点关注")
            parts = form_key.split(":")
            if parts[1] == "add":
                view.tags.open_add_dialog()
            elif parts[1] == "clear" and parts[2].isdigit():
                view.tags.select_tag(int(parts[2]))
                view.tags.open_clear_dialog()

    def show_list(self) -> None:
        self.stack.setCurrentIndex(0)
        self.search.setFocus()

    def showing_archive(self) -> bool:
        return self.stack.currentWidget() is self.archive

    def _archive_changed(self) -> None:
        from ui.shell.tasks import run_task

        # Tags changed: the index (focus-tag filter) is rebuilt off the UI thread, then every view refreshes.
        ctx = self.ctx
        session, index = ctx.session, ctx.index
        run_task(None, lambda _p: index.reload(session.db), lambda _r: ctx.data_changed.emit(Change.STUDENTS),
                 lambda _e: None, show_progress=False)

    def _data_changed(self, change: Change) -> None:
        if self.ctx.session.locked:
            return
        if change is Change.STUDENTS:
            self._load_classes()
        self.refresh()
        if self.showing_archive():
            self.archive.reload()

    def _unlocked(self) -> None:
        self._load_classes()
        self.refresh()
        if self.showing_archive():
            self.archive.reload()

    # -- import ------------------------------------------------------------------------------------
    def open_error_reports(self) -> QWidget:
        from ui.imports.error_reports import ErrorReportsDialog

        dlg = ErrorReportsDialog(self.ctx.session, self)
        self.reports_dialog = dlg
        dlg.open()
        return dlg

    def save_example(self) -> str | None:
        """保存示例文件: the example 学生名单 into a folder the user chooses; returns its path."""
        from pathlib import Path

        from app.errors import XinqiaoError
        from app.school.roster_example import write_roster_example
        from ui.shell import dialogs

        folder = dialogs.choose_folder(self, "保存学生名单示例到…")
        if not folder:
            return None
        try:
            path = write_roster_example(Path(folder))
        except XinqiaoError as e:
            dialogs.warn(self, "保存示例文件", e.message)
            return None
        dialogs.inform(self, "保存示例文件", f"已保存：{path}\n\n照着示例整理好本校名单后，点“导入学生名单…”导入。")
        return str(path)

    def open_import_dialog(self) -> QWidget:
        from app.school.roster_import import ROSTER_IMPORT
        from ui.imports.dialog import ImportDialog
        from ui.network.hooks import rooms_from_roster

        session, index = self.ctx.session, self.ctx.index
        # the index is rebuilt on the import's worker, right after the import (the same as ctx.reload_index())
        dlg = ImportDialog(ROSTER_IMPORT, session, self, ctx=self.ctx,
                           after_apply=lambda: (index.reload(session.db), rooms_from_roster(session, dlg)) and None)
        dlg.imported.connect(lambda _result: self.ctx.data_changed.emit(Change.STUDENTS))
        self.import_dialog = dlg
        dlg.open()
        return dlg
