"""一生一策: the support plan editor. Every save is a new version; earlier versions are shown read-only.

Counselors only. Opening the tab for a student writes one ``view_confidential`` audit entry per opening.
"""
from __future__ import annotations

import datetime as dt
import html

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app import clock
from app.archive.plans import PLAN_FIELDS, SupportPlan, plan_versions, save_plan, view_plan
from app.errors import XinqiaoError
from app.session import Session
from ui.archive.models import short_time
from ui.shell.confidential import ConfidentialCover
from ui.shell.forms import SKIP_PROPERTY, DraftForm
from ui.shell.theme import set_tone

DEFAULT_REVIEW_DAYS = 90


def plan_html(plan: SupportPlan) -> str:
    parts = [f"<h3>第 {plan.version} 版</h3>",
             f"<p style='color:#666'>{html.escape(short_time(plan.created_at))}　{html.escape(plan.created_by)}"
             f"　复查日期 {html.escape(plan.review_date)}</p>"]
    if plan.change_reason:
        parts.append(f"<p><b>修改原因：</b>{html.escape(plan.change_reason)}</p>")
    for key, label in PLAN_FIELDS.items():
        text = html.escape(getattr(plan, key) or "—").replace("\n", "<br>")
        parts.append(f"<p><b>{label}</b><br>{text}</p>")
    return "".join(parts)


class PlanTab(QWidget, DraftForm):
    """Always a form once opened for a student (``plan:<student>``): a draft of what is typed, restored when the
    student's plan opens again."""

    changed = Signal()  # a new version was saved
    draft_label = "一生一策"

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.student_id: int | None = None
        self.registry_no = ""
        self.versions: list[SupportPlan] = []

        self.edits: dict[str, QPlainTextEdit] = {}
        form_box = QWidget()
        form = QFormLayout(form_box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for key, label in PLAN_FIELDS.items():
            edit = QPlainTextEdit()
            edit.setTabChangesFocus(True)
            edit.setMinimumHeight(64)
            self.edits[key] = edit
            form.addRow(f"{label}：", edit)
        self.review_date = QDateEdit()
        self.review_date.setCalendarPopup(True)
        self.review_date.setDisplayFormat("yyyy-MM-dd")
        form.addRow("复查日期：", self.review_date)
        self.reason_label = QLabel("修改原因：")
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("修订已有方案时必填，例如：期中后情况变化")
        form.addRow(self.reason_label, self.reason)
        self.save_button = QPushButton("保存为新版本（Ctrl+S）")
        self.save_button.clicked.connect(self.save)
        self.message = QLabel()
        self.message.setWordWrap(True)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(form_box)
        # The save row stays below the scrolling form: on a 768-pixel screen it is always in sight.
        left = QWidget()
        left_lay = QVBoxLayout(left)
        left_lay.setContentsMargins(0, 0, 0, 0)
        left_lay.addWidget(scroll, 1)
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addWidget(self.message, 1)
        left_lay.addLayout(row)

        self.version_list = QListWidget()
        self.version_list.setProperty(SKIP_PROPERTY, True)   # browsing versions is not typing
        self.version_view = QTextBrowser()
        self.version_list.currentRowChanged.connect(self._show_version)
        history = QGroupBox("历史版本（只读）")
        hl = QVBoxLayout(history)
        hl.addWidget(self.version_list, 1)
        hl.addWidget(self.version_view, 3)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(history)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        # The plan is confidential: hidden behind 显示保密内容 until asked for (per student), the reveal audited.
        self.cover = ConfidentialCover(splitter, session, "一生一策方案")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.cover)

    # -- loading -----------------------------------------------------------------------------------
    def open_for(self, student_id: int, registry_no: str) -> None:
        """The tab was opened for this student: log the confidential view, then load the plan."""
        same_student = student_id == self.student_id
        self.student_id = student_id
        self.registry_no = registry_no
        self.versions = view_plan(self.session, student_id)
        if not same_student or not self.cover.shown:
            if self.versions:
                self.cover.conceal(f"student:{registry_no}")
            else:
                self.cover.show_plainly()     # no plan yet: nothing to hide, the form to write the first
        self._fill_versions()
        if not same_student or not self._dirty():
            self._fill_form(self.versions[0] if self.versions else None)
            if self.use_drafts(self.session, f"plan:{student_id}", student_id=student_id):
                self.message.setText("已恢复上次未保存的内容。")
                set_tone(self.message, "warn")

    def _dirty(self) -> bool:
        current = self.versions[0] if self.versions else None
        for key, edit in self.edits.items():
            if edit.toPlainText().strip() != (getattr(current, key) if current else "").strip():
                return True
        return bool(self.reason.text().strip())

    def _fill_form(self, plan: SupportPlan | None) -> None:
        for key, edit in self.edits.items():
            edit.setPlainText(getattr(plan, key) if plan else "")
        review = clock.today() + dt.timedelta(days=DEFAULT_REVIEW_DAYS)
        if plan is not None:
            try:
                review = dt.date.fromisoformat(plan.review_date)
            except ValueError:
                pass
        self.review_date.setDate(QDate(review.year, review.month, review.day))
        self.reason.clear()
        has_versions = bool(self.versions)
        self.reason_label.setVisible(has_versions)
        self.reason.setVisible(has_versions)
        self.message.setText("" if has_versions else "该生还没有一生一策方案，填写后保存即为第 1 版。")
        set_tone(self.message, "muted")

    def _fill_versions(self) -> None:
        self.version_list.clear()
        for p in self.versions:
            item = QListWidgetItem(f"第 {p.version} 版　{short_time(p.created_at)[:10]}　{p.created_by}")
            self.version_list.addItem(item)
        if self.versions:
            self.version_list.setCurrentRow(0)
        else:
            self.version_view.setHtml("<p style='color:#666'>暂无历史版本。</p>")

    def _show_version(self, row: int) -> None:
        if 0 <= row < len(self.versions):
            self.version_view.setHtml(plan_html(self.versions[row]))

    # -- saving ------------------------------------------------------------------------------------
    def save(self) -> bool:
        if self.student_id is None:
            return False
        if self.versions and not self.reason.text().strip():
            self._error("修改已有方案时请填写修改原因。")
            self.reason.setFocus()
            return False
        content = {key: edit.toPlainText() for key, edit in self.edits.items()}
        try:
            saved = save_plan(self.session, self.student_id, review_date=self.review_date.date().toString("yyyy-MM-dd"),
                              change_reason=self.reason.text(), **content)
        except XinqiaoError as e:
            self._error(str(e))
            return False
        self.versions = plan_versions(self.session, self.student_id)
        self._fill_versions()
        self._fill_form(self.versions[0] if self.versions else None)
        self.draft_saved()
        self.message.setText(f"已保存为第 {saved.version} 版。")
        set_tone(self.message, "ok")
        self.changed.emit()
        return True

    def _error(self, text: str) -> None:
        self.message.setText(text)
        set_tone(self.message, "error")
