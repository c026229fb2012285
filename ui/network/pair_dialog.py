"""朋辈结对: a focus student and a peer, each picked by typing a name, pinyin initials or a registry number (the
shared student picker lists class and registry number, so two students of one name are told apart), from when to
when."""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QDateEdit, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget

from app import clock
from app.errors import XinqiaoError
from app.network.people import add_pair
from ui.shell.context import AppContext
from ui.shell.forms import DraftDialog
from ui.shell.student_picker import StudentPicker
from ui.shell.theme import set_tone


class PairDialog(DraftDialog):
    saved = Signal(int)
    draft_label = "朋辈结对"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("新建朋辈结对")
        self.setMinimumWidth(560)   # a match shows name, class and registry number whole
        self.student = StudentPicker(ctx)
        self.student.edit.setAccessibleName("需要支持的学生")
        self.peer = StudentPicker(ctx)
        self.peer.edit.setAccessibleName("结对同伴")
        today = clock.today()
        self.start = QDateEdit(QDate(today.year, today.month, today.day))
        self.start.setCalendarPopup(True)
        self.start.setDisplayFormat("yyyy-MM-dd")
        self.start.setAccessibleName("开始日期")
        self.end = QLineEdit()
        self.end.setPlaceholderText("如 2027-01-15，可留空")
        self.end.setAccessibleName("结束日期")
        self.error = QLabel()
        set_tone(self.error, "error")
        self.error.setWordWrap(True)
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("保存")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("需要支持的学生：", self.student)
        form.addRow("结对同伴：", self.peer)
        form.addRow("开始日期：", self.start)
        form.addRow("结束日期：", self.end)
        form.addRow(self.error)
        form.addRow(self.buttons)
        for a, b in ((self.student.edit, self.peer.edit), (self.peer.edit, self.start), (self.start, self.end)):
            QWidget.setTabOrder(a, b)
        self.use_drafts(ctx.session, "network:pair:new")

    def _fail(self, text: str) -> bool:
        self.error.setText(text)
        self.error.show()
        return False

    def save(self) -> bool:
        sid, peer = self.student.student_id, self.peer.student_id
        if sid is None:
            return self._fail("请选择需要支持的学生：输入姓名、拼音首字母或学籍号，在列表中选中。")
        if peer is None:
            return self._fail("请选择结对同伴：输入姓名、拼音首字母或学籍号，在列表中选中。")
        d = self.start.date()
        try:
            pid = add_pair(self.ctx.session, sid, peer, dt.date(d.year(), d.month(), d.day()),
                           end_date=self.end.text().strip())
        except XinqiaoError as e:
            return self._fail(e.message)
        self.saved.emit(pid)
        self.accept()
        return True
