"""危机干预 page: the case list (进行中 / 有逾期 / 全部; overdue in red) beside the case view, and the 意外事件 list
(counselors and managers) in a second tab."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.crisis.cases import CaseRow, list_cases
from app.crisis.model import short
from app.crisis.searchable import INCIDENT_SOURCE
from app.policy import can_manage_school, can_read_confidential, can_read_incidents, does_student_work
from app.search import SearchHit
from ui.crisis.case_view import OVERDUE, CaseView, _is_red, due_label
from ui.crisis.dialogs import OpenCaseDialog
from ui.crisis.directory import DirectoryDialog
from ui.crisis.forms import FormDialog
from ui.crisis.incident import IncidentDialog
from ui.crisis.incident_list import IncidentDialogView, IncidentList
from ui.crisis.rules_editor import RulesDialog
from ui.shell.context import AppContext, Change
from ui.shell.flow import flow_bar
from ui.shell.theme import set_role
from ui.shell.views import fit_columns, keep_registry_numbers_whole

FILTERS = (("open", "进行中"), ("overdue", "有逾期步骤"), ("all", "全部个案"))
COLUMNS = ("学生", "班级", "等级", "状态", "下一步", "截止", "逾期")   # the case number is in the tooltip


class CrisisPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.session = ctx.session
        account = self.session.account
        self.dialog: QDialog | None = None

        self.filter = QComboBox()
        for key, label in FILTERS:
            self.filter.addItem(label, key)
        self.filter.currentIndexChanged.connect(lambda _i: self.refresh())
        self.new_button = QPushButton("新建个案…")
        self.incident_button = QPushButton("意外事件…")
        self.directory_button = QPushButton("转介机构名录…")
        self.export_button = QPushButton("导出台账…")
        self.export_button.clicked.connect(self.export)
        self.rules_button = QPushButton("流程设置…")
        self.rules_button.clicked.connect(self.open_rules_dialog)
        self.rules_button.setVisible(can_manage_school(account))
        self.new_button.clicked.connect(self.open_new_case_dialog)
        self.incident_button.clicked.connect(self.open_incident_dialog)
        self.directory_button.clicked.connect(self.open_directory)
        self.new_button.setVisible(can_read_confidential(account))
        self.incident_button.setVisible(can_read_confidential(account))
        self.primary_button = self.new_button   # the page header (ui/shell/header.py)
        self.header_buttons = [self.incident_button]
        self.more_buttons = [self.directory_button, self.export_button, self.rules_button]
        self.count = QLabel()
        bar = flow_bar([QLabel("显示："), self.filter, self.count],
                       [self.new_button, self.incident_button, self.directory_button, self.export_button,
                        self.rules_button])

        self.table = QTableWidget(0, len(COLUMNS))
        keep_registry_numbers_whole(self.table)
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # Every column as wide as its text (下一步 never shrinks to "一…"); 下一步 takes the spare width; narrower than
        # the whole list (1024×768, the case beside it), 班级 then 逾期 give way: both are in the row's tooltip and in
        # the case shown beside the list, and an overdue case's row is red.
        fit_columns(self.table, COLUMNS.index("下一步"), optional=(COLUMNS.index("班级"), COLUMNS.index("逾期")))
        self.table.itemSelectionChanged.connect(self._selected)

        self.view = CaseView(self.session)
        self.view.changed.connect(self._changed)
        self.view.open_student.connect(ctx.open_student)
        self.view.students_changed.connect(self._students_changed)
        self.view.letter_requested.connect(ctx.open_letter)

        # 意外事件 beside the cases, for the accounts that may read them (counselors, managers)
        self.incidents = IncidentList(self.session)
        self.incidents.open_case.connect(self.open_case_anywhere)
        self.incidents.changed.connect(self._changed)
        self.lists = QTabWidget()
        if does_student_work(account):  # a 管理员 keeps the directory and reads incidents, not students' cases
            self.lists.addTab(self.table, "危机个案")
        else:
            self.export_button.setVisible(False)
        if can_read_incidents(self.session.account):
            self.lists.addTab(self.incidents, "意外事件")
        self.lists.tabBar().setVisible(self.lists.count() > 1)

        # No case to show: what a case is and 新建个案, instead of a case view of disabled buttons.
        self.empty = QWidget()
        el = QVBoxLayout(self.empty)
        el.addStretch(1)
        self.empty_title = QLabel("还没有危机个案")
        set_role(self.empty_title, "title")
        self.empty_text = QLabel()
        self.empty_text.setWordWrap(True)
        self.empty_new = QPushButton("新建个案…")
        set_role(self.empty_new, "primary")
        self.empty_new.clicked.connect(lambda: self.open_new_case_dialog())
        self.empty_new.setVisible(can_read_confidential(account))
        self.empty_all = QPushButton("查看全部个案")
        self.empty_all.clicked.connect(lambda: self.set_filter("all"))
        for w in (self.empty_title, self.empty_text):
            w.setAlignment(Qt.AlignmentFlag.AlignCenter)
            el.addWidget(w)
        el.addWidget(self.empty_new, 0, Qt.AlignmentFlag.AlignHCenter)
        el.addWidget(self.empty_all, 0, Qt.AlignmentFlag.AlignHCenter)
        el.addStretch(2)
        self.right = QStackedWidget()
        self.right.addWidget(self.view)
        self.right.addWidget(self.empty)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)
        split.addWidget(self.lists)
        split.addWidget(self.right)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        split.setSizes([500, 540])  # at 1280 the list's columns fit whole; narrower, optional columns give way
        self.split = split
        lay = QVBoxLayout(self)
        lay.addWidget(bar)
        lay.addWidget(split, 1)

        self.rows: list[CaseRow] = []
        ctx.data_changed.connect(self._data_changed)
        ctx.unlocked.connect(self._unlocked)
        self.refresh()

    # -- the list ---------------------------------------------------------------------------------------------
    def refresh(self) -> None:
        if self.session.locked:
            return
        if not does_student_work(self.session.account):
            self.count.setText("管理员账号可查看意外事件和转介机构名录")
            self.incidents.refresh()
            return
        mode = self.filter.currentData()
        keep = self.view.case.row.id if self.view.case else None
        self.rows = list_cases(self.session, open_only=mode == "open", overdue_only=mode == "overdue")
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.rows))
        for r, c in enumerate(self.rows):
            values = (c.student_name, c.class_name, c.level_label, c.status_label, c.next_step,
                      due_label(c.next_due), f"{c.overdue_steps} 步" if c.overdue_steps else "")
            tip = f"编号 {c.id} · {c.student_name} · {c.class_name} · {c.level_label} · {c.status_label}" + (
                f" · 下一步：{c.next_step}（截止 {short(c.next_due)}）" if c.next_step else "") + (
                f" · 逾期 {c.overdue_steps} 步" if c.overdue_steps else "")
            for col, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, c.id)
                item.setToolTip(tip)
                if c.overdue_steps:
                    item.setForeground(QBrush(OVERDUE))
                self.table.setItem(r, col, item)
        self.table.blockSignals(False)
        self.table.setColumnHidden(COLUMNS.index("状态"), mode != "all")   # open/overdue lists: all 进行中
        self.count.setText(f"共 {len(self.rows)} 个")
        self.incidents.refresh()
        if keep is not None and keep in [c.id for c in self.rows]:
            self.select_case(keep)
        self._show_empty_state(mode)

    def _show_empty_state(self, mode: str) -> None:
        """An empty list: say what a case is (or that none is in this list) and offer 新建个案."""
        if self.rows:
            self.right.setCurrentWidget(self.view)
            return
        any_case = mode != "all" and bool(list_cases(self.session))
        writer = can_read_confidential(self.session.account)
        if any_case:
            self.empty_title.setText("没有进行中的危机个案" if mode == "open" else "没有步骤逾期的个案")
            self.empty_text.setText("已结案的个案在“全部个案”中。发现新的危机时，请新建个案。" if writer
                                    else "已结案的个案在“全部个案”中。")
        else:
            self.empty_title.setText("还没有危机个案")
            self.empty_text.setText(
                "危机个案记录一名学生从发现危机到结案的全过程：发现与报告、安全措施、通知家长、评估、转介或复学、"
                "每周跟踪，每一步有截止时间，逾期会在工作台上用红色提醒。\n"
                + ("发现学生有自伤、自杀风险或其他心理危机时，请点“新建个案”。" if writer
                   else "个案由心理教师建立；本班学生有个案时会显示在这里。"))
        self.empty_all.setVisible(any_case)
        self.right.setCurrentWidget(self.empty)

    def case_ids(self) -> list[int]:
        return [c.id for c in self.rows]

    def red_rows(self) -> list[int]:
        return [r for r in range(self.table.rowCount()) if _is_red(self.table, r)]

    def select_case(self, case_id: int) -> None:
        self.right.setCurrentWidget(self.view)
        row = self.case_ids().index(case_id)
        self.table.selectRow(row)
        self.view.show_case(case_id)

    def set_filter(self, key: str) -> None:
        self.filter.setCurrentIndex(self.filter.findData(key))

    def _selected(self) -> None:
        items = self.table.selectedItems()
        if items:
            case_id = int(items[0].data(Qt.ItemDataRole.UserRole))
            if self.view.case is None or self.view.case.row.id != case_id:
                self.view.show_case(case_id)

    def _unlocked(self) -> None:
        """The window hid the open dialogs on lock and shows them again (``ui.shell.main_window``)."""
        self.refresh()

    def _changed(self) -> None:
        self.refresh()
        self.ctx.data_changed.emit(Change.CRISIS)

    def _students_changed(self) -> None:
        """A step put a student on leave or back to school: the student index (which lists 在读 students) is
        rebuilt off the UI thread, then every view refreshes."""
        from ui.shell.tasks import run_task

        ctx = self.ctx
        session, index = ctx.session, ctx.index
        run_task(None, lambda _p: index.reload(session.db), lambda _r: ctx.data_changed.emit(Change.STUDENTS),
                 lambda _e: None, show_progress=False)

    def _data_changed(self, change: Change) -> None:
        if change is not Change.CRISIS:
            self.refresh()

    # -- dialogs ----------------------------------------------------------------------------------------------
    def open_case_for_student(self, student_id: int) -> None:
        """From the archive: the student's open case if there is one (one open case per student), else a new one."""
        open_cases = list_cases(self.session, open_only=True, student_id=student_id)
        if open_cases:
            self.open_case_anywhere(open_cases[0].id)
        else:
            self.open_new_case_dialog(student_id)

    def open_case_from_alert(self, alert_id: int) -> OpenCaseDialog:
        """"开危机个案" from a same-day item: the student filled in, the case linked back to what raised it."""
        return self.open_new_case_dialog(alert_id=alert_id)

    def open_new_case_dialog(self, student_id: int | None = None, alert_id: int | None = None) -> OpenCaseDialog:
        dlg = OpenCaseDialog(self.ctx, self, student_id if isinstance(student_id, int) else None, alert_id=alert_id)

        def done() -> None:
            self.set_filter("open")
            self._changed()
            if dlg.case_id is not None:
                self.select_case(dlg.case_id)

        dlg.accepted.connect(done)
        self._show(dlg)
        return dlg

    def open_incident_dialog(self) -> IncidentDialog:
        dlg = IncidentDialog(self.ctx, self)

        def done() -> None:
            self._changed()
            self.show_incidents()

        dlg.accepted.connect(done)
        self._show(dlg)
        return dlg

    def show_incidents(self) -> None:
        self.lists.setCurrentWidget(self.incidents)

    def open_incident(self, incident_id: int) -> IncidentDialogView:
        self.show_incidents()
        return self.incidents.open_incident(incident_id)

    def open_directory(self) -> DirectoryDialog:
        dlg = DirectoryDialog(self.session, self)
        self.dialog = dlg
        dlg.open()
        return dlg

    def export(self) -> bool:
        """The ledger as .xlsx, ordinary tier (a counselor is asked whether to include confidential notes)."""
        from pathlib import Path

        from app.crisis.export import export_xlsx
        from app.errors import XinqiaoError
        from ui.shell import dialogs, export_password

        path = dialogs.save_file(self, "导出危机干预与转介台账", "危机干预与转介台账.xlsx", "Excel 文件 (*.xlsx)")
        if not path:
            return False
        conf = can_read_confidential(self.session.account) and dialogs.ask(
            self, "导出台账", "是否包含保密记录？包含保密记录的文件必须妥善保管。", yes="包含", no="不包含")
        how = export_password.choose(self, self.session)
        if how is None:
            return False
        try:
            n = export_xlsx(self.session, Path(path), with_confidential=conf, password=how.password, plain=how.plain)
        except XinqiaoError as e:
            dialogs.error(self, "导出台账", e.message)
            return False
        dialogs.inform(self, "导出台账", f"已导出 {n} 个危机个案。{how.done_text}")
        return True

    def open_rules_dialog(self) -> RulesDialog:
        dlg = RulesDialog(self.session, self)
        dlg.accepted.connect(self._changed)
        self._show(dlg)
        return dlg

    def open_case_anywhere(self, case_id: int) -> None:
        """Show a case whatever the filter (from a search hit or the 工作台)."""
        self.lists.setCurrentWidget(self.table)
        if case_id not in self.case_ids():
            self.set_filter("all")
        if case_id in self.case_ids():
            self.select_case(case_id)

    def open_case_at_step(self, case_id: int, step_id: int) -> FormDialog | None:
        """From the 工作台: the case, with that step selected and the dialog that completes it open (the weekly
        follow-up's dialog for 复学后跟踪)."""
        if not does_student_work(self.session.account):
            return None
        self.open_case_anywhere(case_id)
        view = self.view
        if view.case is None or view.case.row.id != case_id or not view.select_step_id(step_id):
            return None
        step = view.selected_step()
        if step is not None and step.key == "follow_up":
            return view.open_follow_up_dialog()
        return view.open_step_dialog()

    def open_hit(self, hit: SearchHit) -> None:
        """A search hit of this page's sources (the window routes them here): the case, or the incident."""
        if hit.source == INCIDENT_SOURCE:
            if can_read_incidents(self.session.account):
                self.open_incident(int(hit.ref_id))
        elif does_student_work(self.session.account):
            self.open_case_anywhere(int(hit.ref_id))

    def open_draft(self, form_key: str, _student_id: int | None = None) -> QDialog | None:
        """未完成的记录 on the 工作台: the form the draft belongs to, refilled from it."""
        parts = form_key.split(":")
        kind = parts[1] if len(parts) > 1 else ""
        if parts[0] == "incident":
            if kind == "new":
                return self.open_incident_dialog()
            if kind == "amend" and parts[2].isdigit():
                return self.open_incident(int(parts[2])).open_amend_dialog()
            return None
        if kind == "rules":
            return self.open_rules_dialog()
        if kind == "case":
            if parts[2] == "alert":
                return self.open_case_from_alert(int(parts[3]))
            return self.open_new_case_dialog(int(parts[3]) if len(parts) > 3 else None)
        if len(parts) < 3 or not parts[2].isdigit():
            return None
        self.open_case_anywhere(int(parts[2]))
        view = self.view
        if kind in ("step", "skip") and len(parts) > 3:
            if not view.select_step_id(int(parts[3])):
                return None
            return view.open_step_dialog() if kind == "step" else view.open_skip_dialog()
        opener = getattr(view, f"open_{kind}_dialog", None)
        return opener() if callable(opener) else None

    def _show(self, dlg: FormDialog) -> None:
        self.dialog = dlg
        dlg.open()
