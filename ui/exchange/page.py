"""区县上报 page of a school: the centre's key (fingerprint for a phone check), the export policy, exporting a period
to a stick (told when it is safe to remove), the export history, and archive transfers."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import clock
from app.exchange.package import write_checked
from app.exchange.school import (
    centre_key,
    export_history,
    export_period,
    export_policy,
    set_centre_key,
    set_export_policy,
)
from app.exchange.transfer import school_key_text
from app.indicators.periods import report_period
from app.school.calendar import list_semesters
from ui.exchange.transfer_dialogs import TransferInDialog, TransferOutDialog
from ui.network.common import fill, table
from ui.shell import dialogs
from ui.shell.context import AppContext
from ui.shell.errors import show_error
from ui.shell.tasks import run_task
from ui.shell.theme import set_tone


def recent_periods(today: dt.date, months: int = 12) -> list[str]:
    out, y, m = [], today.year, today.month
    for _ in range(months):
        out.append(f"{y}-{m:02d}")
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return out


class ExchangePage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.session = ctx.session
        self.transfer_out_dialog: TransferOutDialog | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)   # the title is the page header's (ui/shell/header.py)

        key_box = QGroupBox("区县中心公钥")
        kl = QHBoxLayout(key_box)
        self.key_label = QLabel()
        self.key_label.setWordWrap(True)
        self.key_button = QPushButton("导入中心公钥…")
        self.key_button.clicked.connect(self.import_key)
        kl.addWidget(self.key_label, 1)
        kl.addWidget(self.key_button)
        layout.addWidget(key_box)

        policy_box = QGroupBox("上报策略")
        pl = QHBoxLayout(policy_box)
        self.policy_period = QComboBox()
        self.policy_period.addItem("每月", "month")
        self.policy_period.addItem("每学期", "semester")
        self.named_level1 = QCheckBox("一级预警学生（实名，最少字段）")
        self.named_crisis = QCheckBox("危机个案（实名，最少字段）")
        self.policy_button = QPushButton("保存策略")
        self.policy_button.clicked.connect(self.save_policy)
        pl.addWidget(QLabel("周期："))
        pl.addWidget(self.policy_period)
        pl.addWidget(self.named_level1)
        pl.addWidget(self.named_crisis)
        pl.addStretch(1)
        pl.addWidget(self.policy_button)
        layout.addWidget(policy_box)

        export_row = QHBoxLayout()
        self.period = QComboBox()
        self.period.setEditable(True)
        for p in recent_periods(clock.today()):
            self.period.addItem(p, p)
        for s in reversed(list_semesters(self.session.db)):
            first, second = s.year_name.split("-")[0], s.year_name.split("-")[-1]
            code = f"{first}-{second}-{1 if s.start_date[5:7] >= '08' else 2}"
            self.period.addItem(f"{code}（{s.name}）", code)
        self.export_button = QPushButton("导出上报包…")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.export)
        self.primary_button, self.primary_icon = self.export_button, "download"   # in the page header
        self.status = QLabel()
        self.status.setWordWrap(True)
        export_row.addWidget(QLabel("期次："))
        export_row.addWidget(self.period)
        export_row.addWidget(self.export_button)
        export_row.addStretch(1)
        self.transfer_out_button = QPushButton("转出学生档案…")
        self.transfer_out_button.clicked.connect(self.transfer_out)
        self.transfer_in_button = QPushButton("导入转接档案…")
        self.transfer_in_button.clicked.connect(self.transfer_in)
        self.school_key_button = QPushButton("导出本校接收公钥…")
        self.school_key_button.setToolTip("转入档案时，发出学校可用这个公钥加密（无需口令）")
        self.school_key_button.clicked.connect(self.export_school_key)
        layout.addLayout(export_row)
        transfer_box = QGroupBox("档案转接（学生转学、升学）")
        tl = QHBoxLayout(transfer_box)
        tl.addWidget(self.transfer_out_button)
        tl.addWidget(self.transfer_in_button)
        tl.addStretch(1)
        tl.addWidget(self.school_key_button)
        layout.addWidget(transfer_box)
        layout.addWidget(self.status)
        layout.addWidget(QLabel("导出记录"))
        self.history = table(("导出时间", "期次", "序号", "内容", "状态", "文件"), stretch=5)
        layout.addWidget(self.history, 1)
        # an empty history teaches the monthly routine instead of showing a blank table
        self.history_empty = QLabel("还没有导出过上报包。每月（或每学期）点右上角“导出上报包…”，生成加密签名的上报文件，"
                                    "再用 U 盘交给区县心理辅导中心；导出过的包会列在这里。")
        self.history_empty.setWordWrap(True)
        set_tone(self.history_empty, "muted")
        self.history_empty.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.history_empty, 1)
        self.refresh()

    def refresh(self) -> None:
        key = centre_key(self.session.db)
        if key:
            who = f"“{key['centre']}”" if key["centre"] else ""
            self.key_label.setText(f"已导入区县中心{who}的公钥，指纹 <b>{key['fingerprint']}</b>（请电话与中心核对）。")
        else:
            self.key_label.setText("还没有导入区县中心的公钥：请向区县心理辅导中心索取公钥文件，再点“导入中心公钥”。")
        policy = export_policy(self.session.db)
        self.policy_period.setCurrentIndex(0 if policy["period"] == "month" else 1)
        self.named_level1.setChecked("level1" in policy["named"])
        self.named_crisis.setChecked("crisis" in policy["named"])
        rows = []
        for h in export_history(self.session):
            content = f"{h['counts'].get('figures', 0)} 项指标" + ("，含实名记录" if h["named"] else "")
            rows.append([h["created_at"][:16].replace("T", " "), h["period_label"], h["sequence"], content,
                         "已被取代" if h["superseded_by"] else "有效", h["path"]])
        fill(self.history, rows)
        self.history.setVisible(bool(rows))
        self.history_empty.setVisible(not rows)

    def import_key(self) -> None:
        path = dialogs.open_file(self, "导入区县中心公钥", filter="公钥文件 (*.pub *.txt);;所有文件 (*)")
        if not path:
            return
        try:
            value = set_centre_key(self.session, Path(path))
        except Exception as e:  # noqa: BLE001 - shown to the user, typed errors get their own message
            show_error(self, e)
            return
        dialogs.inform(self, "已导入", f"区县中心公钥已导入。\n指纹：{value['fingerprint']}\n请打电话与中心核对这个指纹。")
        self.refresh()

    def save_policy(self) -> None:
        named = [n for n, box in (("level1", self.named_level1), ("crisis", self.named_crisis)) if box.isChecked()]
        if named and not dialogs.ask(self, "实名上报", "所选类别的学生将以姓名、学籍号、班级上报区县中心（不含任何保密内容）。"
                                     "确定按区县要求实名上报吗？"):
            return
        try:
            set_export_policy(self.session, period=str(self.policy_period.currentData()), named=named)
        except Exception as e:  # noqa: BLE001
            show_error(self, e)
        self.refresh()

    def current_period(self) -> str:
        data = self.period.currentData()
        text = self.period.currentText().strip()
        return str(data) if data and text == self.period.itemText(self.period.currentIndex()) else text

    def export(self) -> None:
        try:
            period = report_period(self.session.db, self.current_period())
        except Exception as e:  # noqa: BLE001
            show_error(self, e)
            return
        folder = dialogs.choose_folder(self, "选择U盘或文件夹")
        if not folder:
            return

        def done(result) -> None:  # type: ignore[no-untyped-def]
            self.status.setText(result.safe_message)
            self.refresh()
            dialogs.inform(self, "导出完成", f"{result.period_label} 的上报包已导出（第 {result.sequence} 号）。\n"
                                          f"{result.safe_message}")

        run_task(self, lambda _p: export_period(self.session, period, Path(folder)), done,
                 label="正在导出、签名并加密上报包……")

    def transfer_out(self) -> TransferOutDialog:
        """转出学生档案: a form opened without blocking (a lock hides it and gives it back; a draft keeps it). A second
        click brings the open form back rather than a twin on the same draft."""
        if self.transfer_out_dialog is not None and self.transfer_out_dialog.isVisible():
            self.transfer_out_dialog.raise_()
            self.transfer_out_dialog.activateWindow()
            return self.transfer_out_dialog
        dlg = TransferOutDialog(self.session, self)
        dlg.accepted.connect(lambda: self._transfer_sent(dlg))
        self.transfer_out_dialog = dlg
        dlg.show()
        return dlg

    def _transfer_sent(self, dlg: TransferOutDialog) -> None:
        if dlg.result_out is None:
            return
        text = dlg.result_text()
        self.status.setText(text.replace("\n", "　"))
        dialogs.inform(self, "已转出", text)

    def transfer_in(self) -> TransferInDialog:
        """导入转接档案: the file and the slip's passphrase; the dialog then says what came and from where."""
        dlg = TransferInDialog(self.session, self)
        dlg.finished.connect(lambda _r: self._transfer_received(dlg))
        self.transfer_in_dialog = dlg
        dlg.show()
        return dlg

    def _transfer_received(self, dlg: TransferInDialog) -> None:
        got = dlg.received
        if got is not None and not self.session.locked:
            self.ctx.open_student.emit(got.student_id)

    def export_school_key(self) -> Path | None:
        """导出本校接收公钥: the file a sending school encrypts a transfer to (shown with its fingerprint)."""
        path = dialogs.save_file(self, "导出本校接收公钥", "本校接收公钥.pub", "公钥文件 (*.pub)")
        if not path:
            return None
        try:
            text = school_key_text(self.session)
            out = write_checked(Path(path).parent, Path(path).name, text.encode("utf-8"))
        except Exception as e:  # noqa: BLE001 - shown to the user
            show_error(self, e)
            return None
        fp = text.split("# 指纹：", 1)[1].split("\n", 1)[0].strip()
        dialogs.inform(self, "已导出", f"本校接收公钥：{out}\n指纹：{fp}\n"
                                    "把这个文件交给发出学校，并请对方打电话与本校核对指纹。")
        return out

    def open_draft(self, form_key: str, _student_id: int | None = None) -> QWidget | None:
        """未完成的记录 on the 工作台: ``transfer:out`` opens the transfer form with what was typed."""
        return self.transfer_out() if form_key == "transfer:out" else None
