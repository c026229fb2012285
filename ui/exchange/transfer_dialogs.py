"""档案转接 in the window: sending one student's archive (to the receiving school's key, or to a one-time passphrase
printed on a transfer slip) and receiving one (what came, and from where).

The sending form is a form of ``ui.shell.forms`` (``transfer:out``): the registry number, the choice of key, the
confidential choice and its reason survive a lock and a restart. The confidential parts go only when ticked, with a
reason; ``app.exchange.transfer`` refuses otherwise and writes the reason to the audit log."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import XinqiaoError
from app.exchange.transfer import TransferIn, TransferOut, read_school_key, transfer_in, transfer_out
from app.session import Session
from ui.shell import dialogs
from ui.shell.forms import DraftDialog
from ui.shell.theme import set_tone


def _row(*widgets: QWidget) -> QWidget:
    box = QWidget()
    lay = QHBoxLayout(box)
    lay.setContentsMargins(0, 0, 0, 0)
    for w in widgets:
        lay.addWidget(w, 1 if isinstance(w, QLineEdit) else 0)
    return box


class TransferOutDialog(DraftDialog):
    """转出学生档案: whom, how it is encrypted, whether the confidential parts go (with the reason), where to."""

    draft_label = "转出学生档案"
    draft_confidential = True      # the reason for sending confidential parts may speak of them

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.result_out: TransferOut | None = None
        self.setWindowTitle("转出学生档案")
        self.setMinimumWidth(560)
        form = QFormLayout(self)
        self.registry = QLineEdit()
        self.registry.setObjectName("registry")
        self.registry.setPlaceholderText("学生的学籍号")
        form.addRow("学籍号", self.registry)

        self.by_key = QRadioButton("用接收学校的公钥加密（接收学校直接导入，无需口令）")
        self.by_key.setObjectName("by_key")
        self.by_passphrase = QRadioButton("用一次性口令加密（打印转接单，与U盘分开交付）")
        self.by_passphrase.setObjectName("by_passphrase")
        self.by_passphrase.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.by_key)
        group.addButton(self.by_passphrase)
        mode = QWidget()
        mlay = QVBoxLayout(mode)
        mlay.setContentsMargins(0, 0, 0, 0)
        mlay.addWidget(self.by_key)
        mlay.addWidget(self.by_passphrase)
        form.addRow("加密方式", mode)
        self.key_file = QLineEdit()
        self.key_file.setObjectName("key_file")
        self.key_file.setPlaceholderText("接收学校导出的接收公钥文件（.pub）")
        self.key_button = QPushButton("选择…")
        self.key_button.clicked.connect(self.choose_key)
        form.addRow("接收学校公钥", _row(self.key_file, self.key_button))
        self.fingerprint = QLabel("")
        self.fingerprint.setWordWrap(True)
        self.fingerprint.setObjectName("fingerprint")
        form.addRow("", self.fingerprint)

        self.confidential = QCheckBox("同时转出保密内容（谈话记录的保密部分、危机个案说明等）")
        self.confidential.setObjectName("confidential")
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("reason")
        self.reason.setMaximumHeight(70)
        self.reason.setTabChangesFocus(True)
        self.reason.setPlaceholderText("转出保密内容的理由（必填，记入审计日志），如：升学后由接收学校心理教师继续跟进")
        form.addRow("", self.confidential)
        form.addRow("理由", self.reason)
        form.addRow("", QLabel("默认只转出普通级内容。"))

        self.folder = QLineEdit()
        self.folder.setObjectName("folder")
        self.folder.setPlaceholderText("U盘或文件夹")
        self.folder_button = QPushButton("选择…")
        self.folder_button.clicked.connect(self.choose_folder)
        form.addRow("保存到", _row(self.folder, self.folder_button))
        self.error = QLabel("")
        set_tone(self.error, "error")
        self.error.setWordWrap(True)
        form.addRow(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.send_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.send_button.setText("转出")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.send)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

        for w in (self.by_key, self.by_passphrase, self.confidential):
            w.toggled.connect(self._update)
        self.key_file.textChanged.connect(self._update)
        self.use_drafts(session, "transfer:out")
        self._update()

    # -- the fields -------------------------------------------------------------------------------------
    def _update(self, *_args: object) -> None:
        by_key = self.by_key.isChecked()
        self.key_file.setEnabled(by_key)
        self.key_button.setEnabled(by_key)
        self.reason.setEnabled(self.confidential.isChecked())
        set_tone(self.fingerprint, "")
        path = self.key_file.text().strip()
        if not by_key or not path:
            self.fingerprint.setText("")
            return
        try:
            key = read_school_key(Path(path))
        except XinqiaoError as e:
            self.fingerprint.setText(e.message)
            set_tone(self.fingerprint, "error")
            return
        whose = f"“{key.school}”的" if key.school else ""
        self.fingerprint.setText(f"{whose}接收公钥，指纹 <b>{key.fingerprint}</b>：请打电话与接收学校核对这个指纹。")

    def choose_key(self) -> None:
        path = dialogs.open_file(self, "选择接收学校的公钥文件", filter="公钥文件 (*.pub *.txt);;所有文件 (*)")
        if path:
            self.by_key.setChecked(True)
            self.key_file.setText(path)

    def choose_folder(self) -> None:
        folder = dialogs.choose_folder(self, "选择U盘或文件夹")
        if folder:
            self.folder.setText(folder)

    def key_fingerprint(self) -> str:
        return read_school_key(Path(self.key_file.text().strip())).fingerprint

    # -- sending ------------------------------------------------------------------------------------------
    def problem(self) -> str:
        if not self.registry.text().strip():
            return "请填写要转出学生的学籍号。"
        if self.by_key.isChecked() and not self.key_file.text().strip():
            return "请选择接收学校的公钥文件（由接收学校在“区县上报”页用“导出本校接收公钥”导出），或改用一次性口令。"
        if self.confidential.isChecked() and not self.reason.toPlainText().strip():
            return "转出保密内容必须写明理由（记入审计日志）；不转保密内容请取消勾选。"
        if not self.folder.text().strip():
            return "请选择保存转接档案的U盘或文件夹。"
        return ""

    def send(self) -> bool:
        problem = self.problem()
        if problem:
            self.error.setText(problem)
            return False
        confidential = self.confidential.isChecked()
        if confidential and not dialogs.ask(
                self, "转出保密内容", "保密内容（谈话记录的保密部分、危机个案说明等）将一并转出，理由记入审计日志。确定吗？",
                yes="同时转出保密内容", no="返回", default_yes=False):
            return False
        by_key = self.by_key.isChecked()
        try:
            self.result_out = transfer_out(
                self.session, self.registry.text().strip(), Path(self.folder.text().strip()),
                recipient_file=Path(self.key_file.text().strip()) if by_key else None, passphrase=not by_key,
                confidential=confidential, reason=self.reason.toPlainText() if confidential else "")
        except XinqiaoError as e:
            self.error.setText(e.message)
            return False
        self.accept()
        return True

    def result_text(self) -> str:
        out = self.result_out
        assert out is not None
        what = f"{out.events} 条记录，{'含保密内容' if out.confidential else '只含普通级内容'}"
        if out.passphrase:
            how = (f"一次性口令：{out.passphrase}\n转接单：{out.slip}（存在本机，不在U盘上；请打印后与U盘分开交付，"
                   "接收学校导入时输入这个口令）。")
        else:
            how = f"已用接收学校的公钥加密（指纹 {self.key_fingerprint()}）：只有接收学校能打开。"
        return f"转接档案：{out.path}\n{what}。\n{how}\n已写入并读回核对无误，现在可以安全拔出U盘。"


class TransferInDialog(QDialog):
    """导入转接档案: the file, and the one-time passphrase if it came with a transfer slip (a secret: no draft).
    On 导入 it shows what came and from where."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.received: TransferIn | None = None
        self.setWindowTitle("导入转接档案")
        self.setMinimumWidth(520)
        form = QFormLayout(self)
        self.file = QLineEdit()
        self.file.setObjectName("file")
        self.file.setPlaceholderText("发出学校导出的转接档案（.age）")
        browse = QPushButton("选择…")
        browse.clicked.connect(self.choose_file)
        form.addRow("转接档案", _row(self.file, browse))
        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("passphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText("转接单上的一次性口令；用本校接收公钥加密的留空")
        form.addRow("一次性口令", self.passphrase)
        self.error = QLabel("")
        set_tone(self.error, "error")
        self.error.setWordWrap(True)
        form.addRow(self.error)
        self.outcome = QLabel("")
        self.outcome.setObjectName("outcome")
        self.outcome.setWordWrap(True)
        form.addRow(self.outcome)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Close)
        self.import_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.import_button.setText("导入")
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.accepted.connect(self.receive)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def choose_file(self) -> None:
        path = dialogs.open_file(self, "导入转接档案", filter="转接档案 (*.age);;所有文件 (*)")
        if path:
            self.file.setText(path)

    def receive(self) -> bool:
        path = self.file.text().strip()
        if not path:
            self.error.setText("请选择发出学校导出的转接档案（.age 文件）。")
            return False
        phrase = self.passphrase.text().strip() or None
        try:
            got = transfer_in(self.session, Path(path), passphrase=phrase)
        except XinqiaoError as e:
            self.error.setText(e.message)
            return False
        self.passphrase.clear()
        self.error.clear()
        self.received = got
        self.outcome.setText(outcome_text(got))
        self.import_button.setEnabled(False)
        return True


def outcome_text(got: TransferIn) -> str:
    sent = got.sent_at[:10]
    head = f"{got.name}（学籍号 {got.registry_no}）的转接档案，来自 <b>{got.from_school}</b>" + \
        (f"（{sent} 导出）" if sent else "")
    if got.already:
        return f"{head}：这份档案已经导入过，未作改动。"
    return (f"已导入{head}：{got.events} 条记录（其中保密 {got.confidential_events} 条）——{got.summary()}。"
            "<br>这些记录已列入该生档案的“时间线”，标明“转入档案”和来源学校。")
