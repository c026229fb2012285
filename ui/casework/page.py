"""个案与谈话: the list of records, the record form (keyboard first, drafts), search, coverage and import."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.casework.importer import SESSIONS_IMPORT
from app.casework.model import KIND_LABELS, KINDS
from app.casework.records import RecordFilter, delete_record, list_records, versions
from app.errors import XinqiaoError
from app.policy import can_read_confidential
from app.search import SearchHit
from ui.casework.coverage_view import CoverageView
from ui.casework.record_form import RecordForm
from ui.casework.search_box import SearchBox
from ui.imports.dialog import ImportDialog
from ui.shell import dialogs
from ui.shell.context import AppContext, Change
from ui.shell.flow import flow_bar
from ui.shell.reason_dialog import ReasonDialog
from ui.shell.views import keep_registry_numbers_whole

COLUMNS = ["日期", "类型", "学生", "摘要", "回访", "保密"]
LIST_LIMIT = 500


class CaseworkPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.import_dialog: ImportDialog | None = None
        self.stack = QStackedWidget()
        self.tabs = QTabWidget()
        # -- list ----------------------------------------------------------------------------------
        self.kind_filter = QComboBox()
        self.kind_filter.addItem("全部类型", None)
        for k in KINDS:
            self.kind_filter.addItem(KIND_LABELS[k], k)
        self.new_btn = QPushButton("新建记录（Ctrl+N）")
        self.group_btn = QPushButton("团体辅导")
        self.edit_btn = QPushButton("打开/修改")
        self.delete_btn = QPushButton("删除…")
        self.versions_btn = QPushButton("历史版本")
        self.import_btn = QPushButton("导入历史记录…")
        self.import_btn.setVisible(can_read_confidential(ctx.session.account))
        self.primary_button = self.new_btn   # in the page header (ui/shell/header.py)
        self.header_buttons = [self.group_btn, self.import_btn]
        self.table = QTableWidget(0, len(COLUMNS))
        keep_registry_numbers_whole(self.table)
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        _size_columns(self.table)
        bar = flow_bar([self.kind_filter, self.new_btn, self.group_btn, self.edit_btn, self.delete_btn,
                        self.versions_btn], [self.import_btn])
        list_tab = QWidget()
        ll = QVBoxLayout(list_tab)
        ll.addWidget(bar)
        ll.addWidget(self.table, 1)
        self.count_label = QLabel()
        ll.addWidget(self.count_label)
        self.search = SearchBox(lambda: ctx.session)
        self.coverage = CoverageView(ctx)
        self.tabs.addTab(list_tab, "记录")
        self.tabs.addTab(self.search, "检索")
        self.tabs.addTab(self.coverage, "一生一谈与家访")
        # -- form ----------------------------------------------------------------------------------
        self.form = RecordForm(ctx)
        self.stack.addWidget(self.tabs)
        self.stack.addWidget(self.form)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.stack)

        self.record_ids: list[int] = []
        QShortcut(QKeySequence.StandardKey.New, self, activated=self.new_record)
        self.new_btn.clicked.connect(self.new_record)
        self.group_btn.clicked.connect(lambda: self.new_record("group"))
        self.edit_btn.clicked.connect(self.open_selected)
        self.delete_btn.clicked.connect(self.delete_selected)
        self.versions_btn.clicked.connect(self.show_versions)
        self.import_btn.clicked.connect(self.open_import)
        self.table.doubleClicked.connect(lambda _i: self.open_selected())
        self.kind_filter.currentIndexChanged.connect(self.refresh)
        self.form.saved.connect(self._after_save)
        self.form.cancelled.connect(lambda: self.stack.setCurrentWidget(self.tabs))
        self.search.open_hit.connect(ctx.open_hit)  # the window routes it to the page that owns its source
        ctx.data_changed.connect(self._data_changed)
        ctx.unlocked.connect(self.refresh)
        self.refresh()

    # -- list ----------------------------------------------------------------------------------------
    def refresh(self) -> None:
        if self.ctx.session.locked:
            return
        records = list_records(self.ctx.session, RecordFilter(kind=self.kind_filter.currentData(), limit=LIST_LIMIT))
        self.record_ids = [r.id for r in records]
        self.table.setRowCount(len(records))
        for i, r in enumerate(records):
            cells = [r.occurred_at.replace("T", " "), r.kind_label, r.students_label(),
                     r.summary.replace("\n", " ")[:80], r.follow_up_date or "",
                     "保密" if r.confidential_present else ""]
            for j, v in enumerate(cells):
                item = QTableWidgetItem(v)
                item.setData(Qt.ItemDataRole.UserRole, r.id)
                if j == 3 and r.summary:
                    item.setToolTip(r.summary)
                self.table.setItem(i, j, item)
        self.count_label.setText(f"显示最新 {LIST_LIMIT} 条；更早的记录请用“检索”或按类型筛选" if len(records) >= LIST_LIMIT
                                 else f"共 {len(records)} 条")

    def _data_changed(self, change: Change) -> None:
        if change in (Change.CASEWORK, Change.STUDENTS):
            self.refresh()
            self.coverage.refresh()

    def selected_id(self) -> int | None:
        row = self.table.currentRow()
        return self.record_ids[row] if 0 <= row < len(self.record_ids) else None

    # -- form ----------------------------------------------------------------------------------------
    def leave_form(self) -> bool:
        """Before the open form is replaced (Ctrl+N, another record): asks if anything typed would be discarded."""
        return self.stack.currentWidget() is not self.form or self.form.confirm_discard()

    def new_record(self, kind: str | None = None, student_id: int | None = None) -> None:
        if not self.leave_form():
            return
        self.form.new_record(kind if isinstance(kind, str) else None, student_id)
        self.stack.setCurrentWidget(self.form)
        self.form.kind.setFocus()

    def open_draft(self, form_key: str, _student_id: int | None = None) -> None:
        """未完成的记录 on the 工作台: ``record:new`` or ``record:<id>``, refilled from the draft."""
        ref = form_key.split(":", 1)[1]
        if ref == "new":
            self.new_record()
        elif ref.isdigit():
            self.open_record(int(ref))
        elif ref.startswith("delete:") and ref[7:].isdigit():
            self.ask_delete(int(ref[7:]))
        elif ref.startswith("reason:") and ref[7:].isdigit():
            self.open_record(int(ref[7:]))     # the edit's own draft refills the form; its reason comes with save
            if self.form.record_id == int(ref[7:]):
                self.form.ask_reason(self.form.record_id, self.form.record_input())

    def open_record(self, record_id: int) -> None:
        if not self.leave_form():
            return
        try:
            self.form.edit_record(record_id)
        except XinqiaoError as e:
            dialogs.warn(self, "无法打开", e.message)
            return
        self.stack.setCurrentWidget(self.form)

    def open_selected(self) -> None:
        rid = self.selected_id()
        if rid is not None:
            self.open_record(rid)

    def open_hit(self, hit: SearchHit) -> None:
        """A hit of this page's source (``casework``), routed here by the window."""
        self.open_record(hit.ref_id)

    def _after_save(self, _rid: int) -> None:
        self.stack.setCurrentWidget(self.tabs)
        self.tabs.setCurrentIndex(0)
        self.refresh()

    def delete_selected(self) -> None:
        rid = self.selected_id()
        if rid is None:
            return
        self.ask_delete(rid)

    def ask_delete(self, rid: int) -> ReasonDialog:
        """删除记录: the reason in a form that survives a lock (``record:delete:<id>``)."""
        session = self.ctx.session
        dlg = ReasonDialog(session, f"record:delete:{rid}", "删除记录",
                           "删除原因（记录仍保留在数据库中，但不再出现在列表、检索和档案中）：",
                           lambda reason: delete_record(session, rid, reason), label="谈话记录删除原因", ok="删除",
                           parent=self)
        dlg.written.connect(lambda _r: self.ctx.data_changed.emit(Change.CASEWORK))
        self.delete_dialog = dlg
        dlg.open()          # window-modal, without a blocking loop: a lock hides it and gives it back
        return dlg

    def show_versions(self) -> None:
        rid = self.selected_id()
        if rid is None:
            return
        vs = versions(self.ctx.session, rid)
        if not vs:
            dialogs.inform(self, "历史版本", "这条记录还没有被修改过。")
            return
        lines = [f"第 {v.version} 版：{v.changed_at.replace('T', ' ')} 由 {v.changed_by} 修改，原因：{v.reason}\n"
                 f"　当时的摘要：{v.record.get('summary', '')}" for v in vs]
        dialogs.inform(self, "历史版本", "\n".join(lines))

    def open_import(self) -> None:
        self.import_dialog = ImportDialog(SESSIONS_IMPORT, self.ctx.session, self, ctx=self.ctx)
        self.import_dialog.imported.connect(lambda _result: self.ctx.data_changed.emit(Change.CASEWORK))
        self.import_dialog.show()


def _size_columns(table: QTableWidget) -> None:
    """Widths from the font, not from the rows (no pass over 500 rows): the date and the short columns fit their
    text, the summary takes the rest."""
    fm = table.fontMetrics()
    pad = 24
    header = table.horizontalHeader()
    widths = {0: fm.horizontalAdvance("2026-11-22 14:30") + pad, 1: fm.horizontalAdvance("家长面谈") + pad,
              2: fm.horizontalAdvance("王诗涵等12人") + pad, 4: fm.horizontalAdvance("2026-11-22") + pad,
              5: fm.horizontalAdvance("保密") + pad}
    for col, width in widths.items():
        header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
        table.setColumnWidth(col, width)
    header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
