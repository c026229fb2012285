"""复核访谈 dialog: confirmed level, reason (confidential), next step, the note to the head teacher and whether they
see the category; offers a support plan after confirmation."""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from app import clock
from app.errors import XinqiaoError
from app.screening.grading import NEXT_STEPS, level_label
from app.screening.interviews import Interview, record_interview
from app.screening.ledger import LedgerRow
from app.session import Session
from ui.shell import dialogs
from ui.shell.forms import DraftDialog


class InterviewDialog(DraftDialog):
    draft_label = "复核访谈"

    def __init__(self, session: Session, row: LedgerRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.row = row
        self.saved: Interview | None = None
        self.setWindowTitle(f"复核访谈 — {row.name}")
        form = QFormLayout(self)
        form.addRow("学生", QLabel(f"{row.name}（{row.class_name}，{row.registry_no}）"))
        basis = QLabel(f"{level_label(row.provisional_level)}：{row.basis}；{row.scores}")
        basis.setWordWrap(True)  # a critical item's wording is long: wrap, never clip
        form.addRow("初评", basis)
        self.setMinimumWidth(560)
        self.level = QComboBox()
        for lv in (1, 2, 3):
            self.level.addItem(level_label(lv), lv)
        self.level.addItem("无（解除）", 0)
        self.level.setCurrentIndex(self.level.findData(row.level or row.provisional_level))
        form.addRow("复核等级", self.level)
        self.next_step = QComboBox()
        self.next_step.addItems(NEXT_STEPS)
        form.addRow("下一步", self.next_step)
        self.reason = QPlainTextEdit()
        self.reason.setPlaceholderText("访谈要点与判断理由（保密，仅心理教师可见）")
        form.addRow("复核理由", self.reason)
        today = clock.today()
        self.date = QDateEdit(QDate(today.year, today.month, today.day))
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        form.addRow("访谈日期", self.date)
        self.responsible = QLineEdit(session.account.label)
        form.addRow("责任人", self.responsible)
        # What the head teacher is told once reviewed: "重点关注" and this note; never scores or the rule.
        self.teacher_note = QPlainTextEdit(row.teacher_note)
        self.teacher_note.setPlaceholderText("例如：留意课间独处和作业变化，有异常当天告诉心理教师；多给予肯定（班主任可见）")
        self.teacher_note.setMaximumHeight(72)
        form.addRow("给班主任的提示", self.teacher_note)
        self.share_category = QCheckBox(f"向班主任显示类别（{row.category or '无'}）")
        self.share_category.setChecked(row.category_shared)
        self.share_category.setToolTip("班主任默认只看到“重点关注”和上面的提示；勾选后也能看到类别。此选择记入审计日志。")
        form.addRow("", self.share_category)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("保存")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.level.currentIndexChanged.connect(self._sync_step)
        self.use_drafts(session, f"interview:{row.entry_id}", student_id=row.student_id)

    def _sync_step(self) -> None:
        if self.level.currentData() == 0:
            self.next_step.setCurrentText("解除")

    def save(self) -> None:
        d = self.date.date()
        try:
            self.saved = record_interview(self.session, self.row.entry_id, confirmed_level=self.level.currentData(),
                                          reason=self.reason.toPlainText(), next_step=self.next_step.currentText(),
                                          held_on=dt.date(d.year(), d.month(), d.day()),
                                          responsible=self.responsible.text().strip(),
                                          teacher_note=self.teacher_note.toPlainText(),
                                          share_category=self.share_category.isChecked())
        except XinqiaoError as e:
            dialogs.warn(self, "未保存", e.message)
            return
        self.accept()
