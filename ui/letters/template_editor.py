"""The 家长告知书 page's in-page template editor: title, body, signature and receipt of one template.

A counselor's editor is a form of ``ui.shell.forms`` under ``letter-template:<id>``: what is typed is in the vault
about a second later and at once on lock, comes back when the template is opened again (also after a restart or
from the 工作台's 未完成的记录), and goes on 保存模板 or 恢复默认文本. Choosing another template while the text has
unsaved changes asks "放弃未保存的内容？" (the page does that through ``confirm_discard``). Templates are the
school's text: the draft lives in the ordinary tier."""
from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QLineEdit, QPlainTextEdit, QWidget

from app.letters.templates import Template
from app.session import Session
from ui.shell.forms import DraftForm
from ui.shell.theme import set_tone


def template_key(template_id: str) -> str:
    return f"letter-template:{template_id}"


class TemplateEditor(QGroupBox, DraftForm):
    draft_label = "告知书模板"
    draft_confidential = False

    def __init__(self, session: Session, editable: bool, parent: QWidget | None = None) -> None:
        super().__init__("模板", parent)
        self.session = session
        self.editable = editable
        self.form = QFormLayout(self)
        # the merge fields in a line that wraps: the group's title stays short, so the pane narrows at 1024×768
        hint = QLabel("可用合并字段，如 {学生姓名}、{班级}、{家长称呼}、{日期}")
        hint.setWordWrap(True)
        set_tone(hint, "muted")
        self.form.addRow(hint)
        self.title_edit = QLineEdit()
        self.title_edit.setObjectName("letterTitle")
        self.body_edit = QPlainTextEdit()
        self.body_edit.setObjectName("letterBody")
        self.signature_edit = QPlainTextEdit()
        self.signature_edit.setObjectName("letterSignature")
        self.signature_edit.setMaximumHeight(70)
        self.receipt_edit = QPlainTextEdit()
        self.receipt_edit.setObjectName("letterReceipt")
        self.receipt_edit.setMaximumHeight(80)
        self.receipt_edit.setPlaceholderText("（可不填：没有回执）")
        self.form.addRow("标题(&T)", self.title_edit)
        self.form.addRow("正文(&B)", self.body_edit)
        self.form.addRow("落款", self.signature_edit)
        self.form.addRow("回执", self.receipt_edit)
        self.title_edit.setReadOnly(not editable)
        for e in (self.body_edit, self.signature_edit, self.receipt_edit):
            e.setReadOnly(not editable)

    def holds(self, template_id: str) -> bool:
        """The editor shows ``template_id`` with typing not saved yet."""
        return self.draft_key == template_key(template_id) and self.draft_changed()

    def show_template(self, t: Template) -> bool:
        """Fill the editor with the stored text of ``t``, then (a counselor) with this account's draft of it, if
        there is one. True if a draft was restored."""
        self.title_edit.blockSignals(True)
        self.title_edit.setText(t.title)
        self.title_edit.blockSignals(False)
        for e, text in ((self.body_edit, t.body), (self.signature_edit, t.signature), (self.receipt_edit, t.receipt)):
            e.blockSignals(True)
            e.setPlainText(text)
            e.blockSignals(False)
        if not self.editable:
            return False
        return self.use_drafts(self.session, template_key(t.id))

    def texts(self) -> dict[str, str]:
        return {"title": self.title_edit.text(), "body": self.body_edit.toPlainText(),
                "signature": self.signature_edit.toPlainText(), "receipt": self.receipt_edit.toPlainText()}
