"""Importing a period's reports from a collection sheet: one row per class (or room) and student of concern.

Headers are matched by synonyms (日期, 期次, 班级, 宿舍, 报告人/心理委员/信息员, 报告人身份, 类型, 班级情况, 事件, 关注学生,
学籍号, 表现, 情况说明 …); rows of one class (or room), date, reporter and type make one report; a row without a
student is that class's zero report (本期无异常). Students are found through the archive's one matcher within the
reported class. A report names a classmate by name in the class it comes from: such rows are written as they are
(a concern dropped for want of a confirmation would be a warning left without a decision) and listed as
name matches to check.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app import clock
from app.archive.matcher import BY_NAME, MatchProblem, StudentMatcher
from app.errors import InputRejected
from app.network.model import REPORTER_KINDS, SIGNS, ZERO_WORDS, check_period, parse_room, sign_from_text
from app.network.reports import ConcernInput, ReportInput, insert_report
from app.policy import can_keep_network, require
from app.school.classnames import parse_class, parse_grade
from app.session import Session
from app.tabular import RowError, TableError, cell_text, read_table
from app.tabular.error_reports import store_error_report
from app.tabular.imports import past_date, record_import, refuse_invalid_rows
from app.tabular.reader import mapping_headers, nonblank_rows
from app.tabular.spec import ERROR_HEADERS, ImporterSpec, Options, PreviewView, Progress, Tab

PROFILE_KIND = "network_reports"
FIELD_LABELS = {"date": "日期", "period": "期次", "class": "班级", "grade": "年级", "room": "宿舍",
                "reporter": "报告人", "reporter_kind": "报告人身份", "kind": "类型", "climate": "班级情况",
                "events": "事件", "name": "关注学生", "registry_no": "学籍号", "signs": "表现", "seen": "情况说明"}
SYNONYMS: dict[str, list[str]] = {
    "date": ["日期", "报告日期", "填报日期", "上报日期", "时间"],
    "period": ["期次", "月份", "报告月份", "周期", "所属月份"],
    "class": ["班级", "班级名称", "所在班级", "班别"],
    "grade": ["年级"],
    "room": ["宿舍", "宿舍号", "寝室", "寝室号", "宿舍房间"],
    "reporter": ["报告人", "心理委员", "班级心理委员", "信息员", "宿舍信息员", "心理信息员", "宿舍心理信息员", "填报人",
                 "上报人"],
    "reporter_kind": ["报告人身份", "身份", "报告人类别"],
    "kind": ["类型", "报告类型", "报告方式"],
    "climate": ["班级情况", "班级氛围", "班级心理氛围", "总体情况", "班级整体情况", "宿舍情况"],
    "events": ["事件", "近期事件", "班级事件", "重要事件", "本期事件"],
    "name": ["关注学生", "关注学生姓名", "需关注学生", "重点关注学生", "学生姓名", "姓名"],
    "registry_no": ["学籍号", "全国学籍号", "国家学籍号"],
    "signs": ["表现", "主要表现", "预警信号", "信号", "异常表现", "表现类型", "问题类型"],
    "seen": ["情况说明", "具体表现", "具体情况", "表现描述", "情况描述", "所见情况", "说明", "备注"],
}
REQUIRED = ["date"]
_SPLIT = re.compile(r"[、,，/;；\s]+")
PROGRESS_EVERY = 200


@dataclass
class ImportedReport:
    rows: list[int]
    key: tuple[Any, ...]
    data: ReportInput
    place: str
    names: list[str] = field(default_factory=list)


@dataclass
class ReportsPreview:
    file: str
    sheet: str
    header_row: int
    columns: dict[str, str]
    reports: list[ImportedReport] = field(default_factory=list)
    duplicates: list[int] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    name_matches: list[tuple[int, str]] = field(default_factory=list)
    dropped: int = 0                      # reports whose every row is invalid
    file_hash: str = ""
    headers: list[str] = field(default_factory=list)

    @property
    def invalid_rows(self) -> list[int]:
        return sorted({e.row for e in self.errors})

    def counts(self) -> dict[str, int]:
        return {"reports": len(self.reports), "zero": sum(1 for r in self.reports if not r.data.concerns),
                "concerns": sum(len(r.data.concerns) for r in self.reports), "duplicates": len(self.duplicates),
                "invalid": len(self.invalid_rows), "name_matches": len(self.name_matches)}

    def as_json(self) -> dict[str, Any]:
        return {"file": self.file, "sheet": self.sheet, "header_row": self.header_row, "columns": self.columns,
                "counts": self.counts(), "errors": [e.as_json() for e in self.errors],
                "reports": [{"rows": r.rows, "place": r.place, "date": r.data.reported_on,
                             "period": r.data.period, "immediate": r.data.immediate,
                             "reporter": r.data.reporter, "reporter_kind": REPORTER_KINDS[r.data.reporter_kind],
                             "zero": not r.data.concerns, "students": r.names} for r in self.reports],
                "name_matches": [{"row": row, "student": what} for row, what in self.name_matches],
                "duplicates": self.duplicates}


def _kind_of(text: str) -> bool | None:
    """True for an immediate report, False for a routine one, None when unrecognised."""
    t = text.replace(" ", "")
    if not t or any(w in t for w in ("例行", "常规", "月报", "定期", "每月")):
        return False
    if any(w in t for w in ("即时", "紧急", "立即", "随时", "临时")):
        return True
    return None


def _reporter_kind(text: str, header: str, has_class: bool) -> str | None:
    t = (text or header).replace(" ", "")
    for word, kind in (("信息员", "informant"), ("宿舍", "informant"), ("心理委员", "psych_rep"), ("委员", "psych_rep"),
                       ("班主任", "head_teacher"), ("教师", "teacher"), ("老师", "teacher")):
        if word in t:
            return kind
    if text:
        return None
    return "psych_rep" if has_class else "informant"


def _text(value: Any) -> str:
    if value is None:
        return ""
    return str(value).strip() if isinstance(value, str) else cell_text(value)


def preview_reports(session: Session, path: Path, mapping: dict[str, str] | None = None, sheet: str | None = None,
                    *, progress: Progress | None = None) -> ReportsPreview:
    """Read and check a collection sheet without writing anything."""
    require(session, can_keep_network, "导入预警网络报告")
    path = Path(path)
    table = read_table(path, SYNONYMS, REQUIRED, FIELD_LABELS, mapping, sheet)
    if "class" not in table.columns and "room" not in table.columns:
        raise TableError(f"{path.name}（工作表“{table.sheet}”，第 {table.header_row} 行表头）：缺少“班级”或“宿舍”列，"
                         "无法知道报告来自哪里。请检查表头名称，或在导入时调整列对应关系。")
    preview = ReportsPreview(path.name, table.sheet, table.header_row,
                             {f: table.header_of(f) for f in table.columns},
                             file_hash=hashlib.sha256(path.read_bytes()).hexdigest(),
                             headers=[h for h in table.headers if h])
    matcher = StudentMatcher.load(session)
    today = clock.today()
    existing = {(r[0], r[1], r[2], r[3], r[4], r[5]) for r in session.db.query(
        "SELECT reported_on, immediate, class_id, building, room, reporter FROM network_reports")}
    class_names = {r[0]: r[1] for r in session.db.query("SELECT id, name FROM classes")}
    groups: dict[tuple[Any, ...], ImportedReport] = {}
    bad_groups: set[tuple[Any, ...]] = set()
    reporter_header = table.header_of("reporter")
    total = len(table.rows)
    for done, (row, cells) in enumerate(nonblank_rows(table)):
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done, total)
        errors: list[RowError] = []

        def err(fieldname: str, reason: str, value: Any = "") -> None:
            errors.append(RowError(row, table.header_of(fieldname) or FIELD_LABELS[fieldname], reason,  # noqa: B023
                                   cell_text(value)[:60]))

        day = past_date(table.value(cells, "date"), today, lambda reason, value: err("date", reason, value),
                        empty="日期为空")
        period = ""
        raw_period = cell_text(table.value(cells, "period"))
        if raw_period:
            try:
                period = check_period(raw_period.replace("年", "-").replace("月", ""))
            except InputRejected as e:
                err("period", str(e), raw_period)
        class_text, grade_text = cell_text(table.value(cells, "class")), cell_text(table.value(cells, "grade"))
        room_text = cell_text(table.value(cells, "room"))
        class_id: int | None = None
        building = room = ""
        if class_text:
            ref = parse_class(class_text, parse_grade(grade_text) if grade_text else None)
            if ref is None:
                err("class", f"班级“{class_text}”无法识别，请写成 七年级（3）班、初一3班 或 7.3", class_text)
            elif (ref.grade, ref.number) not in matcher.classes:
                err("class", f"学校没有{ref.name}（班级“{class_text}”），请核对班级，或先导入花名册", class_text)
            else:
                class_id = matcher.classes[(ref.grade, ref.number)]
        elif room_text:
            parsed = parse_room(room_text)
            if parsed is None:
                err("room", f"宿舍“{room_text}”无法识别，请写成“3号楼 201”", room_text)
            else:
                building, room = parsed
        else:
            err("class", "班级和宿舍都为空，不知道报告来自哪里")
        kind_text = cell_text(table.value(cells, "kind"))
        immediate = _kind_of(kind_text)
        if immediate is None:
            err("kind", f"类型“{kind_text}”无法识别，请填“例行”或“即时”", kind_text)
        reporter = cell_text(table.value(cells, "reporter"))
        rk_text = cell_text(table.value(cells, "reporter_kind"))
        rkind = _reporter_kind(rk_text, reporter_header, bool(class_text))
        if rkind is None:
            err("reporter_kind", f"报告人身份“{rk_text}”无法识别，可填：{'、'.join(REPORTER_KINDS.values())}", rk_text)
        name = cell_text(table.value(cells, "name"))
        registry = cell_text(table.value(cells, "registry_no"))
        signs_text = cell_text(table.value(cells, "signs"))
        seen = _text(table.value(cells, "seen"))
        concern: ConcernInput | None = None
        zero_row = (not name and not registry) or name in ZERO_WORDS
        if zero_row:
            if signs_text and signs_text not in ZERO_WORDS:
                err("name", "填写了表现，但没有关注学生的姓名", signs_text)
        else:
            found = matcher.match(registry_no=registry, name=name, class_text=class_text, grade_text=grade_text)
            signs: list[str] = []
            for part in (p for p in _SPLIT.split(signs_text) if p):
                sign = sign_from_text(part)
                if sign is None:
                    err("signs", f"表现“{part}”无法识别，可填：{'、'.join(SIGNS)}", part)
                elif sign not in signs:
                    signs.append(sign)
            if not signs_text:
                err("signs", f"关注学生“{name or registry}”没有填写表现，请从列表中选择：{'、'.join(SIGNS)}")
            if isinstance(found, MatchProblem):
                field_name = {"registry_no": "registry_no", "class": "class"}.get(found.field, "name")
                err(field_name, found.reason, found.value)
            elif not errors:
                concern = ConcernInput(found.student.id, signs, seen)
                if found.by == BY_NAME:
                    preview.name_matches.append(
                        (row, f"{name} → {found.student.class_name} {found.student.name}（学籍号 "
                              f"{found.student.registry_no}）"))
        key = (day.isoformat() if day else None, period, bool(immediate), class_id, building, room, rkind, reporter)
        if errors:
            preview.errors.extend(errors)
            bad_groups.add(key)
            continue
        assert day is not None and rkind is not None and immediate is not None
        if (day.isoformat(), int(immediate), class_id, building, room, reporter) in existing:
            preview.duplicates.append(row)
            continue
        rep = groups.get(key)
        if rep is None:
            place = class_names[class_id] if class_id is not None else f"{building} {room}"
            rep = ImportedReport([], key, ReportInput(day.isoformat(), rkind, reporter, class_id, building, room,
                                                      immediate, period), place)
            groups[key] = rep
        rep.rows.append(row)
        if not rep.data.climate:
            rep.data.climate = _text(table.value(cells, "climate"))
        if not rep.data.events:
            rep.data.events = _text(table.value(cells, "events"))
        if concern is not None:
            if any(c.student_id == concern.student_id for c in rep.data.concerns):
                preview.errors.append(RowError(row, table.header_of("name") or "关注学生",
                                               f"“{name}”在同一份报告中已列出，请合并为一行", name))
                continue
            rep.data.concerns.append(concern)
            rep.names.append(name or registry)
    for key, rep in groups.items():
        if key in bad_groups and not rep.data.concerns:
            preview.dropped += 1   # its student rows were all invalid: not a zero report
            continue
        preview.reports.append(rep)
    preview.errors.sort(key=lambda e: e.row)
    return preview


def reports_headers(path: Path, mapping: dict[str, str] | None = None,
                    sheet: str | None = None) -> tuple[list[str], dict[str, str]] | None:
    return mapping_headers(path, SYNONYMS, FIELD_LABELS, mapping, sheet)


@dataclass
class ReportsResult:
    preview: ReportsPreview
    written: int
    error_report: int | None = None  # the vault's import error report (app.tabular.error_reports)


def apply_reports(session: Session, preview: ReportsPreview, *, skip_invalid: bool = False) -> ReportsResult:
    """Write every report in one transaction: all of them, or nothing."""
    refuse_invalid_rows(preview, skip_invalid)
    require(session, can_keep_network, "导入预警网络报告")
    db = session.db
    with db.transaction():
        counts = preview.counts()
        import_id = record_import(session, "network_reports", preview.file, preview.file_hash, counts)
        for rep in preview.reports:
            insert_report(session, rep.data, import_id=import_id)
        session.audit("import", preview.file, {"kind": "network_reports", **counts})
        report = store_error_report(session, "network", preview.file, preview.errors) if preview.errors else None
    return ReportsResult(preview, len(preview.reports), report)


def import_reports(session: Session, path: Path, *, dry_run: bool = False, skip_invalid: bool = False,
                   mapping: dict[str, str] | None = None) -> ReportsResult:
    preview = preview_reports(session, path, mapping)
    if dry_run:
        return ReportsResult(preview, 0)
    return apply_reports(session, preview, skip_invalid=skip_invalid)


# -- the import dialog's description ---------------------------------------------------------------------------
def _describe(p: ReportsPreview) -> PreviewView:
    c = p.counts()
    return PreviewView(
        p.sheet, p.header_row, p.headers, p.columns, c,
        f"报告 {c['reports']} 份（其中本期无异常 {c['zero']} 份），关注学生 {c['concerns']} 人次，已存在 {c['duplicates']} 行，"
        f"无效 {c['invalid']} 行。",
        {"new": [(", ".join(map(str, r.rows)), r.place, r.data.reported_on, "即时" if r.data.immediate else "例行",
                  f"{REPORTER_KINDS[r.data.reporter_kind]} {r.data.reporter}".strip(),
                  "、".join(r.names) or "本期无异常") for r in p.reports],
         "duplicates": [(r, "系统中已有这份报告，不再导入") for r in p.duplicates]},
        p.errors, [RowError(row, "关注学生", f"按姓名和班级对应：{what}，请核对") for row, what in p.name_matches],
        [], "", bool(p.reports))


def _outcome(result: ReportsResult, _options: Options) -> str:
    text = f"已写入 {result.written} 份报告。"
    if result.error_report:
        text += (f"\n{len(result.preview.invalid_rows)} 行无效未导入，错误报告已保存到心桥中（第 {result.error_report} 号，"
                 "可在“导入错误报告”中查看或加密导出）。")
    return text


REPORTS_IMPORT = ImporterSpec(
    kind=PROFILE_KIND, title="导入预警网络报告",
    file_hint="选择报告汇总表（.xlsx / .xls / .ods / .csv）：每个班级（宿舍）和每名关注学生一行",
    fields=lambda _s, _o: dict(FIELD_LABELS), required=tuple(REQUIRED),
    preview=lambda s, path, sheet, mapping, _o, progress: preview_reports(s, path, mapping, sheet, progress=progress),
    headers=lambda _s, path, sheet, mapping, _o: reports_headers(path, mapping, sheet),
    describe=_describe,
    apply=lambda s, p, a: apply_reports(s, p, skip_invalid=a.skip_invalid),
    outcome=_outcome,
    tabs=(Tab("new", "报告", ("工作表行号", "班级/宿舍", "日期", "类型", "报告人", "关注学生")),
          Tab("errors", "无效行", ERROR_HEADERS),
          Tab("warnings", "请核对", ERROR_HEADERS),
          Tab("duplicates", "已存在", ("工作表行号", "说明"))))
