"""First run: school, stages, the first account, and the recovery code (written down, printable)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMarginsF, Qt, Signal
from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPainter, QPdfWriter
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.accounts.admin import record_recovery_code_output
from app.errors import XinqiaoError
from app.passwords import password_problem, policy_text
from app.school.setup import create_vault
from app.session import Session
from ui.shell import dialogs, tasks
from ui.shell.errors import show_error
from ui.shell.fonts import mono_font
from ui.shell.removable import fixed_disk_warning, suggested_pdf_path
from ui.shell.theme import set_tone
from ui.shell.unlock import strength_label

STAGES = [("primary", "小学"), ("junior", "初中"), ("senior", "高中")]


class SchoolPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("学校")
        self.setSubTitle("欢迎使用心桥。先填写学校的基本信息，以后可以在“设置”中查看。")
        form = QFormLayout(self)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("例如：某某市第一中学")
        self.code_edit = QLineEdit()
        self.code_edit.setPlaceholderText("学校代码（可不填）")
        form.addRow("学校名称", self.name_edit)
        form.addRow("学校代码", self.code_edit)
        row = QHBoxLayout()
        self.stage_boxes: dict[str, QCheckBox] = {}
        for key, label in STAGES:
            box = QCheckBox(label)
            self.stage_boxes[key] = box
            row.addWidget(box)
        row.addStretch(1)
        form.addRow("学段", row)
        self.name_edit.textChanged.connect(self.completeChanged)

    def isComplete(self) -> bool:  # noqa: N802 - Qt API
        return bool(self.name_edit.text().strip())

    def stages(self) -> list[str]:
        return [k for k, box in self.stage_boxes.items() if box.isChecked()]


class AccountPage(QWizardPage):
    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle("第一个账号")
        self.setSubTitle("这个账号是心理教师，同时负责管理（账号、设置、备份）。密码只保存在本机，忘记时用恢复码重设。")
        form = QFormLayout(self)
        self.user_edit = QLineEdit()
        self.user_edit.setPlaceholderText("登录用的账号，例如 wanglaoshi")
        self.display_edit = QLineEdit()
        self.display_edit.setPlaceholderText("显示的姓名，例如 王老师")
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.again_edit = QLineEdit()
        self.again_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.strength = QLabel("")
        self.error_label = QLabel("")
        set_tone(self.error_label, "error")
        self.error_label.setWordWrap(True)
        form.addRow("账号", self.user_edit)
        form.addRow("姓名", self.display_edit)
        form.addRow("密码", self.password_edit)
        form.addRow("", self.strength)
        form.addRow("再输入一次", self.again_edit)
        rules = QLabel(policy_text())
        rules.setWordWrap(True)
        form.addRow("", rules)
        form.addRow("", self.error_label)
        self.password_edit.textChanged.connect(self._changed)
        self.again_edit.textChanged.connect(self._changed)
        self.user_edit.textChanged.connect(self._changed)

    def problem(self) -> str:
        """The password policy's objection to the password typed (app/passwords.py), or ""."""
        return password_problem(self.password_edit.text(), account=self.user_edit.text(),
                                school=self.wiz.school_page.name_edit.text())

    def _changed(self) -> None:
        pw = self.password_edit.text()
        strength_label(self.strength, pw)
        again = self.again_edit.text()
        if again and again != pw[:len(again)]:
            self.error_label.setText("两次输入的密码不一致。")
        elif pw and (again or len(pw) >= 10):
            self.error_label.setText(self.problem())  # which rule fails, once the password is nearly typed
        else:
            self.error_label.setText("")
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802 - Qt API
        pw = self.password_edit.text()
        return (bool(self.user_edit.text().strip()) and not self.problem()
                and pw == self.again_edit.text() and not self.wiz.busy)

    def validatePage(self) -> bool:  # noqa: N802 - Qt API
        if self.wiz.session is not None:
            return True
        self.wiz.create_vault_async()  # off the UI thread; the wizard moves on when the vault exists
        return False


class RecoveryPage(QWizardPage):
    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle("恢复码")
        self.setSubTitle("忘记密码时，只有这个恢复码能重设密码。它只显示这一次：请抄写在纸上或打印出来，锁在安全的地方。")
        lay = QVBoxLayout(self)
        self.code_label = QLabel("")
        self.code_label.setFont(mono_font(18))
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.code_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        set_tone(self.code_label, "code")
        lay.addWidget(self.code_label)
        buttons = QHBoxLayout()
        self.print_button = QPushButton("打印…")
        self.print_button.clicked.connect(self.wiz.print_code)
        self.pdf_button = QPushButton("保存为 PDF…")
        self.pdf_button.clicked.connect(self.wiz.save_pdf)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.pdf_button)
        buttons.addStretch(1)
        lay.addLayout(buttons)
        self.confirm = QCheckBox("我已抄写恢复码，并把它保存在安全的地方")
        self.confirm.toggled.connect(self.completeChanged)
        lay.addWidget(self.confirm)
        lay.addStretch(1)

    def initializePage(self) -> None:  # noqa: N802 - Qt API
        self.code_label.setText(self.wiz.recovery_code)

    def isComplete(self) -> bool:  # noqa: N802 - Qt API
        return self.confirm.isChecked()


class SetupWizard(QWizard):
    created = Signal(object)  # the Session, once set-up has finished

    def __init__(self, data_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data_dir = Path(data_dir)
        self.session: Session | None = None
        self.recovery_code = ""
        self.busy = False
        self.setWindowTitle("心桥 · 初始设置")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setButtonText(QWizard.WizardButton.NextButton, "下一步")
        self.setButtonText(QWizard.WizardButton.BackButton, "上一步")
        self.setButtonText(QWizard.WizardButton.FinishButton, "完成")
        self.setButtonText(QWizard.WizardButton.CancelButton, "取消")
        self.school_page = SchoolPage()
        self.account_page = AccountPage(self)
        self.recovery_page = RecoveryPage(self)
        self.addPage(self.school_page)
        self.addPage(self.account_page)
        self.addPage(self.recovery_page)
        self.resize(640, 480)
        self.currentIdChanged.connect(self._page_changed)

    def _page_changed(self, _id: int) -> None:
        on_last = self.currentPage() is self.recovery_page
        self.button(QWizard.WizardButton.CancelButton).setEnabled(not on_last)

    def create_vault_async(self) -> None:
        if self.busy:
            return
        self.busy = True
        self.button(QWizard.WizardButton.BackButton).setEnabled(False)
        self.account_page.completeChanged.emit()
        self.account_page.error_label.setText("正在创建加密数据库……")
        sp, ap = self.school_page, self.account_page
        args = dict(school_name=sp.name_edit.text().strip(), school_code=sp.code_edit.text().strip(),
                    stages=sp.stages(), username=ap.user_edit.text().strip(),
                    display_name=ap.display_edit.text().strip(), password=ap.password_edit.text())
        data_dir = self.data_dir

        def work(_p: tasks.Progress) -> tuple[Session, str]:
            return create_vault(data_dir, **args)  # type: ignore[arg-type]

        tasks.run_task(self, work, self._created, self._failed, label="正在创建加密数据库……")

    def _created(self, result: tuple[Session, str]) -> None:
        self.busy = False
        self.session, self.recovery_code = result
        self.account_page.error_label.setText("")
        for w in (self.account_page.user_edit, self.account_page.password_edit, self.account_page.again_edit):
            w.setReadOnly(True)
        self.next()

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self.button(QWizard.WizardButton.BackButton).setEnabled(True)
        self.account_page.completeChanged.emit()
        if isinstance(exc, XinqiaoError):
            self.account_page.error_label.setText(exc.message)
        else:
            self.account_page.error_label.setText("")
            show_error(self, exc)

    # -- the recovery code on paper ----------------------------------------------------------------
    def _paint_code(self, painter: QPainter, width: int) -> None:
        school = self.school_page.name_edit.text().strip()
        user = self.account_page.user_edit.text().strip()
        title = QFont(self.font())
        title.setPointSize(16)
        painter.setFont(title)
        y = painter.fontMetrics().height() * 2
        painter.drawText(0, y, "心桥 XinQiao 恢复码")
        body = QFont(self.font())
        body.setPointSize(11)
        painter.setFont(body)
        line = painter.fontMetrics().height() * 1.6
        for text in (f"学校：{school}", f"首个账号：{user}", "忘记任何账号的密码时，用此恢复码重设。请妥善保管，不要与电脑放在一起。"):
            y += int(line)
            painter.drawText(0, y, text)
        painter.setFont(mono_font(20))
        y += int(line * 2.5)
        painter.drawText(0, y, self.recovery_code)
        painter.setPen(Qt.GlobalColor.gray)
        painter.drawLine(0, y + int(line), width, y + int(line))

    def save_pdf(self) -> Path | None:
        """Save the code as a PDF: suggested on a USB stick when one is plugged in (never on this PC's disk by
        default), with a warning when the chosen place is a fixed disk of this PC."""
        suggested = suggested_pdf_path("心桥恢复码.pdf")
        if suggested is None and not dialogs.ask(
                self, "保存恢复码", "没有找到 U 盘等可移动磁盘。恢复码最好不要存在这台电脑上：请插入 U 盘后再点"
                "“保存为 PDF”，或者抄写、打印出来。\n\n仍要保存到这台电脑上吗？", yes="仍然保存", no="取消"):
            return None
        start = str(suggested) if suggested else "心桥恢复码.pdf"
        path = dialogs.save_file(self, "保存恢复码为 PDF（建议存到 U 盘）", start, "PDF 文件 (*.pdf)")
        if not path:
            return None
        warning = fixed_disk_warning(Path(path))
        if suggested is not None and warning and not dialogs.ask(self, "保存恢复码", warning, yes="仍然保存",
                                                                 no="取消"):
            return None
        writer = QPdfWriter(path)
        writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                         QMarginsF(20, 20, 20, 20), QPageLayout.Unit.Millimeter))
        writer.setResolution(300)
        writer.setTitle("心桥恢复码")
        painter = QPainter(writer)
        try:
            self._paint_code(painter, writer.width())
        finally:
            painter.end()
        if self.session is not None:
            record_recovery_code_output(self.session, "恢复码保存为 PDF")
        return Path(path)

    def print_code(self) -> None:
        try:
            from PySide6.QtPrintSupport import QPrintDialog, QPrinter
        except ImportError:
            dialogs.inform(self, "打印", "此电脑上的 Qt 不带打印模块，请用“保存为 PDF”后再打印。")
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        answered, value = dialogs.intercept("print", "打印恢复码", "")
        if answered:
            if not value:
                return
        elif QPrintDialog(printer, self).exec() != QPrintDialog.DialogCode.Accepted:
            return
        painter = QPainter(printer)
        try:
            self._paint_code(painter, printer.width())
        finally:
            painter.end()
        if self.session is not None:
            record_recovery_code_output(self.session, "打印恢复码")

    # -- closing -----------------------------------------------------------------------------------
    def reject(self) -> None:
        if self.session is not None:
            # The vault exists now: the recovery code must have been seen before leaving.
            if not self.recovery_page.confirm.isChecked():
                dialogs.warn(self, "恢复码", "请先抄写恢复码，并勾选“我已抄写恢复码”。")
                return
            self.accept()
            return
        super().reject()

    def accept(self) -> None:
        if self.session is not None:
            self.created.emit(self.session)  # the main window shows before this one hides
        super().accept()
