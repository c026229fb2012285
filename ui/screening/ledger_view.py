"""干预台账 tab: filter by grade, class, level, status and category; history of level changes; follow-up
interviews; export to .xlsx / .csv (audited).

The rows load off the UI thread (a whole school's ledger is 20,000 rows, ~250 ms to build): each refresh starts a
background query; only the newest one's answer is shown, so typing in the search box never waits for a stale load."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.errors import XinqiaoError
from app.policy import can_read_confidential, class_scope, sees_unreviewed_levels
from app.school.classes import list_classes
from app.school.classnames import grade_name
from app.screening.export import export_ledger
from app.screening.grading import LEVEL_COLOURS, STATUS_LABELS, level_label
from app.screening.ledger import LedgerFilter, LedgerRow, ledger_rows, level_history
from app.session import Session
from ui.screening.models import RowsModel
from ui.shell import dialogs, export_password
from ui.shell.tasks import run_task, wait_idle
from ui.shell.views import fit_columns, keep_registry_numbers_whole

HEADERS = ["学籍号", "姓名", "班级", "测评日期", "得分", "初评", "当前等级", "状态", "复核截止", "类别", "干预措施", "责任人",
           "给班主任的提示"]
CATEGORIES = ["自伤风险", "抑郁情绪", "焦虑情绪", "行为观察"]
OPTIONAL = ["责任人", "测评日期", "初评", "干预措施", "学籍号", "类别"]   # give way first to last


def _cell(r: LedgerRow, c: int) -> object:
    return [r.registry_no, r.name, r.class_name, r.taken_on, r.scores,
            level_label(r.provisional_level) if r.provisional_level else "",
            level_label(r.level), r.status_label, r.due_date if r.status == "pending_review" else "", r.category,
            r.measure, r.responsible, r.teacher_note][c]


def _colour(r: LedgerRow, c: int) -> str | None:
    if c == 6 and r.level:
        return LEVEL_COLOURS[r.level]
    if c == 8 and r.overdue:
        return "#d32f2f"
    return None


class LedgerView(QWidget):
    changed = Signal()
    open_student = Signal(int)
    loaded = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.grade = QComboBox()
        self.klass = QComboBox()
        self.level = QComboBox()
        self.level.addItem("全部等级", None)
        for lv in (1, 2, 3):
            self.level.addItem(level_label(lv), lv)
        self.status = QComboBox()
        self.status.addItem("未解除", "active")
        self.status.addItem("全部状态", None)
        machine = sees_unreviewed_levels(session.account)
        for k, v in STATUS_LABELS.items():
            if machine or k != "pending_review":   # a head teacher reads reviewed entries only
                self.status.addItem(v, k)
        self.category = QComboBox()
        self.category.addItem("全部类别", "")
        for c in CATEGORIES:
            self.category.addItem(c, c)
        self.search = QLineEdit()
        self.search.setPlaceholderText("姓名或学籍号")
        self.count = QLabel()
        filters = QHBoxLayout()
        for w in (self.grade, self.klass, self.level, self.status, self.category, self.search):
            filters.addWidget(w)
        filters.addWidget(self.count, 1)
        self.model = RowsModel(HEADERS, _cell, _colour)
        self.table = QTableView()
        keep_registry_numbers_whole(self.table)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        # Thirteen columns in a 1024-pixel window: every column as wide as the rows on screen need (measuring only
        # those keeps a ledger of thousands quick), 给班主任的提示 taking the rest; when they cannot all fit, the
        # least needed give way — their facts are in the pane below the list for the selected row.
        fit_columns(self.table, HEADERS.index("给班主任的提示"), precision=0,
                    optional=tuple(HEADERS.index(h) for h in OPTIONAL))
        self.private_columns: tuple[int, ...] = ()
        if not sees_unreviewed_levels(session.account):
            # a head teacher reads reviewed entries only: no scores, provisional level or review deadline
            self.private_columns = (4, 5, 8)
            for col in self.private_columns:
                self.table.setColumnHidden(col, True)
        self.table.setWordWrap(False)
        self.loading = False
        self._generation = 0
        self._select_after: int | None = None
        self.history = QTextBrowser()
        self.history.setMaximumHeight(140)
        self.interview_btn = QPushButton("复核访谈…")
        self.archive_btn = QPushButton("打开档案")
        self.xlsx_btn = QPushButton("导出 Excel…")
        self.csv_btn = QPushButton("导出 CSV…")
        buttons = QHBoxLayout()
        for b in (self.interview_btn, self.archive_btn):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.xlsx_btn)
        buttons.addWidget(self.csv_btn)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.history)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)
        self.interview_btn.setEnabled(False)
        self.interview_btn.setVisible(can_read_confidential(session.account))
        self._fill_classes()
        for combo in (self.grade, self.klass, self.level, self.status, self.category):
            combo.currentIndexChanged.connect(self.refresh)
        self.grade.currentIndexChanged.connect(self._fill_class_combo)
        self.search.textChanged.connect(self.refresh)
        self.table.selectionModel().selectionChanged.connect(self.show_history)
        self.table.doubleClicked.connect(lambda _i: self.interview())
        self.interview_btn.clicked.connect(self.interview)
        self.archive_btn.clicked.connect(self._open_archive)
        self.xlsx_btn.clicked.connect(lambda: self.export("xlsx"))
        self.csv_btn.clicked.connect(lambda: self.export("csv"))
        # The first load starts once the page is built: a worker's query holds the database, and the other tabs'
        # quick look-ups on the UI thread must not queue behind it.
        self.loading = True
        QTimer.singleShot(0, self.refresh)

    def _fill_classes(self) -> None:
        self.classes = list_classes(self.session.db)
        scope = class_scope(self.session.account)
        if scope is not None:
            self.classes = [c for c in self.classes if c.id == scope]
        self.grade.blockSignals(True)
        self.grade.addItem("全部年级", None)
        for g in sorted({c.grade for c in self.classes}):
            self.grade.addItem(grade_name(g), g)
        self.grade.blockSignals(False)
        self._fill_class_combo()

    def _fill_class_combo(self) -> None:
        g = self.grade.currentData()
        self.klass.blockSignals(True)
        self.klass.clear()
        self.klass.addItem("全部班级", None)
        for c in self.classes:
            if g is None or c.grade == g:
                self.klass.addItem(c.name, c.id)
        self.klass.blockSignals(False)

    def current_filter(self) -> LedgerFilter:
        return LedgerFilter(grade=self.grade.currentData(), class_id=self.klass.currentData(),
                            level=self.level.currentData(), status=self.status.currentData(),
                            category=self.category.currentData() or "", search=self.search.text().strip())

    def refresh(self, select: int | None = None) -> None:
        """Reload the rows in the background; ``select``: the student to select once they are in."""
        if self.session.locked:
            return
        cur = self.selected()
        self._select_after = select if select is not None else (cur.student_id if cur else None)
        self._generation += 1
        generation, session, flt = self._generation, self.session, self.current_filter()
        self.loading = True
        self.count.setText("正在载入……")
        self.task = run_task(self, lambda _p: ledger_rows(session, flt),
                             lambda rows: self._loaded(generation, rows), lambda e: self._failed(generation, e),
                             show_progress=False)

    def wait_loaded(self, timeout: float = 10.0) -> bool:
        """Tests and callers that must act on the rows: deliver the pending load."""
        QCoreApplication.processEvents()
        wait_idle(timeout)
        return not self.loading

    def _loaded(self, generation: int, rows: list[LedgerRow]) -> None:
        if generation != self._generation:
            return  # a newer filter is loading
        self.loading = False
        self.model.set_rows(rows)
        overdue = sum(1 for r in rows if r.overdue)
        self.count.setText(f"共 {len(rows)} 人" + (f"，{overdue} 人复核已逾期" if overdue else ""))
        if self._select_after is not None:
            self.select_student(self._select_after)
        self.show_history()
        self.loaded.emit()

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self.loading = False
        if self.session.locked:
            return
        self.count.setText("台账载入失败")
        if isinstance(exc, XinqiaoError):
            dialogs.warn(self, "干预台账", exc.message)
        else:
            from ui.shell.errors import show_error

            show_error(self, exc)

    def selected(self) -> LedgerRow | None:
        idx = self.table.selectionModel().selectedRows()
        return self.model.row(idx[0].row()) if idx else None

    def select_entry(self, entry_id: int) -> bool:
        for i, r in enumerate(self.model.rows):
            if r.entry_id == entry_id:
                self.table.selectRow(i)
                return True
        return False

    def select_student(self, student_id: int) -> None:
        for i, r in enumerate(self.model.rows):
            if r.student_id == student_id:
                self.table.selectRow(i)
                return

    def show_history(self) -> None:
        r = self.selected()
        self.interview_btn.setEnabled(r is not None and can_read_confidential(self.session.account))
        self.archive_btn.setEnabled(r is not None)
        if r is None:
            self.history.setPlainText("")
            return
        lines = [f"{r.name}　{r.campaign}" + (f"　依据：{r.basis}" if r.basis else "")]
        facts = [f"{HEADERS[c]}：{v}" for c in range(len(HEADERS)) if self.table.isColumnHidden(c)
                 and c not in self.private_columns and (v := _cell(r, c))]
        if facts:   # the columns that gave way to the window's width
            lines.append("　".join(facts))
        for h in level_history(self.session, r.entry_id):
            lines.append(f"{h['at'][:16].replace('T', ' ')}　{level_label(h['from_level'])} → "
                         f"{level_label(h['to_level'])}　{STATUS_LABELS[h['status']]}　{h['reason']}（{h['account']}）")
        self.history.setPlainText("\n".join(lines))

    def interview(self) -> None:
        from ui.screening.interview_dialog import InterviewDialog

        r = self.selected()
        if r is None or not can_read_confidential(self.session.account):
            return
        dlg = InterviewDialog(self.session, r, self)
        self.dialog = dlg  # tests answer the open dialog through this

        def saved() -> None:   # not exec(): a lock hides the dialog and brings it back
            if dlg.saved is None:
                return
            sid = r.student_id
            self.refresh(select=sid)
            self.changed.emit()
            if dlg.saved.confirmed_level and dialogs.ask(
                    self, "一生一策", f"已确认 {r.name} 为{level_label(dlg.saved.confirmed_level)}。"
                    "是否现在打开档案，为其制定一生一策成长指导方案？", yes="打开档案", no="稍后"):
                self.open_student.emit(sid)

        dlg.accepted.connect(saved)
        dlg.open()

    def _open_archive(self) -> None:
        r = self.selected()
        if r is not None:
            self.open_student.emit(r.student_id)

    def export(self, fmt: str) -> None:
        if self.loading:
            self.wait_loaded()  # export what the filter shows, not the previous filter's rows
        suggested = f"分级分类干预台账.{fmt}"
        path = dialogs.save_file(self, "导出台账", suggested, "Excel 文件 (*.xlsx)" if fmt == "xlsx" else "CSV 文件 (*.csv)")
        if not path:
            return
        how = export_password.choose(self, self.session, csv=fmt == "csv")
        if how is None:
            return
        try:
            out = export_ledger(self.session, self.model.rows, fmt, path, password=how.password, plain=how.plain)
        except (OSError, XinqiaoError) as e:
            dialogs.error(self, "导出失败", f"无法写入文件：{e}")
            return
        dialogs.inform(self, "导出完成", f"已导出 {len(self.model.rows)} 条记录到 {out}。{how.done_text}")
