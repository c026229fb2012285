"""First run: school, stages, the data folder (a drive 还原卡 / 冰点 do not wipe), the first account, and the
recovery code (written down, printable); a step indicator on the left and the app's logo in the header."""
from __future__ import annotations

import os
from pathlib import Path, PureWindowsPath

from PySide6.QtCore import QMarginsF, QSize, Qt, Signal
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
from app.config import remember_data_dir
from app.errors import XinqiaoError
from app.passwords import password_problem, policy_text
from app.school.setup import create_vault
from app.session import Session, vault_exists
from ui.shell import dialogs, tasks
from ui.shell.about import app_icon
from ui.shell.errors import show_error
from ui.shell.fonts import mono_font
from ui.shell.removable import fixed_disk_warning, suggested_pdf_path
from ui.shell.theme import set_role, set_tone
from ui.shell.unlock import strength_label

STAGES = [("primary", "小学"), ("junior", "初中"), ("senior", "高中")]
STEPS = ("学校", "数据文件夹", "第一个账号", "恢复码")
SUGGESTED_FOLDER = "D:\\心桥数据"


def system_drive_warning(folder: Path | str, *, system_drive: str | None = None) -> str:
    """A warning when the data folder is on Windows' system drive: school PCs with 还原卡 or 冰点还原 put C: back
    on every restart, and the vault with it. "" for any other drive (and for a path without a drive letter)."""
    drive = PureWindowsPath(str(folder)).drive.upper()
    system = (system_drive or os.environ.get("SystemDrive") or "C:").upper()
    if not drive or drive != system:
        return ""
    return (f"数据文件夹在系统盘（{system}）上。学校电脑如果装有还原卡或冰点还原，重启后 {system} 盘会被还原，"
            f"心桥的数据会全部丢失。建议放在 D 盘，例如 {SUGGESTED_FOLDER}。不确定时请询问学校的电脑管理员。")


class StepBar(QWidget):
    """The wizard's steps down the left side: done ones ticked, the current one in the primary colour."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stepBar")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 16, 16, 16)
        lay.setSpacing(10)
        self.logo = logo = QLabel()
        logo.setPixmap(app_icon().pixmap(QSize(56, 56)))
        logo.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        lay.addWidget(logo)
        name = QLabel("心桥 XinQiao")
        name.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        set_role(name, "subtitle")
        lay.addWidget(name)
        lay.addSpacing(12)
        self.labels: list[QLabel] = []
        for i, step in enumerate(STEPS, 1):
            label = QLabel(f"{i}  {step}")
            self.labels.append(label)
            lay.addWidget(label)
        lay.addStretch(1)
        self.set_current(0)

    def set_current(self, index: int) -> None:
        for i, label in enumerate(self.labels):
            state = "done" if i < index else "current" if i == index else "todo"
            label.setText(("✓  " if state == "done" else f"{i + 1}  ") + STEPS[i])
            if label.property("step") != state:
                label.setProperty("step", state)
                label.style().unpolish(label)
                label.style().polish(label)

    def current(self) -> int:
        return next(i for i, label in enumerate(self.labels) if label.property("step") == "current")


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
        row.setSpacing(18)
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


class FolderPage(QWizardPage):
    """Where the vault will live: shown, choosable, with the 还原卡 / 冰点 warning for the system drive."""

    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle("数据文件夹")
        self.setSubTitle("心桥把加密的数据、备份和日志都保存在这个文件夹里。")
        lay = QVBoxLayout(self)
        row = QHBoxLayout()
        self.folder_edit = QLineEdit(str(wizard.data_dir))
        self.folder_edit.setReadOnly(True)
        self.folder_edit.setMinimumWidth(320)
        self.choose_button = QPushButton("选择其他文件夹…")
        self.choose_button.clicked.connect(self.choose)
        row.addWidget(self.folder_edit, 1)
        row.addWidget(self.choose_button)
        lay.addLayout(row)
        self.warning = QLabel("")
        self.warning.setWordWrap(True)
        set_tone(self.warning, "alert")
        lay.addWidget(self.warning)
        self.suggest_button = QPushButton(f"改用 {SUGGESTED_FOLDER}")
        self.suggest_button.clicked.connect(lambda: self.set_folder(Path(SUGGESTED_FOLDER)))
        lay.addWidget(self.suggest_button, 0, Qt.AlignmentFlag.AlignLeft)
        note = QLabel("学校的电脑常装有还原卡或冰点还原：重启后系统盘（通常是 C 盘）会被还原。"
                      "请把数据放在不会被还原的磁盘上，并定期备份到 U 盘。")
        note.setWordWrap(True)
        set_tone(note, "muted")
        lay.addWidget(note)
        lay.addStretch(1)
        self.set_folder(wizard.data_dir)

    def set_folder(self, folder: Path) -> None:
        self.wiz.data_dir = Path(folder)
        self.folder_edit.setText(str(folder))
        warning = system_drive_warning(folder)
        self.warning.setText(warning)
        self.warning.setVisible(bool(warning))
        self.suggest_button.setVisible(bool(warning) and Path("D:/").exists())
        self.completeChanged.emit()

    def choose(self) -> None:
        start = str(self.wiz.data_dir.parent if self.wiz.data_dir.parent.exists() else Path.home())
        folder = dialogs.choose_folder(self, "选择保存心桥数据的文件夹", start)
        if folder:
            chosen = Path(folder)
            if chosen.exists() and any(chosen.iterdir()) and not vault_exists(chosen):
                chosen = chosen / "心桥数据"   # a folder with other files in it: our own subfolder there
            self.set_folder(chosen)

    def isComplete(self) -> bool:  # noqa: N802 - Qt API
        return bool(self.folder_edit.text().strip())


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
        strength_label(self.strength, pw, self.problem() if pw else "")
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
        self.data_dir = Path(data_dir)       # the folder page may change it
        self.initial_dir = self.data_dir
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
        self.setWindowIcon(app_icon())
        self.steps = StepBar()
        self.setSideWidget(self.steps)
        self.school_page = SchoolPage()
        self.folder_page = FolderPage(self)
        self.account_page = AccountPage(self)
        self.recovery_page = RecoveryPage(self)
        self.pages_in_order = (self.school_page, self.folder_page, self.account_page, self.recovery_page)
        for page in self.pages_in_order:
            self.addPage(page)
        self.resize(760, 520)
        self.currentIdChanged.connect(self._page_changed)

    def _page_changed(self, _id: int) -> None:
        page = self.currentPage()
        if page in self.pages_in_order:
            self.steps.set_current(self.pages_in_order.index(page))
        on_last = page is self.recovery_page
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
        data_dir, initial_dir = self.data_dir, self.initial_dir

        def work(_p: tasks.Progress) -> tuple[Session, str]:
            created = create_vault(data_dir, **args)  # type: ignore[arg-type]
            if data_dir != initial_dir:
                remember_data_dir(data_dir)   # chosen on the folder page: the next start opens it
            return created

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
