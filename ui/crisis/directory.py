"""转介机构名录: everyone may read it; accounts that manage add, change and retire entries."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.crisis.institutions import Institution, add_institution, list_institutions, update_institution
from app.errors import XinqiaoError
from app.policy import can_manage_school
from app.session import Session
from ui.crisis.forms import line
from ui.shell.theme import set_tone

COLUMNS = ("名称", "科室", "电话", "绿色通道", "地址")


class DirectoryDialog(QDialog):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.editable = can_manage_school(session.account)
        self.setWindowTitle("转介机构名录")
        self.resize(820, 520)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)   # phone numbers never cut
        header.setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._selected)
        self.name = line()
        self.department = line()
        self.phone = line()
        self.green = QCheckBox("转介绿色通道定点机构")
        self.address = line()
        form = QFormLayout()
        for label, w in (("名称", self.name), ("科室", self.department), ("电话", self.phone), ("", self.green),
                         ("地址", self.address)):
            form.addRow(label, w)
            w.setEnabled(self.editable)
        self.add_button = QPushButton("添加为新机构")
        self.save_button = QPushButton("保存修改")
        self.retire_button = QPushButton("停用")
        self.add_button.clicked.connect(self.add)
        self.save_button.clicked.connect(self.save)
        self.retire_button.clicked.connect(self.retire)
        row = QHBoxLayout()
        for b in (self.add_button, self.save_button, self.retire_button):
            b.setVisible(self.editable)
            row.addWidget(b)
        row.addStretch(1)
        self.error = QLabel()
        set_tone(self.error, "error")
        note = QLabel("" if self.editable else "只有管理员可以修改名录。")
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        close.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.table, 1)
        lay.addWidget(note)
        lay.addLayout(form)
        lay.addLayout(row)
        lay.addWidget(self.error)
        lay.addWidget(close)
        self.items: list[Institution] = []
        self.refresh()

    def refresh(self) -> None:
        self.items = list_institutions(self.session)
        self.table.setRowCount(len(self.items))
        for r, i in enumerate(self.items):
            for c, text in enumerate((i.name, i.department, i.phone, "是" if i.green_channel else "否", i.address)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, i.id)
                self.table.setItem(r, c, item)
        self._selected()

    def current(self) -> Institution | None:
        row = self.table.currentRow()
        return self.items[row] if 0 <= row < len(self.items) and self.table.selectedItems() else None

    def _selected(self) -> None:
        cur = self.current()
        self.save_button.setEnabled(cur is not None)
        self.retire_button.setEnabled(cur is not None)
        if cur is not None:
            self.name.setText(cur.name)
            self.department.setText(cur.department)
            self.phone.setText(cur.phone)
            self.green.setChecked(cur.green_channel)
            self.address.setText(cur.address)

    def _run(self, action) -> bool:  # type: ignore[no-untyped-def]
        try:
            action()
        except XinqiaoError as e:
            self.error.setText(e.message)
            return False
        self.error.setText("")
        self.refresh()
        return True

    def add(self) -> bool:
        return self._run(lambda: add_institution(self.session, self.name.text(), department=self.department.text(),
                                                 phone=self.phone.text(), green_channel=self.green.isChecked(),
                                                 address=self.address.text()))

    def save(self) -> bool:
        cur = self.current()
        if cur is None:
            return False
        return self._run(lambda: update_institution(
            self.session, cur.id, "在名录中修改", name=self.name.text(), department=self.department.text(),
            phone=self.phone.text(), green_channel=self.green.isChecked(), address=self.address.text()))

    def retire(self) -> bool:
        cur = self.current()
        if cur is None:
            return False
        return self._run(lambda: update_institution(self.session, cur.id, "停用", active=False))
