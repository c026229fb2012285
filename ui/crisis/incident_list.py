"""意外事件 in the window: the list (date, what happened in one line, who was told and when, linked case), an
incident opened for reading (notices, linked cases, amendment history) and amended with a reason (history kept).

Tiers follow app.crisis.incidents: counselors and managing accounts read incidents; the confidential note and
its amendments reach counselors only; only counselors amend."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.crisis.cases import list_cases
from app.crisis.incidents import (
    Incident,
    amend_and_notify,
    get_incident,
    incident_history,
    list_incidents,
    notices_line,
    one_line,
)
from app.crisis.model import PARTY_LABELS, short
from app.policy import can_read_confidential, can_read_incidents, does_student_work
from app.session import Session
from ui.crisis.forms import FormDialog, datetime_edit, iso_of, line, text_box
from ui.shell.flow import flow_bar
from ui.shell.theme import set_tone

COLUMNS = ("日期", "经过", "通知情况", "关联个案")
FIELD_LABELS = {"what": "经过", "follow_up": "后续处理", "place": "地点", "note": "保密记录"}


def can_read(session: Session) -> bool:
    return can_read_incidents(session.account)


def _table(columns: tuple[str, ...]) -> QTableWidget:
    t = QTableWidget(0, len(columns))
    t.setHorizontalHeaderLabels(columns)
    t.verticalHeader().hide()
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return t


def _case_labels(session: Session) -> dict[int, str]:
    if not does_student_work(session.account):  # a 管理员 reads incidents, not students' cases
        return {}
    return {c.id: f"编号 {c.id} {c.student_name}" for c in list_cases(session)}


class IncidentList(QWidget):
    """The incidents, newest first; Enter, a double click or 查看 opens one."""

    open_case = Signal(int)
    changed = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.incidents: list[Incident] = []
        self.dialog: QDialog | None = None
        self.table = _table(COLUMNS)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _i: self.open_selected())
        self.table.activated.connect(lambda _i: self.open_selected())
        self.view_button = QPushButton("查看…")
        self.view_button.clicked.connect(self.open_selected)
        self.count = QLabel()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(flow_bar([self.count], [self.view_button]))
        lay.addWidget(self.table, 1)

    def refresh(self) -> None:
        if self.session.locked or not can_read(self.session):
            return
        self.incidents = list_incidents(self.session)
        cases = _case_labels(self.session) if any(i.case_ids for i in self.incidents) else {}
        self.table.setRowCount(len(self.incidents))
        for r, inc in enumerate(self.incidents):
            values = (short(inc.occurred_at), one_line(inc.what), notices_line(inc),
                      "、".join(cases.get(c, f"编号 {c}") for c in inc.case_ids))
            for col, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, inc.id)
                if col == 1:
                    item.setToolTip(inc.what)
                self.table.setItem(r, col, item)
        self.count.setText(f"共 {len(self.incidents)} 起意外事件")
        self.view_button.setEnabled(bool(self.incidents))

    def rows(self) -> list[tuple[str, ...]]:
        return [tuple(self.table.item(r, c).text() for c in range(len(COLUMNS)))
                for r in range(self.table.rowCount())]

    def open_selected(self) -> IncidentDialogView | None:
        row = self.table.currentRow()
        if row < 0 and self.incidents:
            row = 0
        if row < 0:
            return None
        return self.open_incident(self.incidents[row].id)

    def open_incident(self, incident_id: int) -> IncidentDialogView:
        dlg = IncidentDialogView(self.session, incident_id, self)
        dlg.open_case.connect(self.open_case)
        dlg.changed.connect(self._changed)
        self.dialog = dlg
        dlg.open()
        return dlg

    def _changed(self) -> None:
        self.refresh()
        self.changed.emit()


class IncidentDialogView(QDialog):
    """One incident for reading; 修改 (counselors) amends it with a reason, the earlier values listed below."""

    open_case = Signal(int)
    changed = Signal()

    def __init__(self, session: Session, incident_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.incident_id = incident_id
        self.amend_dialog: IncidentAmendDialog | None = None
        self.setWindowTitle("意外事件")
        self.setMinimumWidth(720)
        self.details = QFormLayout()
        self.notices = _table(("通知对象", "通知时间", "通知人", "方式/对方"))
        self.notices.setFixedHeight(140)
        self.history = _table(("修改时间", "修改人", "内容", "原值 → 新值", "原因"))
        self.history.setFixedHeight(140)
        self.cases = QComboBox()
        self.case_button = QPushButton("打开关联个案")
        self.case_button.clicked.connect(self._open_case)
        self.amend_button = QPushButton("修改…")
        self.amend_button.clicked.connect(self.open_amend_dialog)
        self.amend_button.setVisible(can_read_confidential(session.account))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(self.details)
        lay.addWidget(QLabel("通知情况"))
        lay.addWidget(self.notices)
        lay.addWidget(flow_bar([QLabel("关联个案："), self.cases], [self.case_button, self.amend_button]))
        lay.addWidget(QLabel("修改记录"))
        lay.addWidget(self.history)
        lay.addWidget(buttons)
        self.incident = get_incident(session, incident_id, audit=True)
        self.show_incident(self.incident)

    def show_incident(self, inc: Incident) -> None:
        self.incident = inc
        while self.details.rowCount():
            self.details.removeRow(0)
        self.fields: dict[str, QLabel] = {}
        rows = [("occurred_at", "发生时间", short(inc.occurred_at)), ("place", "地点", inc.place or "—"),
                ("student", "涉及学生", inc.student_name or "—"), ("what", "经过", inc.what),
                ("follow_up", "后续处理", inc.follow_up or "—"),
                ("recorded", "记录", f"{inc.recorded_by} {short(inc.recorded_at)}")]
        if can_read_confidential(self.session.account):
            rows.insert(5, ("note", "保密记录", inc.note or "—"))
        for key, label, text in rows:
            value = QLabel(text)
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            if key == "note":
                set_tone(value, "confidential")
            self.fields[key] = value
            self.details.addRow(label, value)
        self.notices.setRowCount(len(inc.notices))
        for r, n in enumerate(inc.notices):
            for c, text in enumerate((n.party_label, short(n.told_at), n.told_by, n.how or n.contact)):
                self.notices.setItem(r, c, QTableWidgetItem(text))
        labels = _case_labels(self.session) if inc.case_ids else {}
        self.cases.clear()
        for c in inc.case_ids:
            self.cases.addItem(labels.get(c, f"编号 {c}"), c)
        if not inc.case_ids:
            self.cases.addItem("（无）", None)
        self.case_button.setEnabled(bool(inc.case_ids))
        history = incident_history(self.session, inc.id)
        self.history.setRowCount(len(history))
        for r, h in enumerate(history):
            for c, text in enumerate((short(h.at), h.by, FIELD_LABELS.get(h.field, h.field),
                                      f"{h.old_value} → {h.new_value}", h.reason)):
                self.history.setItem(r, c, QTableWidgetItem(text))

    def history_rows(self) -> list[tuple[str, ...]]:
        return [tuple(self.history.item(r, c).text() for c in range(5)) for r in range(self.history.rowCount())]

    def shown_text(self) -> str:
        """Everything the dialog shows (for tests of the tiers)."""
        parts = [w.text() for w in self.fields.values()] + [" ".join(r) for r in self.history_rows()]
        return " ".join(parts)

    def _open_case(self) -> None:
        case_id = self.cases.currentData()
        if case_id is not None:
            self.accept()
            self.open_case.emit(int(case_id))

    def open_amend_dialog(self) -> IncidentAmendDialog | None:
        if not can_read_confidential(self.session.account):
            return None
        dlg = IncidentAmendDialog(self.session, self.incident, self)
        dlg.accepted.connect(self._amended)
        self.amend_dialog = dlg
        dlg.open()
        return dlg

    def _amended(self) -> None:
        self.show_incident(get_incident(self.session, self.incident_id))
        self.changed.emit()


class IncidentAmendDialog(FormDialog):
    """Correct or complete an incident: the fields, a reason (required for a change), and optionally one more
    notice (someone told later, e.g. the education bureau the next morning)."""

    draft_label = "修改意外事件记录"

    def __init__(self, session: Session, incident: Incident, parent: QWidget | None = None) -> None:
        super().__init__("修改意外事件记录", parent, "修改后原来的内容仍会保留在修改记录中（谁、何时、为什么）。")
        self.session, self.incident = session, incident
        self.setMinimumWidth(640)
        self.place = line(incident.place, "地点")
        self.what = text_box("发生了什么")
        self.what.setPlainText(incident.what)
        self.follow_up = text_box("后续处理")
        self.follow_up.setPlainText(incident.follow_up)
        self.note = text_box("保密记录", confidential=True)
        self.note.setPlainText(incident.note)
        self.reason = line(placeholder="如：补充后续处理情况")
        self.party = QComboBox()
        self.party.addItem("（不补充）", None)
        for key, label in PARTY_LABELS.items():
            self.party.addItem(label, key)
        self.told_at = datetime_edit()
        self.told_by = line(placeholder="谁通知的")
        self.how = line(placeholder="电话/当面，对方姓名")
        self.form.addRow("地点", self.place)
        self.form.addRow("经过", self.what)
        self.form.addRow("后续处理", self.follow_up)
        self.form.addRow("保密记录", self.note)
        self.form.addRow("修改原因", self.reason)
        self.form.addRow("补充通知", self.party)
        self.form.addRow("通知时间", self.told_at)
        self.form.addRow("通知人", self.told_by)
        self.form.addRow("方式/对方", self.how)
        self.submit = self._save
        self.use_drafts(session, f"incident:amend:{incident.id}", student_id=incident.student_id)

    def changes(self) -> dict[str, str]:
        typed = {"place": self.place.text(), "what": self.what.toPlainText(),
                 "follow_up": self.follow_up.toPlainText(), "note": self.note.toPlainText()}
        was = {"place": self.incident.place, "what": self.incident.what, "follow_up": self.incident.follow_up,
               "note": self.incident.note}
        return {k: v for k, v in typed.items() if v.strip() != was[k]}

    def _save(self) -> None:
        party = self.party.currentData()
        notice = None if party is None else {"party": party, "told_at": iso_of(self.told_at),
                                             "told_by": self.told_by.text(), "how": self.how.text()}
        amend_and_notify(self.session, self.incident.id, self.reason.text(), self.changes(), notice)
