"""Plain forms for what follows a letter: delivered (how, when) and the receipt returned (when)."""
from __future__ import annotations

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox, QDateEdit, QDialog, QDialogButtonBox, QFormLayout, QLabel, QWidget

from app import clock
from app.letters.records import DELIVERY_METHODS
from ui.shell.theme import set_tone


def _today() -> QDate:
    d = clock.today()
    return QDate(d.year, d.month, d.day)


class _DateForm(QDialog):
    def __init__(self, title: str, intro: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(360)
        self.form = QFormLayout(self)
        label = QLabel(intro)
        label.setWordWrap(True)
        self.form.addRow(label)
        self.date = QDateEdit(_today())
        self.date.setObjectName("letterDate")
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.date.setCalendarPopup(True)
        self.date.setMaximumDate(_today())
        self.error = QLabel("")
        set_tone(self.error, "error")
        self.error.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("登记")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.rejected.connect(self.reject)

    def finish_form(self) -> None:
        self.form.addRow(self.error)
        self.form.addRow(self.buttons)

    def day(self) -> str:
        return self.date.date().toString("yyyy-MM-dd")


class DeliveredDialog(_DateForm):
    """How and when the selected letters reached the families."""

    def __init__(self, count: int, parent: QWidget | None = None) -> None:
        super().__init__("登记送达", f"登记所选的 {count} 份告知书已送达家长。", parent)
        self.how = QComboBox()
        self.how.setObjectName("deliveredHow")
        self.how.addItems(list(DELIVERY_METHODS))
        self.form.addRow("送达方式(&H)", self.how)
        self.form.addRow("送达日期(&D)", self.date)
        self.finish_form()


class ReceiptDialog(_DateForm):
    """The day the signed receipt came back (a 心理危机告知书's completes the case's parent step)."""

    def __init__(self, student: str, title: str, crisis: bool, parent: QWidget | None = None) -> None:
        intro = f"{student}的《{title}》回执已交回。"
        if crisis:
            intro += "登记后，危机个案的“家长知情/告知书签署”步骤将以这一天完成。"
        super().__init__("登记回执", intro, parent)
        self.form.addRow("交回日期(&D)", self.date)
        self.finish_form()
