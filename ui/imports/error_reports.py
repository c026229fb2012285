"""Import error reports in the window: they stay in the vault and leave it only as an export (encrypted with the
export password, or plain by the explicit choice after the warning), like every other file of named records."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget

from app.errors import XinqiaoError
from app.session import Session
from app.tabular.error_reports import export_error_report, get_error_report
from ui.shell import dialogs, export_password


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
