"""Importing historical records kept in Excel: preview (new / already there / invalid) and one-transaction apply.

Columns: 学籍号, 姓名, 日期, 类型, 时长（分钟）, 问题类别, 记录摘要, 保密记录 (matched by synonyms; the mapping can be
adjusted and saved as a profile of kind "sessions"). 记录摘要 goes to the ordinary tier, 保密记录 to the
confidential tier.

A counselor's own log is accepted too: it names students with their class and has no registry numbers, under
headers such as 来访日期, 学生姓名, 班级, 辅导形式, 主要问题/记录, 辅导教师. Students are found by the one matcher
(app.archive.matcher: registry number, ID number, then name with class); a match by name is written only once the
user confirms it, like screening's.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app import clock
from app.archive.matcher import BY_NAME, BY_REGISTRY, Match, MatchProblem, StudentMatcher
from app.casework.model import KIND_LABELS, RecordInput, kind_from_text
from app.casework.records import insert_record
from app.policy import can_counsel, require
from app.session import Session
from app.tabular import RowError, TableError, cell_text, parse_date, read_table
from app.tabular.error_reports import store_error_report
from app.tabular.imports import record_import, refuse_invalid_rows
from app.tabular.reader import Table, mapping_headers, nonblank_rows
from app.tabular.spec import ERROR_HEADERS, ImporterSpec, Options, PreviewView, Progress, Tab
from app.text import normalize_text

PROFILE_KIND = "sessions"
FIELD_LABELS = {"registry_no": "学籍号", "id_number": "身份证号", "name": "姓名", "class": "班级", "grade": "年级",
                "date": "日期", "time": "时间", "kind": "类型", "duration": "时长（分钟）", "categories": "问题类别",
                "summary": "记录摘要", "confidential": "保密记录", "place": "地点", "counselor": "辅导教师",
                "next_step": "下一步", "follow_up": "回访日期"}
SYNONYMS: dict[str, list[str]] = {
    "registry_no": ["学籍号", "全国学籍号", "国家学籍号", "学生学籍号", "学籍辅号"],
    "id_number": ["身份证号", "身份证件号", "身份证号码", "证件号码", "身份证件号码"],
    "name": ["姓名", "学生姓名", "来访者", "来访学生", "学生", "来访者姓名", "来访学生姓名", "辅导对象"],
    "class": ["班级", "班级名称", "所在班级", "班别", "来访者班级"],
    "grade": ["年级", "所在年级"],
    "date": ["日期", "咨询日期", "谈话日期", "辅导日期", "时间日期", "记录日期", "家访日期", "来访日期", "来访时间",
             "辅导时间", "咨询时间日期"],
    "time": ["时间", "开始时间", "咨询时间"],
    "kind": ["类型", "记录类型", "形式", "辅导形式", "咨询类型", "方式", "辅导方式", "咨询形式", "辅导类型", "来访形式"],
    "duration": ["时长（分钟）", "时长(分钟)", "时长", "时长/分钟", "分钟", "用时", "咨询时长", "辅导时长"],
    "categories": ["问题类别", "问题类型", "主诉类别", "类别", "问题"],
    "summary": ["记录摘要", "摘要", "内容摘要", "谈话内容", "咨询记录", "记录内容", "内容", "主要内容"],
    # A counselor's own log holds what the student said: it lands in the confidential tier unless remapped.
    "confidential": ["保密记录", "保密内容", "备注（保密）", "保密备注", "详细记录（保密）", "保密",
                     "主要问题/记录", "主要问题及记录", "主要问题与记录", "辅导记录", "辅导内容", "主要问题", "记录"],
    "place": ["地点", "咨询地点", "辅导地点"],
    "counselor": ["辅导教师", "辅导老师", "咨询师", "心理教师", "心理老师", "接待教师", "值班教师"],
    "next_step": ["下一步", "后续安排", "跟进措施", "处理意见"],
    "follow_up": ["回访日期", "下次回访", "跟进日期"],
}
REQUIRED = ["date", "kind"]
STUDENT_FIELDS = ("registry_no", "id_number", "name")  # at least one of them, to find the student
_SPLIT = re.compile(r"[、,，/;；\s]+")
_TIME = re.compile(r"^(\d{1,2})[:：](\d{2})")
PROGRESS_EVERY = 200


@dataclass
class ImportRow:
    sheet_row: int
    student_id: int
    registry_no: str
    name: str
    data: RecordInput
    matched_by: str = BY_REGISTRY   # "registry", "id_number" or "name_class" (written only once confirmed)
    class_name: str = ""


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
    headers: list[str] = field(default_factory=list)      # every non-blank header cell (for the mapping editor)

    @property
    def invalid_rows(self) -> list[int]:
        return sorted({e.row for e in self.errors})

    @property
    def name_matches(self) -> list[ImportRow]:
        return [r for r in self.new if r.matched_by == BY_NAME]

    def counts(self) -> dict[str, int]:
        return {"new": len(self.new), "duplicates": len(self.duplicates), "invalid": len(self.invalid_rows),
                "confidential": sum(1 for r in self.new if r.data.confidential),
                "name_matches": len(self.name_matches)}

    def as_json(self) -> dict[str, Any]:
        return {"file": self.file, "sheet": self.sheet, "header_row": self.header_row, "columns": self.columns,
                "counts": self.counts(), "errors": [e.as_json() for e in self.errors],
                "new": [{"row": r.sheet_row, "registry_no": r.registry_no, "name": r.name, "kind": r.data.kind,
                         "date": r.data.occurred_at[:10], "matched_by": r.matched_by} for r in self.new],
                "name_matches": [{"row": r.sheet_row, "registry_no": r.registry_no, "name": r.name,
                                  "class_name": r.class_name} for r in self.name_matches],
                "duplicates": self.duplicates}


def _existing(session: Session) -> set[tuple[int, str, str, str]]:
    return {(r[0], r[1][:10], r[2], r[3]) for r in session.db.query(
        "SELECT a.student_id, r.occurred_at, r.kind, r.summary FROM case_records r"
        " JOIN case_attendance a ON a.record_id = r.id WHERE r.deleted_at IS NULL")}


# What counselors write in a log's 辅导形式 column beyond the kinds' own names (checked after kind_from_text).
_KIND_WORDS: list[tuple[str, str]] = [
    ("家访", "home_visit"), ("电话", "parent_phone"), ("微信", "parent_phone"), ("家长", "parent_meeting"),
    ("团体", "group"), ("团辅", "group"), ("小组", "group"), ("班会", "group"),
    ("谈心", "talk"), ("谈话", "talk"), ("约谈", "talk"),
    ("个体", "individual"), ("个别", "individual"), ("个案", "individual"), ("咨询", "individual"),
    ("辅导", "individual"),
]


def record_kind(text: str) -> str | None:
    """A 辅导形式 / 类型 cell to a record kind: the kinds' names and synonyms, then the words logs use
    (个体心理辅导, 团体心理辅导, 班级团辅, 电话沟通家长 …)."""
    kind = kind_from_text(text)
    if kind is not None:
        return kind
    t = normalize_text(text or "").replace(" ", "")
    for word, k in _KIND_WORDS:
        if word in t:
            return k
    return None


_WEEKDAY = re.compile(r"[(（]?(?:星期|周|礼拜)[一二三四五六日天][)）]?")
_DAYPART = re.compile(r"(上午|下午|晚上|中午|早上|晚自习|课间)")
_MONTH_DAY = re.compile(r"^(\d{1,2})(?:月|[.\-/])(\d{1,2})日?$")
_SHORT_YEAR = re.compile(r"^(\d{2})[.\-/](\d{1,2})[.\-/](\d{1,2})$")
_CLOCK = re.compile(r"(\d{1,2})(?:[:：](\d{2})|点(?:(\d{1,2})分?|半)?)")


def visit_date(value: Any, today: dt.date, *, ahead: bool = False) -> tuple[dt.date | None, str]:
    """A date as counselors write it: 2026-10-11, 2026/10/11, 2026.10.11, 2026年10月11日, with 星期三 / (周三) /
    下午 / 14:30 around it, 26.10.11, or 10月11日 / 10.11 without a year (the latest such day not after ``today``;
    with ``ahead``, as for a follow-up date, the first such day from ``today`` on).

    Returns (date or None for blank, "HH:MM" or ""); raises ValueError with a Chinese reason."""
    if value is None or isinstance(value, (dt.date, int, float)):
        d = parse_date(value)
        hhmm = f"{value.hour:02d}:{value.minute:02d}" if isinstance(value, dt.datetime) and (
            value.hour or value.minute) else ""
        return d, hhmm
    text = cell_text(value)
    if not text:
        return None, ""
    text = _WEEKDAY.sub(" ", text)
    afternoon = bool(re.search(r"下午|晚上|晚自习", text))
    text = _DAYPART.sub(" ", text).strip()
    hhmm = ""
    parts = text.split()
    if len(parts) > 1:
        m = _CLOCK.fullmatch(parts[-1]) or _CLOCK.search(" ".join(parts[1:]))
        if m:
            h, mi = int(m.group(1)), int(m.group(2) or m.group(3) or (30 if "半" in m.group(0) else 0))
            if afternoon and h < 12:
                h += 12
            if 0 <= h < 24 and 0 <= mi < 60:
                hhmm = f"{h:02d}:{mi:02d}"
        text = parts[0]
    else:
        m = re.match(r"^(.*?日)(.+)$", text)  # 2026年10月11日14:30 / 10月11日下午3点
        if m and _CLOCK.search(m.group(2)):
            c = _CLOCK.search(m.group(2))
            assert c is not None
            h, mi = int(c.group(1)), int(c.group(2) or c.group(3) or (30 if "半" in c.group(0) else 0))
            if afternoon and h < 12:
                h += 12
            if 0 <= h < 24 and 0 <= mi < 60:
                hhmm = f"{h:02d}:{mi:02d}"
            text = m.group(1)
    m = _MONTH_DAY.match(text)
    if m:
        mo, day = int(m.group(1)), int(m.group(2))
        years = (today.year, today.year + 1) if ahead else (today.year, today.year - 1)
        for year in years:
            try:
                d = dt.date(year, mo, day)
            except ValueError:
                if (mo, day) == (2, 29):
                    continue
                raise ValueError(f"“{text}”不是有效日期，请核对月日") from None
            if (d >= today) if ahead else (d <= today):
                return d, hhmm
        raise ValueError(f"“{text}”没有年份，请写成 2026-10-11 的形式")
    m = _SHORT_YEAR.match(text)
    if m:
        text = f"20{m.group(1)}-{m.group(2)}-{m.group(3)}"
    return parse_date(text), hhmm


def _parse_row(table: Table, sheet_row: int, cells: list[Any], matcher: StudentMatcher
               ) -> tuple[ImportRow | None, list[RowError]]:
    errors: list[RowError] = []

    def label(fieldname: str) -> str:
        return table.header_of(fieldname) or FIELD_LABELS[fieldname]

    def err(fieldname: str, reason: str, value: Any = "") -> None:
        errors.append(RowError(sheet_row, label(fieldname), reason, cell_text(value)[:60]))

    found = matcher.match(registry_no=cell_text(table.value(cells, "registry_no")),
                          id_number=cell_text(table.value(cells, "id_number")),
                          name=cell_text(table.value(cells, "name")), class_text=cell_text(table.value(cells, "class")),
                          grade_text=cell_text(table.value(cells, "grade")))
    match: Match | None = None
    if isinstance(found, MatchProblem):
        err(found.field, found.reason, found.value)
    else:
        match = found
    raw_date = table.value(cells, "date")
    occurred = ""
    today = clock.today()
    try:
        d, hhmm = visit_date(raw_date, today)
        if d is None:
            err("date", "日期为空")
        elif d > today:
            err("date", f"日期 {d.isoformat()} 晚于今天", raw_date)
        elif d.year < 2000:
            err("date", f"日期 {d.isoformat()} 不在合理范围内", raw_date)
        else:
            occurred = d.isoformat()
            time_text = cell_text(table.value(cells, "time"))
            m = _TIME.match(time_text)
            if m and 0 <= int(m.group(1)) < 24 and 0 <= int(m.group(2)) < 60:
                occurred += f"T{int(m.group(1)):02d}:{m.group(2)}"
            elif hhmm:
                occurred += f"T{hhmm}"
    except ValueError as e:
        err("date", f"日期{e}", raw_date)
    raw_kind = cell_text(table.value(cells, "kind"))
    kind = record_kind(raw_kind)
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
        fd, _ = visit_date(raw_follow, today, ahead=True)
        follow = fd.isoformat() if fd else None
    except ValueError as e:
        err("follow_up", f"回访日期{e}", raw_follow)
    if errors or match is None or kind is None or not occurred:
        return None, errors
    student = match.student
    cats = [c for c in _SPLIT.split(cell_text(table.value(cells, "categories"))) if c]
    counselor = cell_text(table.value(cells, "counselor"))
    data = RecordInput(kind, [student.id], occurred, duration, cell_text(table.value(cells, "place")),
                       f"辅导教师：{counselor}" if counselor else "", "",
                       cats, "", _text(table.value(cells, "summary")), _text(table.value(cells, "confidential")),
                       "none", cell_text(table.value(cells, "next_step")), follow)
    return ImportRow(sheet_row, student.id, student.registry_no, student.name, data, match.by, student.class_name), []


def _text(value: Any) -> str:
    """Multi-line cell text, kept as written (only trimmed)."""
    if value is None:
        return ""
    return str(value).strip() if isinstance(value, str) else cell_text(value)


def preview_sessions(session: Session, path: Path, mapping: dict[str, str] | None = None,
                     sheet: str | None = None, *, progress: Progress | None = None) -> SessionsPreview:
    """Read and check a file of records without writing anything. ``progress(done, total)`` is called now and
    then (it may raise to stop the work)."""
    require(session, can_counsel, "导入谈话与辅导记录")
    path = Path(path)
    table = read_table(path, SYNONYMS, REQUIRED, FIELD_LABELS, mapping, sheet)
    if not any(f in table.columns for f in STUDENT_FIELDS):
        raise TableError(f"{path.name}（工作表“{table.sheet}”，第 {table.header_row} 行表头）：缺少“学籍号”“身份证号”"
                         "或“姓名”列，无法对应学生。请检查表头名称，或在导入时调整列对应关系。")
    preview = SessionsPreview(path.name, table.sheet, table.header_row,
                              {f: table.header_of(f) for f in table.columns},
                              file_hash=hashlib.sha256(path.read_bytes()).hexdigest(),
                              headers=[h for h in table.headers if h])
    matcher = StudentMatcher.load(session)
    existing = _existing(session)
    total = len(table.rows)
    for done, (sheet_row, cells) in enumerate(nonblank_rows(table)):
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done, total)
        row, errors = _parse_row(table, sheet_row, cells, matcher)
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


def sessions_headers(path: Path, mapping: dict[str, str] | None = None,
                     sheet: str | None = None) -> tuple[list[str], dict[str, str]] | None:
    """The header cells of the likely header row and the columns matched so far, for a mapping editor when the
    preview fails (e.g. no 日期 column recognised). None when no header row is found."""
    return mapping_headers(path, SYNONYMS, FIELD_LABELS, mapping, sheet)


@dataclass
class SessionsResult:
    preview: SessionsPreview
    written: int
    error_report: int | None = None  # the vault's import error report (app.tabular.error_reports)
    skipped_name_matches: int = 0


def apply_sessions(session: Session, preview: SessionsPreview, *, skip_invalid: bool = False,
                   confirm_name_matches: bool = False, confirmed_rows: set[int] | None = None) -> SessionsResult:
    """Write every new row in one transaction: all valid rows, or nothing.

    Rows matched by name (and class) are written only when confirmed: all of them, or the sheet rows in
    ``confirmed_rows``.
    """
    refuse_invalid_rows(preview, skip_invalid)
    require(session, can_counsel, "导入谈话与辅导记录")
    rows = [r for r in preview.new if r.matched_by != BY_NAME or confirm_name_matches
            or (confirmed_rows is not None and r.sheet_row in confirmed_rows)]
    skipped = len(preview.new) - len(rows)
    db = session.db
    now = clock.now_iso()
    with db.transaction():
        counts = preview.counts()
        import_id = record_import(session, "sessions", preview.file, preview.file_hash, counts)
        for row in rows:
            insert_record(session, row.data, import_id=import_id, entered_at=now)
        session.audit("import", preview.file, {"kind": "sessions", "written": len(rows), **counts})
        report = store_error_report(session, "sessions", preview.file, preview.errors) if preview.errors else None
    return SessionsResult(preview, len(rows), report, skipped)


def import_sessions(session: Session, path: Path, *, dry_run: bool = False, skip_invalid: bool = False,
                    mapping: dict[str, str] | None = None, confirm_name_matches: bool = False) -> SessionsResult:
    preview = preview_sessions(session, path, mapping)
    if dry_run:
        return SessionsResult(preview, 0)
    return apply_sessions(session, preview, skip_invalid=skip_invalid, confirm_name_matches=confirm_name_matches)



# -- the import dialog's description ---------------------------------------------------------------------------
def _describe(p: SessionsPreview) -> PreviewView:
    c = p.counts()
    confirm = f"，其中按姓名对应、需确认 {c['name_matches']} 条" if c["name_matches"] else ""
    return PreviewView(
        p.sheet, p.header_row, p.headers, p.columns, c,
        f"新记录 {c['new']} 条（含保密记录 {c['confidential']} 条{confirm}），已存在 {c['duplicates']} 条，"
        f"无效 {c['invalid']} 行。",
        {"new": [(r.sheet_row, r.name, r.class_name, r.data.occurred_at.replace("T", " "), KIND_LABELS[r.data.kind],
                  r.data.summary[:40]) for r in p.new],
         "duplicates": [(r, "档案中已有这条记录（或表中重复），不再导入") for r in p.duplicates]},
        p.errors, [],
        [(r.sheet_row, f"第 {r.sheet_row} 行 → {r.class_name} {r.name}（学籍号 {r.registry_no}）"
                       f"　{r.data.occurred_at[:10]} {KIND_LABELS[r.data.kind]}") for r in p.name_matches],
        "", bool(p.new))


def _outcome(result: SessionsResult, _options: Options) -> str:
    text = f"已写入 {result.written} 条记录。"
    if result.skipped_name_matches:
        text += f"\n{result.skipped_name_matches} 条按姓名对应的记录未确认，未导入。"
    if result.error_report:
        text += (f"\n{len(result.preview.invalid_rows)} 行无效未导入，错误报告已保存到心桥中（第 {result.error_report} 号，"
                 "可在“导入错误报告”中查看或加密导出）。")
    return text


SESSIONS_IMPORT = ImporterSpec(
    kind=PROFILE_KIND, title="导入谈话与辅导记录",
    file_hint="选择记录表（.xlsx 或 .csv）：历史记录或心理教师自己的辅导记录表",
    fields=lambda _s, _o: dict(FIELD_LABELS), required=tuple(REQUIRED),
    preview=lambda s, path, sheet, mapping, _o, progress: preview_sessions(s, path, mapping, sheet,
                                                                           progress=progress),
    headers=lambda _s, path, sheet, mapping, _o: sessions_headers(path, mapping, sheet),
    describe=_describe,
    apply=lambda s, p, a: apply_sessions(s, p, skip_invalid=a.skip_invalid, confirmed_rows=set(a.confirmed_rows)),
    outcome=_outcome,
    tabs=(Tab("new", "新记录", ("工作表行号", "学生", "班级", "时间", "类型", "摘要")),
          Tab("errors", "无效行", ERROR_HEADERS),
          Tab("duplicates", "已存在", ("工作表行号", "说明"))))
