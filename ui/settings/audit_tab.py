"""审计日志: recent entries as sentences (who, when, what, which student by name and class), filtered by person,
student, kind and date; and a 校验 button (the hash chain and the database's integrity)."""
from __future__ import annotations

from PySide6.QtCore import QDate
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import clock
from app.audit.log import ACTION_LABELS
from app.audit.reading import AuditFilter, AuditLine, entries, people, readable
from app.audit.sentences import VERBS
from app.backups import VaultCheck, verify_vault
from ui.settings.common import cell, make_table
from ui.shell import dialogs, tasks
from ui.shell.context import AppContext
from ui.shell.student_picker import StudentPicker
from ui.shell.theme import set_tone
from ui.shell.views import fit_columns

COLUMNS = ["时间", "人员", "类别", "学生", "事情"]


class AuditTab(QWidget):
    LIMIT = 300

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        lay = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(QLabel("人员："))
        self.person = QComboBox()
        self.person.addItem("全部", None)
        self.person.currentIndexChanged.connect(self.refresh)
        row.addWidget(self.person)
        row.addWidget(QLabel("类别："))
        self.action = QComboBox()
        self.action.addItem("全部", None)
        for key, label in ACTION_LABELS.items():
            self.action.addItem(label, key)
        for key in VERBS:
            if key not in ACTION_LABELS:
                self.action.addItem(VERBS[key].rstrip("："), key)
        self.action.currentIndexChanged.connect(self.refresh)
        for combo in (self.person, self.action):    # long kind names must not widen the page
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(8)
        row.addWidget(self.action)
        self.by_date = QCheckBox("日期：")
        today = clock.today()
        self.since = QDateEdit(QDate(today.year, today.month, 1))
        self.until = QDateEdit(QDate(today.year, today.month, today.day))
        for d in (self.since, self.until):
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")
            d.setEnabled(False)
            d.dateChanged.connect(lambda _d: self.by_date.isChecked() and self.refresh())
        self.by_date.toggled.connect(self._date_toggled)
        row.addWidget(self.by_date)
        row.addWidget(self.since)
        row.addWidget(QLabel("至"))
        row.addWidget(self.until)
        row.addStretch(1)
        self.refresh_button = QPushButton("刷新")
        self.refresh_button.clicked.connect(self.refresh)
        self.verify_button = QPushButton("校验")
        self.verify_button.setToolTip("校验审计日志的哈希链和数据库的完整性")
        self.verify_button.clicked.connect(self.verify)
        lay.addLayout(row)
        who_row = QHBoxLayout()
        who_row.addWidget(QLabel("学生："))
        self.student = StudentPicker(ctx)
        self.student.chosen.connect(lambda _sid: self.refresh())
        self.clear_student = QPushButton("全部学生")
        self.clear_student.clicked.connect(self._clear_student)
        who_row.addWidget(self.student, 1)
        who_row.addWidget(self.clear_student)
        who_row.addWidget(self.refresh_button)      # on the second row: the filters fit a 1024-pixel screen
        who_row.addWidget(self.verify_button)
        lay.addLayout(who_row)
        self.table = make_table(COLUMNS, stretch=4)
        # 事情 (the sentence) takes the spare width, whole on hover; the sentence names the person and the student,
        # so when the columns cannot all fit, 学生 then 人员 give way to it
        fit_columns(self.table, 4, optional=(3, 1))
        lay.addWidget(self.table, 1)
        self.result_label = QLabel("")
        lay.addWidget(self.result_label)
        self.last_result: VaultCheck | None = None
        self.lines: list[AuditLine] = []
        self._wanted: AuditFilter | None = None
        # Read when shown (showEvent), not while hidden behind another page or tab.
        ctx.unlocked.connect(lambda: self.refresh() if self.isVisible() else None)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        self.refresh()

    def _date_toggled(self, on: bool) -> None:
        self.since.setEnabled(on)
        self.until.setEnabled(on)
        self.refresh()

    def _clear_student(self) -> None:
        self.student.set_student(None)
        self.student.edit.clear()
        self.refresh()

    def current_filter(self) -> AuditFilter:
        dated = self.by_date.isChecked()
        return AuditFilter(account=self.person.currentData(), action=self.action.currentData(),
                           student_id=self.student.student_id,
                           since=self.since.date().toPython() if dated else None,
                           until=self.until.date().toPython() if dated else None)

    def _fill_people(self, who: dict[str, str]) -> None:
        keep = self.person.currentData()
        self.person.blockSignals(True)
        self.person.clear()
        self.person.addItem("全部", None)
        for username, label in who.items():
            self.person.addItem(label, username)
        index = self.person.findData(keep)
        self.person.setCurrentIndex(max(0, index))
        self.person.blockSignals(False)

    def refresh(self) -> tasks.Task | None:
        """Read the newest entries off the UI thread: with a filter on a rare action in a log of hundreds of
        thousands of entries the query scans them all (~50 ms per 200,000)."""
        if self.ctx.session.locked:
            return None
        db, flt = self.ctx.session.db, self.current_filter()
        self._wanted = flt
        limit = self.LIMIT

        def work(_p: tasks.Progress) -> tuple[AuditFilter, list[AuditLine], dict[str, str]]:
            return flt, readable(db, entries(db, flt, limit)), people(db)

        return tasks.run_task(self, work, self._show, self._read_failed, show_progress=False)

    def _read_failed(self, exc: BaseException) -> None:
        if self.ctx.session.locked:
            return  # locked or closed while reading: the next showing reads again
        from ui.shell.errors import show_error

        show_error(self, exc)

    def _show(self, result: tuple[AuditFilter, list[AuditLine], dict[str, str]]) -> None:
        flt, lines, who = result
        if flt != self._wanted or self.ctx.session.locked:
            return  # a newer refresh is on its way
        self._fill_people(who)
        self.lines = lines
        self.table.setRowCount(len(lines))
        for r, x in enumerate(lines):
            # the 人员 column names who: the row's 事情 starts at the verb (the whole sentence on hover)
            what = x.sentence[len(x.who):] if x.who and x.sentence.startswith(x.who) else x.sentence
            values = (x.at.replace("T", " ")[:16], x.who, x.kind, x.student, what)
            for c, v in enumerate(values):
                item = cell(v)
                if c == 4:
                    item.setToolTip(x.sentence)
                self.table.setItem(r, c, item)

    def verify(self) -> tasks.Task:
        session = self.ctx.session

        def work(_p: tasks.Progress) -> VaultCheck:
            return verify_vault(session)

        self.verify_button.setEnabled(False)
        return tasks.run_task(self, work, self._verified, self._verify_failed, label="正在校验……")

    def _verify_failed(self, exc: BaseException) -> None:
        from ui.shell.errors import show_error

        self.verify_button.setEnabled(True)
        show_error(self, exc)

    def _verified(self, result: VaultCheck) -> None:
        self.verify_button.setEnabled(True)
        self.last_result = result
        if result.ok:
            text = f"校验通过：审计日志 {result.entries} 条，哈希链完整；数据库完整性检查通过。"
            set_tone(self.result_label, "ok")
        else:
            parts = []
            if result.broken_at is not None:
                parts.append(f"审计日志在第 {result.broken_at} 条处被改动，哈希链断开")
            if result.problems:
                parts.append(f"数据库完整性检查发现问题：{result.problems[0]}")
            if result.cut:
                parts.append(result.cut)
            text = "校验未通过：" + "；".join(parts) + "。请立即备份现有数据并联系技术支持。"
            set_tone(self.result_label, "error")
        self.result_label.setText(text)
        if not result.ok:
            dialogs.warn(self, "校验未通过", text)
