"""暂存结果: results imported for students whose consent slip is pending or was refused, for the counselor's decision
(count it — the consent is then recorded as given — or discard it with a reason)."""
from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.errors import XinqiaoError
from app.screening.held import HeldResult, decide_held, held_results
from app.session import Session
from ui.shell import dialogs
from ui.shell.reason_dialog import ReasonDialog

COLUMNS = ("测评活动", "学生", "班级", "量表", "知情同意", "关键题阳性")


class HeldResultsDialog(QDialog):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("暂存的测评结果")
        self.setMinimumWidth(680)
        self.changed = False
        intro = QLabel("这些结果导入时，学生的知情同意书尚未回执或家长拒绝参加，因此暂存，不计入完成、不评定等级。"
                       "请逐条决定：家长已同意的计入；其余不计入（删除）。")
        intro.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.count_btn = QPushButton("计入（家长已同意）")
        self.discard_btn = QPushButton("不计入…")
        close = QPushButton("关闭")
        self.count_btn.clicked.connect(lambda: self.decide(True))
        self.discard_btn.clicked.connect(lambda: self.decide(False))
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.count_btn)
        buttons.addWidget(self.discard_btn)
        buttons.addStretch(1)
        buttons.addWidget(close)
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addWidget(self.table, 1)
        lay.addLayout(buttons)
        self.rows: list[HeldResult] = []
        self.reload()

    def reload(self) -> None:
        self.rows = held_results(self.session)
        self.table.setRowCount(len(self.rows))
        for r, h in enumerate(self.rows):
            for c, text in enumerate((h.campaign, h.name, h.class_name, h.scale_id, h.consent_label,
                                      "是" if h.critical else "")):
                self.table.setItem(r, c, QTableWidgetItem(text))
        if self.rows:
            self.table.selectRow(0)
        for b in (self.count_btn, self.discard_btn):
            b.setEnabled(bool(self.rows))

    def decide(self, count: bool) -> None:
        """计入 at once; 不计入 asks the reason first, in a form that survives a lock (``screening:held:<id>``)."""
        row = self.table.currentRow()
        if not 0 <= row < len(self.rows):
            return
        held = self.rows[row]
        if not count:
            dlg = ReasonDialog(self.session, f"screening:held:{held.id}", "不计入",
                               f"{held.name} 的结果不计入（将删除）的原因：",
                               lambda reason: decide_held(self.session, held.id, False, reason),
                               label="暂存结果不计入的原因", ok="不计入（删除）", required=False, parent=self)
            dlg.written.connect(lambda _r: self._decided())
            self.reason_dialog = dlg
            dlg.open()
            return
        try:
            decide_held(self.session, held.id, count, "")
        except XinqiaoError as e:
            dialogs.warn(self, "无法保存", e.message)
            return
        self._decided()

    def _decided(self) -> None:
        self.changed = True
        self.reload()

    def select_held(self, held_id: int) -> bool:
        for row, h in enumerate(self.rows):
            if h.id == held_id:
                self.table.selectRow(row)
                return True
        return False
