"""意外事件 record form: what happened, when and where, who was told and when (parents, school leaders, education
bureau, police), the follow-up, and optionally the student."""
from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QGridLayout, QLabel, QLineEdit, QWidget

from app.crisis.incidents import record_incident
from app.crisis.model import PARTY_LABELS
from ui.crisis.forms import FormDialog, StudentPicker, datetime_edit, iso_of, line, text_box
from ui.shell.context import AppContext

PARTIES = ("parents", "leaders", "bureau", "police")


class IncidentDialog(FormDialog):
    draft_label = "意外事件记录"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("意外事件记录", parent,
                         "学生因心理问题在校发生意外事件后：立即启动应急预案，第一时间联系家长，"
                         "在教育、公安等部门指导下核实情况。")
        self.ctx = ctx
        self.setMinimumWidth(760)
        self.occurred = datetime_edit()
        self.place = line(placeholder="地点")
        self.picker = StudentPicker(ctx)
        self.what = text_box("发生了什么")
        self.follow_up = text_box("后续处理")
        self.note = text_box("保密记录", confidential=True)
        self.form.addRow("发生时间", self.occurred)
        self.form.addRow("地点", self.place)
        self.form.addRow("涉及学生（可不选）", self.picker)
        self.form.addRow("经过", self.what)
        grid = QGridLayout()
        for col, head in enumerate(("已通知", "通知时间", "通知人", "方式/对方")):
            grid.addWidget(QLabel(head), 0, col)
        self.notices: dict[str, tuple[QCheckBox, QWidget, QLineEdit, QLineEdit]] = {}
        for row, party in enumerate(PARTIES, 1):
            box = QCheckBox(PARTY_LABELS[party])
            when = datetime_edit()
            by = line(placeholder="谁通知的")
            how = line(placeholder="电话/当面，对方姓名")
            for col, w in enumerate((box, when, by, how)):
                grid.addWidget(w, row, col)
            self.notices[party] = (box, when, by, how)
        holder = QWidget()
        holder.setLayout(grid)
        self.form.addRow("通知情况", holder)
        self.form.addRow("后续处理", self.follow_up)
        self.form.addRow("保密记录", self.note)
        self.incident_id: int | None = None
        self.submit = self._save
        self.use_drafts(ctx.session, "incident:new")

    def _save(self) -> None:
        notices = [{"party": p, "told_at": iso_of(when), "told_by": by.text(), "how": how.text()}  # type: ignore[arg-type]
                   for p, (box, when, by, how) in self.notices.items() if box.isChecked()]
        self.incident_id = record_incident(
            self.ctx.session, occurred_at=iso_of(self.occurred), what=self.what.toPlainText(), place=self.place.text(),
            student_id=self.picker.student_id, follow_up=self.follow_up.toPlainText(), note=self.note.toPlainText(),
            notices=notices)
