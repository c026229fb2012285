"""One crisis case: header, the steps as a checklist (who / when / due, overdue in red), the actions, and tabs
for the case's own timeline, the 复学 checklist and weekly follow-ups, and the amendment history."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QMenu,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.crisis.cases import CaseDetail, get_case
from app.crisis.model import StepView, short
from app.crisis.timeline import case_timeline, step_facts
from app.letters.records import LetterRequest
from app.policy import can_read_confidential
from app.session import Session
from ui.archive.timeline import TimelineWidget
from ui.crisis.dialogs import (
    AmendDialog,
    CloseDialog,
    DocumentsDialog,
    FollowUpDialog,
    LevelDialog,
    SkipDialog,
    StepDialog,
)
from ui.crisis.forms import FormDialog
from ui.shell.confidential import HIDDEN_MARK, reveal, reveal_button
from ui.shell.flow import flow_bar
from ui.shell.theme import set_role, set_tone
from ui.shell.views import fit_columns

OVERDUE = QColor("#c62828")
DONE = QColor("#137333")
MUTED = QColor("#888888")
LEVEL_COLORS = {"general": "#b06000", "severe": "#d93025", "major": "#a50e0e"}
STEP_COLUMNS = ("步骤", "状态", "截止\n本校设置", "完成时间", "经办人", "记录")   # two lines: fits beside the list


def due_label(when: str | None) -> str:
    """'2026-11-27T08:28' -> '11-27 08:28' in the current year (the lists stay narrow), else the full date."""
    from app import clock

    text = short(when)
    return text[5:] if text.startswith(f"{clock.today().year}-") else text


def _text(table: QTableWidget, row: int, col: int) -> str:
    item = table.item(row, col)
    return item.text() if item is not None else ""


def _is_red(table: QTableWidget, row: int) -> bool:
    item = table.item(row, 0)
    return item is not None and item.foreground().color() == OVERDUE


# The parent letter each step hands the family (app/letters; the crisis notice's receipt completes 家长签署).
STEP_LETTERS = {"notify_parents": "crisis-notice", "parent_consent": "crisis-notice", "referral": "referral",
                "return_assessment": "return-to-school"}


def _short_due(when: str | None) -> str:
    """'2026-10-13T09:00' -> '10-13 09:00' in the current year, else the full date and time."""
    from app import clock

    text = short(when)
    return text[5:] if text.startswith(f"{clock.today().year}-") else text


class CaseView(QWidget):
    changed = Signal()              # data changed through this view
    open_student = Signal(int)
    students_changed = Signal()     # a step changed a student's 学籍状态 (休学 / 复学)
    letter_requested = Signal(object)   # a LetterRequest: the parent letter of the selected step (家长告知书 page)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.writer = can_read_confidential(session.account)
        self.case: CaseDetail | None = None
        self.dialog: FormDialog | None = None
        self.revealed = False       # 显示保密内容 clicked for this case (hidden again for the next case)

        self.title = QLabel("请在左侧选择一个危机个案。")
        set_role(self.title, "title")
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.facts = QLabel()
        self.facts.setWordWrap(True)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.raised_by = QLabel()   # the same-day alert the case was opened from (counselors only)
        self.raised_by.setWordWrap(True)
        set_tone(self.raised_by, "error")
        self.raised_by.hide()
        self.note = QLabel()
        self.note.setWordWrap(True)
        set_tone(self.note, "confidential")
        self.note.hide()
        self.reveal_button = reveal_button(self.reveal_confidential)
        self.reveal_button.hide()
        self.archive_button = QPushButton("打开学生档案")
        self.archive_button.clicked.connect(lambda: self.case and self.open_student.emit(self.case.row.student_id))

        # The one primary action: the next step ("完成下一步：评估（截止 10-13 09:00）"); the other actions are in
        # the 更多操作 menu (the buttons stay as the menu's enabled-state holders, hidden).
        self.complete_button = QPushButton("完成下一步…")
        set_role(self.complete_button, "primary")
        self.skip_button = QPushButton("跳过所选步骤…")
        self.documents_button = QPushButton("复学材料与会议…")
        self.follow_button = QPushButton("每周跟踪…")
        self.level_button = QPushButton("调整等级…")
        self.close_button = QPushButton("结案…")
        self.amend_button = QPushButton("修改记录…")
        self.letter_button = QPushButton("打印家长告知书…")
        self.letter_button.setToolTip("通知家长、家长签署：心理危机告知书（回执交回之日完成“家长签署”）；"
                                      "转介：转介建议书；复学评估：复学告知书")
        self.letter_button.clicked.connect(self.request_letter)
        self.amend_button.clicked.connect(self.open_amend_dialog)
        self.complete_button.clicked.connect(self.open_step_dialog)
        self.skip_button.clicked.connect(self.open_skip_dialog)
        self.documents_button.clicked.connect(self.open_documents_dialog)
        self.follow_button.clicked.connect(self.open_follow_up_dialog)
        self.level_button.clicked.connect(self.open_level_dialog)
        self.close_button.clicked.connect(self.open_close_dialog)
        self.action_buttons = (self.complete_button, self.skip_button, self.documents_button, self.follow_button,
                               self.level_button, self.close_button, self.amend_button, self.letter_button)
        self.menu_buttons = self.action_buttons[1:]
        self.more_menu = QMenu(self)
        self.menu_actions: dict[QPushButton, QAction] = {}
        for b in self.menu_buttons:
            action = self.more_menu.addAction(b.text())
            action.triggered.connect(b.click)
            self.menu_actions[b] = action
        self.more_button = QPushButton("更多操作")
        self.more_button.setMenu(self.more_menu)
        self.complete_button.setVisible(self.writer)
        self.more_button.setVisible(self.writer)
        for b in self.menu_buttons:
            b.setVisible(False)
        actions = flow_bar([self.complete_button, self.more_button],
                           [self.reveal_button, self.archive_button])   # wraps, never clips

        self.steps = QTableWidget(0, len(STEP_COLUMNS))
        self.steps.setHorizontalHeaderLabels(STEP_COLUMNS)
        self.steps.verticalHeader().hide()
        self.steps.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.steps.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.steps.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # 记录 takes the spare width (whole text on hover); beside the case list at 1024×768, 经办人 then 完成时间 give
        # way (both are in every step's tooltip and in the case's timeline).
        fit_columns(self.steps, STEP_COLUMNS.index("记录"),
                    optional=(STEP_COLUMNS.index("经办人"), STEP_COLUMNS.index("完成时间")))
        self.steps.itemSelectionChanged.connect(self._update_buttons)
        self.steps.itemDoubleClicked.connect(self._double_clicked)

        self.tabs = QTabWidget()
        self.timeline = TimelineWidget(session=session if self.writer else None)
        self.materials = QTableWidget(0, 3)
        self.materials.setHorizontalHeaderLabels(("项目", "日期", "情况"))
        self.materials.verticalHeader().hide()
        self.materials.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        fit_columns(self.materials, 2)
        self.history = QTableWidget(0, 5)
        self.history.setHorizontalHeaderLabels(("时间", "修改人", "内容", "原值 → 新值", "原因"))
        self.history.verticalHeader().hide()
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        fit_columns(self.history, (3, 4), optional=(1,))   # 修改人 gives way first: it is in the row's tooltip
        self.tabs.addTab(self.timeline, "个案时间线")
        self.tabs.addTab(self.materials, "复学材料与跟踪")
        self.tabs.addTab(self.history, "修改与等级记录")

        lay = QVBoxLayout(self)
        lay.addWidget(self.title)
        lay.addWidget(self.facts)
        lay.addWidget(self.summary)
        lay.addWidget(self.raised_by)
        lay.addWidget(self.note)
        lay.addWidget(actions)
        lay.addWidget(self.steps, 3)
        lay.addWidget(self.tabs, 2)
        self._update_buttons()

    # -- showing ------------------------------------------------------------------------------------------------
    def show_case(self, case_id: int) -> None:
        if self.case is None or self.case.row.id != case_id:
            self.revealed = False
        self.case = get_case(self.session, case_id)
        c = self.case
        r = c.row
        color = LEVEL_COLORS.get(r.level, "#000")
        self.title.setText(f"{r.student_name} <span style='color:{color}'>{r.level_label}心理危机</span>"
                           f" · {r.status_label}")
        self.facts.setText(f"编号 {r.id} · {r.class_name} · 学籍号 {r.registry_no} · 来源：{r.source_label} · "
                           f"负责人：{r.owner} · 发现时间：{short(r.opened_at)}"
                           + (f" · 结案：{short(r.closed_at)}" if r.closed_at else ""))
        self.summary.setText(f"概况：{r.summary}")
        self.raised_by.setText(c.raised_by)
        self.raised_by.setVisible(bool(c.raised_by))
        hide = self._hiding(c)
        notes = [f"保密记录：{c.note}"] if c.note else []
        if c.closing_note:
            notes.append(f"结案说明：{c.closing_note}")
        self.note.setText("\n".join(notes))
        self.note.setVisible(bool(notes) and not hide)
        self._fill_steps(c.steps)
        self._fill_materials(c)
        self._fill_history(c)
        self.timeline.set_events(case_timeline(self.session, case_id, audit=False),   # get_case audited
                                 target=f"crisis_case:{case_id}")
        if self.revealed:
            self.timeline.model.show_confidential()
            self.timeline.reveal_button.hide()
        self.reveal_button.setVisible(hide)
        nxt = self.next_step()
        if nxt is not None:
            self.select_step_id(nxt.id)        # the case opens at its next step
        self._update_buttons()

    def _hiding(self, c: CaseDetail) -> bool:
        """True while the case holds confidential text that 显示保密内容 has not shown yet."""
        if self.revealed or not c.confidential:
            return False
        return bool(c.note or c.closing_note or any(s.note for s in c.steps) or any(m.note for m in c.meetings)
                    or any(f.note for f in c.follow_ups) or any(x.reason for x in c.level_changes)
                    or any(h.tier != "ordinary" for h in c.history))

    def _conf(self, text: str) -> str:
        """Confidential text as shown: itself once revealed, else the hidden mark."""
        return text if self.revealed or not text else HIDDEN_MARK

    def reveal_confidential(self) -> bool:
        """显示保密内容 for this case: one audit line (app.archive.reveal), then every part shows its text."""
        if self.case is None:
            return False
        if self.revealed:
            return True
        if not reveal(self, self.session, f"crisis_case:{self.case.row.id}", "危机个案的保密记录"):
            return False
        self.revealed = True
        self.show_case(self.case.row.id)
        return True

    def _fill_steps(self, steps: list[StepView]) -> None:
        self.steps.setRowCount(len(steps))
        bold = QFont()
        bold.setBold(True)
        for row, s in enumerate(steps):
            mark = {"done": "✓ ", "skipped": "— "}.get(s.status, "□ ")
            status = "已逾期" if s.overdue else s.status_label   # red and bold besides
            facts = step_facts(s.key, s.data) if s.status == "done" else ""
            record = "；".join(p for p in (facts, s.summary,
                                          f"跳过理由：{s.skip_reason}" if s.skip_reason else "",
                                          f"保密：{self._conf(s.note)}" if s.note else "") if p)
            due = due_label(s.due_at) if s.due_at else ("—" if not s.required or s.finished else "待上一步完成")
            values = (mark + s.name, status, due, due_label(s.done_at), s.done_by, record)
            done = f"完成：{short(s.done_at)} {s.done_by}".rstrip() if s.done_at else ""
            for col, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, s.id)
                if col == len(values) - 1 and text:
                    item.setToolTip(text)
                elif done:
                    item.setToolTip(done)
                if s.overdue:
                    item.setForeground(QBrush(OVERDUE))
                    item.setFont(bold)
                elif s.status == "done":
                    item.setForeground(QBrush(DONE))
                elif s.status == "skipped" or not s.required:
                    item.setForeground(QBrush(MUTED))
                self.steps.setItem(row, col, item)

    def _fill_materials(self, c: CaseDetail) -> None:
        rows: list[tuple[str, str, str]] = []
        for d in c.documents:
            rows.append((d.name, d.received_on or "", "已收到" if d.received_on else "未收到"))
        for m in c.meetings:
            rows.append(("复学评估会议", short(m.held_at),
                         m.participants + (f"；{self._conf(m.note)}" if m.note else "")))
        for f in c.follow_ups:
            state = f"{f.summary}（{f.done_by}）" if f.done_on else ("应在 " + f.due_on + " 前" if f.due_on else "")
            rows.append((f"复学后跟踪第 {f.week} 周", f.done_on or "", state + (f"；保密：{self._conf(f.note)}" if f.note else "")))
        self.materials.setRowCount(len(rows))
        for r, values in enumerate(rows):
            for col, text in enumerate(values):
                self.materials.setItem(r, col, QTableWidgetItem(text))

    def _fill_history(self, c: CaseDetail) -> None:
        from app.crisis.rules import level_label

        rows = [(short(x.at), x.by, "危机等级", f"{level_label(x.from_level)} → {level_label(x.to_level)}",
                 self._conf(x.reason)) for x in c.level_changes]
        rows += [(short(h.at), h.by, f"{h.entity}.{h.field}",
                  f"{h.old_value} → {h.new_value}" if h.tier == "ordinary" else self._conf(f"{h.old_value} → {h.new_value}"),
                  h.reason if h.tier == "ordinary" else self._conf(h.reason)) for h in c.history]
        self.history.setRowCount(len(rows))
        for r, values in enumerate(rows):
            for col, text in enumerate(values):
                item = QTableWidgetItem(text)
                if col < 3:
                    item.setToolTip(f"{values[0]} {values[1]} 修改了{values[2]}")
                self.history.setItem(r, col, item)

    # -- state ----------------------------------------------------------------------------------------------
    def selected_step(self) -> StepView | None:
        if self.case is None or not self.steps.selectedItems():
            return None
        sid = self.steps.selectedItems()[0].data(Qt.ItemDataRole.UserRole)
        return next((s for s in self.case.steps if s.id == sid), None)

    def next_step(self) -> StepView | None:
        """The first open required step of an open case (the case list's 下一步)."""
        if self.case is None or self.case.row.status != "open":
            return None
        return next((s for s in self.case.steps if s.status == "open" and s.required), None)

    def select_step_id(self, step_id: int) -> bool:
        if self.case is None:
            return False
        ids = [s.id for s in self.case.steps]
        if step_id not in ids:
            return False
        self.steps.selectRow(ids.index(step_id))
        return True

    def select_step(self, key: str) -> None:
        assert self.case is not None
        row = [s.key for s in self.case.steps].index(key)
        self.steps.selectRow(row)

    def step_rows(self) -> list[tuple[str, ...]]:
        """The checklist as shown (for tests)."""
        return [tuple(_text(self.steps, r, c) for c in range(self.steps.columnCount()))
                for r in range(self.steps.rowCount())]

    def overdue_rows(self) -> list[int]:
        return [r for r in range(self.steps.rowCount()) if _is_red(self.steps, r)]

    def _update_buttons(self) -> None:
        case_open = self.case is not None and self.case.row.status == "open"
        step = self.selected_step()
        can_step = case_open and step is not None and step.status == "open" and step.key not in ("closing",)
        self.complete_button.setEnabled(can_step and step is not None and step.key != "follow_up")
        self.skip_button.setEnabled(can_step and step is not None and step.key != "discovery")
        has = {s.key for s in self.case.steps} if self.case else set()
        self.documents_button.setEnabled(case_open and "return_assessment" in has)
        self.follow_button.setEnabled(case_open and "follow_up" in has)
        self.level_button.setEnabled(case_open)
        self.close_button.setEnabled(case_open)
        self.amend_button.setEnabled(case_open)
        self.archive_button.setEnabled(self.case is not None)
        shown = self.writer and self.case is not None   # no case: no row of disabled buttons
        self.complete_button.setVisible(shown)
        self.more_button.setVisible(shown)
        self.archive_button.setVisible(self.case is not None)
        self.letter_button.setEnabled(case_open and step is not None and step.key in STEP_LETTERS)
        for b, action in self.menu_actions.items():
            action.setEnabled(b.isEnabled())
        self.complete_button.setText(self._complete_text(step))

    def _complete_text(self, step: StepView | None) -> str:
        """"完成下一步：评估（截止 10-13 09:00）", or 完成所选步骤 for another open step."""
        if step is None or step.status != "open" or step.key in ("closing", "follow_up"):
            return "完成下一步…"
        due = f"（截止 {_short_due(step.due_at)}）" if step.due_at else ""
        nxt = self.next_step()
        lead = "完成下一步" if nxt is not None and nxt.id == step.id else "完成所选步骤"
        return f"{lead}：{step.name}{due}"

    def _double_clicked(self, item: QTableWidgetItem) -> None:
        self.steps.selectRow(item.row())
        self.open_selected_step()

    def open_selected_step(self) -> FormDialog | None:
        """Double-click on a step: its dialog (the weekly follow-up's for 复学后跟踪)."""
        step = self.selected_step()
        if step is not None and step.key == "follow_up":
            return self.open_follow_up_dialog()
        return self.open_step_dialog()

    def request_letter(self) -> LetterRequest | None:
        """The selected step's parent letter, for this case's student (the letters page opens it)."""
        step = self.selected_step()
        if self.case is None or step is None or step.key not in STEP_LETTERS:
            return None
        request = LetterRequest(STEP_LETTERS[step.key], self.case.row.student_id)
        self.letter_requested.emit(request)
        return request

    # -- dialogs (non-blocking: tests fill them through their widgets) ---------------------------------------
    def _open(self, dlg: FormDialog) -> FormDialog:
        dlg.accepted.connect(self._after_change)
        self.dialog = dlg
        dlg.open()
        return dlg

    def _after_change(self) -> None:
        if self.case is not None:
            self.show_case(self.case.row.id)
        self.changed.emit()

    def open_step_dialog(self) -> StepDialog | None:
        step = self.selected_step()
        if self.case is None or step is None or not self.complete_button.isEnabled():
            return None
        dlg = StepDialog(self.session, self.case, step, self)
        self._open(dlg)
        dlg.accepted.connect(lambda: dlg.school_status and self.students_changed.emit())
        return dlg

    def open_skip_dialog(self) -> SkipDialog | None:
        step = self.selected_step()
        if step is None or not self.skip_button.isEnabled():
            return None
        dlg = SkipDialog(self.session, step, self, case_id=self.case.row.id if self.case is not None else None)
        self._open(dlg)
        return dlg

    def open_documents_dialog(self) -> DocumentsDialog | None:
        if self.case is None or not self.documents_button.isEnabled():
            return None
        dlg = DocumentsDialog(self.session, self.case, self)
        self._open(dlg)
        return dlg

    def open_follow_up_dialog(self) -> FollowUpDialog | None:
        if self.case is None or not self.follow_button.isEnabled():
            return None
        dlg = FollowUpDialog(self.session, self.case, self)
        self._open(dlg)
        return dlg

    def open_level_dialog(self) -> LevelDialog | None:
        if self.case is None or not self.level_button.isEnabled():
            return None
        dlg = LevelDialog(self.session, self.case, self)
        self._open(dlg)
        return dlg

    def open_close_dialog(self) -> CloseDialog | None:
        if self.case is None or not self.close_button.isEnabled():
            return None
        dlg = CloseDialog(self.session, self.case, self)
        self._open(dlg)
        return dlg

    def open_amend_dialog(self) -> AmendDialog | None:
        if self.case is None or not self.amend_button.isEnabled():
            return None
        dlg = AmendDialog(self.session, self.case, self)
        self._open(dlg)
        return dlg
