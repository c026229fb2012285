"""Import error reports, kept in the vault.

The rows an import rejected carry names, registry numbers and what was typed; they stay in the vault (table
``import_error_reports``), are listed and shown from the window and the command line (``import-errors``), and leave
it only as an export like any other named records: an encrypted .xlsx, or plain by an explicit choice.

Who reads a report: the accounts that may run that import (``READ_RULES``): the roster's reports those who manage
the roster, the screening and session-log reports the counselor.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app import clock
from app.errors import InputRejected, PermissionDenied
from app.policy import Rule, can_counsel, can_keep_network, can_manage_roster
from app.session import Session
from app.tabular.reader import RowError
from app.tabular.writing import append_row, new_workbook, save_named_workbook

HEADERS = ["文件", "工作表行号", "字段", "原因", "原值"]
KIND_LABELS = {"roster": "花名册", "screening": "测评结果", "sessions": "谈话与辅导记录", "network": "预警网络报告"}


# The rule of app.policy that lets an account run each import, and so read its rejected rows.
READ_RULES: dict[str, Rule] = {"roster": can_manage_roster, "screening": can_counsel, "sessions": can_counsel,
                               "network": can_keep_network}


def _may_read(session: Session, kind: str) -> bool:
    return READ_RULES.get(kind, can_counsel)(session.account)


@dataclass(frozen=True)
class ErrorReport:
    id: int
    kind: str
    file_name: str
    at: str
    account: str
    errors: tuple[RowError, ...]

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def title(self) -> str:
        return f"{self.at[:16].replace('T', ' ')} {self.kind_label} {self.file_name}（{len(self.errors)} 处错误）"

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "file": self.file_name, "at": self.at, "account": self.account,
                "errors": [e.as_json() for e in self.errors]}


def store_error_report(session: Session, kind: str, file_name: str, errors: Sequence[RowError]) -> int:
    """Keep the rejected rows in the vault; returns the report's number. Joins the caller's transaction (the
    import writes it inside its own), and is audited with it."""
    db = session.db
    with db.transaction():
        cur = db.execute(
            "INSERT INTO import_error_reports (kind, file_name, at, account, row_count, errors) VALUES"
            " (:k, :f, :t, :a, :n, :e)",
            {"k": kind, "f": file_name, "t": clock.now_iso(), "a": session.account.label,
             "n": len({e.row for e in errors}),
             "e": json.dumps([e.as_json() for e in errors], ensure_ascii=False)})
        report_id = int(cur.lastrowid or 0)
        session.audit("import", file_name, {"kind": kind, "error_report": report_id,
                                            "invalid_rows": len({e.row for e in errors})})
    return report_id


def _report(row: Any) -> ErrorReport:
    errors = tuple(RowError(int(e["row"]), str(e["field"]), str(e["reason"]), str(e.get("value", "")))
                   for e in json.loads(row["errors"]))
    return ErrorReport(int(row["id"]), row["kind"], row["file_name"], row["at"], row["account"], errors)


def list_error_reports(session: Session) -> list[ErrorReport]:
    """The reports this account may read, newest first."""
    rows = session.db.query("SELECT * FROM import_error_reports ORDER BY at DESC, id DESC")
    return [_report(r) for r in rows if _may_read(session, r["kind"])]


def get_error_report(session: Session, report_id: int) -> ErrorReport:
    row = session.db.query("SELECT * FROM import_error_reports WHERE id = :id", {"id": report_id})
    if not row:
        raise InputRejected(f"没有编号为 {report_id} 的导入错误报告。用 import-errors 列出已有的报告。")
    if not _may_read(session, row[0]["kind"]):
        raise PermissionDenied(READ_RULES.get(row[0]["kind"], can_counsel).refusal("查看这份导入错误报告"))
    return _report(row[0])


def export_error_report(session: Session, report_id: int, path: Path, *, password: str | None = None,
                        plain: bool = False) -> Path:
    """The report as an .xlsx (encrypted with ``password``, or plain by the explicit choice); audited."""
    report = get_error_report(session, report_id)
    wb, ws = new_workbook("错误行", HEADERS)
    for e in report.errors:
        append_row(ws, [report.file_name, e.row, e.field, e.reason, e.value])
    return save_named_workbook(session, wb, path, password=password, plain=plain,
                               target=f"import_error_report:{report.id}",
                               detail={"kind": "import_error_report", "report": report.id, "rows": len(report.errors)})
