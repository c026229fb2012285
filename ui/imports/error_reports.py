"""Import error reports in the window: they stay in the vault and leave it only as an export (encrypted with the
export password, or plain by the explicit choice after the warning), like every other file of named records."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.errors import XinqiaoError
from app.session import Session
from app.tabular.error_reports import export_error_report, get_error_report, list_error_reports
from ui.shell import dialogs, export_password
from ui.shell.views import keep_registry_numbers_whole


def export_report(parent: QWidget | None, session: Session, report_id: int) -> Path | None:
    """Ask where and how, then write the report; the path written, or None (cancelled or refused)."""
    try:
        report = get_error_report(session, report_id)
    except XinqiaoError as e:
        dialogs.error(parent, "导出错误报告", e.message)
        return None
    path = dialogs.save_file(parent, "导出错误报告", f"导入错误-{Path(report.file_name).stem}.xlsx",
                             "Excel 文件 (*.xlsx)")
    if not path:
        return None
    how = export_password.choose(parent, session)
    if how is None:
        return None
    try:
        out = export_error_report(session, report_id, Path(path), password=how.password, plain=how.plain)
    except (OSError, XinqiaoError) as e:
        dialogs.error(parent, "导出错误报告", getattr(e, "message", None) or f"无法写入文件：{e}")
        return None
    dialogs.inform(parent, "导出错误报告", f"已导出 {len(report.errors)} 处错误到 {out}。{how.done_text}")
    return out


class ErrorReportsDialog(QDialog):
    """The import error reports this account may read (newest first), the rows of the one selected, and 导出…"""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("导入错误报告")
        self.resize(820, 480)
        self.reports = list_error_reports(session)
        self.list = QListWidget()
        for r in self.reports:
            self.list.addItem(r.title)
        self.rows = QTableWidget(0, 4)
        self.rows.setHorizontalHeaderLabels(["工作表行号", "字段", "原因", "原值"])
        self.rows.horizontalHeader().setStretchLastSection(True)
        self.rows.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        keep_registry_numbers_whole(self.rows)
        self.export_button = QPushButton("导出…")
        self.export_button.clicked.connect(self.export_selected)
        close = QPushButton("关闭")
        close.clicked.connect(self.reject)
        self.empty = QLabel("还没有导入错误报告：导入时跳过的无效行会保存在这里（保存在加密的数据库中）。")
        self.empty.setVisible(not self.reports)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(close)
        lay = QVBoxLayout(self)
        lay.addWidget(self.empty)
        lay.addWidget(self.list, 1)
        lay.addWidget(self.rows, 2)
        lay.addLayout(buttons)
        self.list.currentRowChanged.connect(self._show)
        if self.reports:
            self.list.setCurrentRow(0)
        self.export_button.setEnabled(bool(self.reports))

    def _show(self, index: int) -> None:
        if not 0 <= index < len(self.reports):
            self.rows.setRowCount(0)
            return
        report = self.reports[index]
        self.rows.setRowCount(len(report.errors))
        for r, e in enumerate(report.errors):
            for c, v in enumerate((str(e.row), e.field, e.reason, e.value)):
                self.rows.setItem(r, c, QTableWidgetItem(v))

    def export_selected(self) -> Path | None:
        index = self.list.currentRow()
        if not 0 <= index < len(self.reports):
            return None
        return export_report(self, self.session, self.reports[index].id)
