"""Importing historical records kept in Excel: preview (new / already there / invalid) and one-transaction apply.

Columns: 学籍号, 姓名, 日期, 类型, 时长（分钟）, 问题类别, 记录摘要, 保密记录 (matched by synonyms; the mapping can be
adjusted and saved as a profile of kind "sessions"). 记录摘要 goes to the ordinary tier, 保密记录 to the
confidential tier.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app import clock
from app.casework.model import KIND_LABELS, RecordInput, kind_from_text
from app.casework.records import insert_record
from app.errors import InputRejected
from app.policy import can_counsel, require
from app.school.classnames import normalize_text
from app.session import Session
from app.tabular import RowError, cell_text, parse_date, read_table
from app.tabular.reader import Table, nonblank_rows
from app.tabular.reader import write_error_report as tabular_report

PROFILE_KIND = "sessions"
FIELD_LABELS = {"registry_no": "学籍号", "name": "姓名", "date": "日期", "time": "时间", "kind": "类型",
                "duration": "时长（分钟）", "categories": "问题类别", "summary": "记录摘要", "confidential": "保密记录",
                "place": "地点", "next_step": "下一步", "follow_up": "回访日期"}
SYNONYMS: dict[str, list[str]] = {
    "registry_no": ["学籍号", "全国学籍号", "国家学籍号", "学生学籍号", "学籍辅号"],
    "name": ["姓名", "学生姓名", "来访者", "来访学生", "学生"],
    "date": ["日期", "咨询日期", "谈话日期", "辅导日期", "时间日期", "记录日期", "家访日期"],
    "time": ["时间", "开始时间", "咨询时间"],
    "kind": ["类型", "记录类型", "形式", "辅导形式", "咨询类型", "方式"],
    "duration": ["时长（分钟）", "时长(分钟)", "时长", "时长/分钟", "分钟", "用时", "咨询时长"],
    "categories": ["问题类别", "问题类型", "主诉类别", "类别", "问题"],
    "summary": ["记录摘要", "摘要", "内容摘要", "谈话内容", "咨询记录", "记录内容", "内容", "主要内容"],
    "confidential": ["保密记录", "保密内容", "备注（保密）", "保密备注", "详细记录（保密）", "保密"],
    "place": ["地点", "咨询地点"],
    "next_step": ["下一步", "后续安排", "跟进措施", "处理意见"],
    "follow_up": ["回访日期", "下次回访", "跟进日期"],
}
REQUIRED = ["registry_no", "date", "kind"]
_SPLIT = re.compile(r"[、,，/;；\s]+")
_TIME = re.compile(r"^(\d{1,2})[:：](\d{2})")


@dataclass
class ImportRow:
    sheet_row: int
    student_id: int
    registry_no: str
    name: str
    data: RecordInput


@dataclass
class SessionsPreview:
    file: str
    sheet: str
    header_row: int
    columns: dict[str, str]
    new: list[ImportRow] = field(default_factory=list)
    duplicates: list[int] = field(default_factory=list)   # sheet rows already in the archive (or repeated)
    errors: list[RowError] = field(default_factory=list)
    file_hash: str = ""

    @property
    def invalid_rows(self) -> list[int]:
        return sorted({e.row for e in self.errors})

    def counts(self) -> dict[str, int]:
        return {"new": len(self.new), "duplicates": len(self.duplicates), "invalid": len(self.invalid_rows),
                "confidential": sum(1 for r in self.new if r.data.confidential)}

    def as_json(self) -> dict[str, Any]:
        return {"file": self.file, "sheet": self.sheet, "header_row": self.header_row, "columns": self.columns,
                "counts": self.counts(), "errors": [e.as_json() for e in self.errors],
                "new": [{"row": r.sheet_row, "registry_no": r.registry_no, "name": r.name, "kind": r.data.kind,
                         "date": r.data.occurred_at[:10]} for r in self.new],
                "duplicates": self.duplicates}


def _students(session: Session) -> dict[str, tuple[int, str]]:
    return {r[0]: (r[1], r[2]) for r in session.db.query("SELECT registry_no, id, name FROM students")}


def _existing(session: Session) -> set[tuple[int, str, str, str]]:
    return {(r[0], r[1][:10], r[2], r[3]) for r in session.db.query(
        "SELECT a.student_id, r.occurred_at, r.kind, r.summary FROM case_records r"
        " JOIN case_attendance a ON a.record_id = r.id WHERE r.deleted_at IS NULL")}


def _parse_row(table: Table, sheet_row: int, cells: list[Any], students: dict[str, tuple[int, str]]
               ) -> tuple[ImportRow | None, list[RowError]]:
    errors: list[RowError] = []

    def err(fieldname: str, reason: str, value: Any = "") -> None:
        errors.append(RowError(sheet_row, table.header_of(fieldname) or FIELD_LABELS[fieldname], reason,
                               cell_text(value)))

    registry = cell_text(table.value(cells, "registry_no")).replace(" ", "").upper()
    name = cell_text(table.value(cells, "name")).replace(" ", "")
    student: tuple[int, str] | None = None
    if not registry:
        err("registry_no", "学籍号为空")
    else:
        student = students.get(registry)
        if student is None:
            err("registry_no", f"档案中没有学籍号为 {registry} 的学生，请先导入花名册或核对学籍号", registry)
        elif name and normalize_text(name) != normalize_text(student[1]):
            err("name", f"姓名“{name}”与学籍号 {registry} 的学生“{student[1]}”不一致", name)
            student = None
    raw_date = table.value(cells, "date")
    occurred = ""
    try:
        d = parse_date(raw_date)
        if d is None:
            err("date", "日期为空")
        elif d > clock.today():
            err("date", f"日期 {d.isoformat()} 晚于今天", raw_date)
        elif d.year < 2000:
            err("date", f"日期 {d.isoformat()} 不在合理范围内", raw_date)
        else:
            occurred = d.isoformat()
            time_text = cell_text(table.value(cells, "time"))
            m = _TIME.match(time_text) or _TIME.match(cell_text(raw_date).split(" ")[-1])
            if m and 0 <= int(m.group(1)) < 24 and 0 <= int(m.group(2)) < 60:
                occurred += f"T{int(m.group(1)):02d}:{m.group(2)}"
    except ValueError as e:
        err("date", f"日期{e}", raw_date)
    raw_kind = cell_text(table.value(cells, "kind"))
    kind = kind_from_text(raw_kind)
    if not raw_kind:
        err("kind", "类型为空")
    elif kind is None:
        err("kind", f"类型“{raw_kind}”无法识别，可填：{'、'.join(KIND_LABELS.values())}", raw_kind)
    raw_duration = table.value(cells, "duration")
    duration: int | None = None
    dtext = cell_text(raw_duration).replace("分钟", "").replace("分", "").replace("min", "").strip()
    if dtext:
        try:
            value = float(dtext)
            if value != value or not (0 <= value <= 600) or not float(value).is_integer():
                raise ValueError
            duration = int(value)
        except (ValueError, OverflowError):
            err("duration", f"时长“{cell_text(raw_duration)}”应为 0–600 之间的整数分钟", raw_duration)
    follow = None
    raw_follow = table.value(cells, "follow_up")
    try:
        fd = parse_date(raw_follow)
        follow = fd.isoformat() if fd else None
    except ValueError as e:
        err("follow_up", f"回访日期{e}", raw_follow)
    if errors or student is None or kind is None or not occurred:
        return None, errors
    cats = [c for c in _SPLIT.split(cell_text(table.value(cells, "categories"))) if c]
    data = RecordInput(kind, [student[0]], occurred, duration, cell_text(table.value(cells, "place")), "", "",
                       cats, "", _text(table.value(cells, "summary")), _text(table.value(cells, "confidential")),
                       "none", cell_text(table.value(cells, "next_step")), follow)
    return ImportRow(sheet_row, student[0], registry, student[1], data), []


def _text(value: Any) -> str:
    """Multi-line cell text, kept as written (only trimmed)."""
    if value is None:
        return ""
    return str(value).strip() if isinstance(value, str) else cell_text(value)


def preview_sessions(session: Session, path: Path, mapping: dict[str, str] | None = None,
                     sheet: str | None = None) -> SessionsPreview:
    """Read and check a file of records without writing anything."""
    require(session, can_counsel, "导入谈话与辅导记录")
    path = Path(path)
    table = read_table(path, SYNONYMS, REQUIRED, FIELD_LABELS, mapping, sheet)
    preview = SessionsPreview(path.name, table.sheet, table.header_row,
                              {f: table.header_of(f) for f in table.columns},
                              file_hash=hashlib.sha256(path.read_bytes()).hexdigest())
    students = _students(session)
    existing = _existing(session)
    for sheet_row, cells in nonblank_rows(table):
        row, errors = _parse_row(table, sheet_row, cells, students)
        if row is None:
            preview.errors.extend(errors)
            continue
        key = (row.student_id, row.data.occurred_at[:10], row.data.kind, row.data.summary)
        if key in existing:
            preview.duplicates.append(sheet_row)
            continue
        existing.add(key)
        preview.new.append(row)
    preview.errors.sort(key=lambda e: e.row)
    return preview


@dataclass
class SessionsResult:
    preview: SessionsPreview
    written: int
    error_report: Path | None = None


def apply_sessions(session: Session, preview: SessionsPreview, *, skip_invalid: bool = False) -> SessionsResult:
    """Write every new row in one transaction: all valid rows, or nothing."""
    if preview.errors and not skip_invalid:
        raise InputRejected(f"{preview.file} 有 {len(preview.invalid_rows)} 行无效，未写入任何数据。"
                            "请修改后重新导入，或选择“跳过无效行”。")
    require(session, can_counsel, "导入谈话与辅导记录")
    db = session.db
    now = clock.now_iso()
    with db.transaction():
        counts = preview.counts()
        cur = db.execute("INSERT INTO imports (kind, file_name, file_hash, at, account, counts) VALUES"
                         " ('sessions', :f, :h, :t, :a, :c)",
                         {"f": preview.file, "h": preview.file_hash, "t": now, "a": session.account.label,
                          "c": json.dumps(counts)})
        import_id = int(cur.lastrowid or 0)
        for row in preview.new:
            insert_record(session, row.data, import_id=import_id, entered_at=now)
        session.audit("import", preview.file, {"kind": "sessions", **counts})
    report = write_error_report(session.paths.reports, preview) if preview.errors else None
    return SessionsResult(preview, len(preview.new), report)


def write_error_report(folder: Path, preview: SessionsPreview) -> Path:
    return tabular_report(folder, preview.file, preview.errors, "记录导入错误")


def import_sessions(session: Session, path: Path, *, dry_run: bool = False, skip_invalid: bool = False,
                    mapping: dict[str, str] | None = None) -> SessionsResult:
    preview = preview_sessions(session, path, mapping)
    if dry_run:
        return SessionsResult(preview, 0)
    return apply_sessions(session, preview, skip_invalid=skip_invalid)

