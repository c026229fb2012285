"""Import of screening result files from online platforms (.xlsx / .csv): per-item answers or totals only.

Preview first (nothing written), then apply in one transaction. Students are matched by app.archive.matcher:
registry number, else ID number, else name and class (such matches need the user's confirmation). Every problem is reported by sheet row, field and
reason; answers are re-scored by the app and a platform total that disagrees is reported (the app's score kept).
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app import clock
from app.archive.matcher import BY_NAME, BY_REGISTRY, KnownStudent, MatchProblem, StudentMatcher
from app.errors import InputRejected
from app.policy import can_counsel, require
from app.school.classnames import cn_number
from app.screening.campaigns import _add_targets, ensure_campaign, find_campaign
from app.screening.columns import (
    CODING_LABELS,
    CODINGS,
    CodingGuess,
    ItemMatch,
    detect_coding,
    field_key,
    find_fields,
    match_items,
    number_of,
    read_answer,
    text_score,
)
from app.screening.grading import load_rules, regrade
from app.screening.held import hold_results
from app.screening.results import _write_result, raise_if_critical
from app.screening.scales import Item, Scale, all_scales, get_scale
from app.screening.scoring import Answer, ScoreResult, check_answers, score, score_total_only
from app.session import Session
from app.tabular import HeaderNotFound, RowError, TableError, cell_text, parse_date, read_table
from app.tabular.error_reports import store_error_report
from app.tabular.imports import record_import, refuse_invalid_rows
from app.tabular.profiles import load_profile, save_profile
from app.tabular.reader import HEADER_SCAN_ROWS, Table, nonblank_rows, normalize_header, sheets_hint
from app.tabular.spec import (
    ERROR_HEADERS,
    UNMAPPED,
    ImporterSpec,
    NeedsChoice,
    Option,
    Options,
    PreviewView,
    Progress,
    Tab,
)

PROFILE_KIND = "screening"
FIELD_LABELS = {"registry_no": "学籍号", "id_number": "身份证号", "name": "姓名", "class": "班级", "grade": "年级",
                "taken_on": "测评时间", "total": "总分"}
SYNONYMS: dict[str, list[str]] = {
    "registry_no": ["全国学籍号", "学籍号", "国家学籍号", "学生学籍号", "学籍辅号", "个人标识码", "学号"],
    "id_number": ["身份证号", "身份证件号", "身份证号码", "证件号码", "身份证件号码"],
    "name": ["姓名", "学生姓名", "名字", "答题人", "被试姓名"],
    "class": ["班级", "班级名称", "所在班级", "班名", "班别"],
    "grade": ["年级", "所在年级", "年级名称"],
    "taken_on": ["测评时间", "测评日期", "提交答卷时间", "提交时间", "答题时间", "完成时间", "作答时间", "交卷时间",
                 "答卷时间", "日期"],
    "total": ["总分", "量表总分", "总得分", "得分", "原始分", "原始总分"],
}
ITEM_RE = re.compile(r"^(?:第([0-9]{1,2}|[一二三四五六七八九十]{1,3})题|题目?([0-9]{1,2})|q([0-9]{1,2})|item([0-9]{1,2})"
                     r"|([1-9][0-9]?))(?:[.、．_\-)）].*)?$")
NAMED_ITEM_RE = re.compile(r"^(?:第([0-9]{1,2}|[一二三四五六七八九十]{1,3})题|题目?([0-9]{1,2})|q([0-9]{1,2})"
                           r"|item([0-9]{1,2}))(?:[.、．_\-)）].*)?$")
LETTERS = "ABCDEFGH"
IDENTIFYING = ("registry_no", "id_number", "name", "class", "grade")
HELD_REASONS = {"pending": "知情同意书尚未回执：结果暂存，待心理教师决定是否计入",
                "refused": "家长拒绝参加本次测评（知情同意：拒绝）：结果暂存，待心理教师决定，不计入完成"}


class _HeaderRowItems:
    """The item-column pattern read_table counts when it looks for the header row. Bare numbers (1, 2, 3 …) count
    only as a run 1, 2, 3 …: a data row of answers (1, 1, 2, 3 …) must not outscore a header row whose item
    columns the synonyms do not know (which the user then maps in the window)."""

    BARE = re.compile(r"^[1-9][0-9]?$")

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.last = 0

    def match(self, text: str) -> bool:
        if self.BARE.match(text):
            n = int(text)
            ok = n == self.last + 1 or (n == 1 and self.last != 1)
            self.last = n
            return ok
        return self.pattern.match(text) is not None


def item_number(header: str) -> int | None:
    m = ITEM_RE.match(normalize_header(header))
    if not m:
        return None
    raw = next(g for g in m.groups() if g)
    return cn_number(raw)


@dataclass
class ParsedRow:
    sheet_row: int
    student_id: int
    registry_no: str
    name: str
    class_name: str
    result: ScoreResult
    taken_on: str
    platform_total: float | None
    matched_by: str  # how the student was found: "registry", "id_number" or "name_class" (needs confirmation)
    held: str = ""   # "pending" / "refused": the consent slip; the result waits for the counselor's decision

    def as_json(self) -> dict[str, Any]:
        return {"row": self.sheet_row, "registry_no": self.registry_no, "name": self.name,
                "class_name": self.class_name, "total": self.result.as_json()["total"], "band": self.result.band,
                "critical": self.result.critical, "matched_by": self.matched_by}


@dataclass
class ScreeningPreview:
    file: str
    sheet: str
    header_row: int
    scale_id: str
    columns: dict[str, str]
    item_columns: dict[int, str]
    mode: str  # "items" or "totals"
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    duplicates: list[int] = field(default_factory=list)
    file_hash: str = ""
    headers: list[str] = field(default_factory=list)   # every non-blank header cell (for the mapping editor)
    held: list[RowError] = field(default_factory=list)   # rows held for the counselor (consent pending / refused)
    item_how: dict[int, str] = field(default_factory=dict)   # item -> how its column was found (columns.HOW_LABELS)
    coding: str = "score"            # how numbers in the answers read (columns.CODINGS)
    coding_detected: bool = True     # False: given by the user (--coding, the dialog's choice)
    item_texts: dict[int, str] = field(default_factory=dict)

    @property
    def coding_label(self) -> str:
        return CODING_LABELS[self.coding] + ("（自动识别）" if self.coding_detected else "（指定）")

    def item_lines(self) -> list[Sequence[Any]]:
        """Which column became which item, and why: for the preview."""
        from app.screening.columns import HOW_LABELS

        return [(f"第{n}题", self.item_texts.get(n, ""), self.item_columns[n], HOW_LABELS[self.item_how.get(n, "text")])
                for n in sorted(self.item_columns)]

    @property
    def name_matches(self) -> list[ParsedRow]:
        return [r for r in self.rows if r.matched_by == BY_NAME]

    @property
    def invalid_rows(self) -> list[int]:
        return sorted({e.row for e in self.errors})

    def counts(self) -> dict[str, int]:
        return {"valid": len(self.rows), "invalid": len(self.invalid_rows), "duplicates": len(self.duplicates),
                "name_matches": len(self.name_matches), "warnings": len(self.warnings),
                "critical": sum(1 for r in self.rows if r.result.critical and not r.held),
                "held": len(self.held)}

    def as_json(self) -> dict[str, Any]:
        return {"file": self.file, "sheet": self.sheet, "header_row": self.header_row, "scale": self.scale_id,
                "mode": self.mode, "columns": self.columns,
                "item_columns": {str(k): v for k, v in sorted(self.item_columns.items())},
                "item_match": {str(k): {"column": v, "by": self.item_how.get(k, "")}
                               for k, v in sorted(self.item_columns.items())},
                "coding": self.coding if self.mode == "items" else None,
                "coding_detected": self.coding_detected, "counts": self.counts(),
                "errors": [e.as_json() for e in self.errors], "warnings": [w.as_json() for w in self.warnings],
                "held": [h.as_json() for h in self.held],
                "duplicates": self.duplicates, "name_matches": [r.as_json() for r in self.name_matches]}


def parse_answer(value: Any, item: Item, coding: str = "score") -> tuple[Answer, str]:
    """One answer cell -> (value or None for blank, '' or a Chinese reason), numbers read in ``coding``."""
    return read_answer(value, item, coding)


def _parse_number(value: Any) -> tuple[float | None, str]:
    text = cell_text(value).replace(" ", "").removesuffix("分")
    if text == "":
        return None, ""
    try:
        f = float(text)
    except ValueError:
        return None, f"“{text[:20]}”不是数字"
    if f != f or f in (float("inf"), float("-inf")):
        return None, f"“{text[:20]}”不是数字"
    return f, ""


def _profile(session: Session, name: str | None) -> tuple[dict[str, str], dict[int, str]]:
    if not name:
        return {}, {}
    raw = load_profile(session.db, PROFILE_KIND, name)
    if raw is None:
        raise InputRejected(f"没有名为“{name}”的导入配置。")
    fields = {k: str(v) for k, v in raw.items() if k in FIELD_LABELS}
    items_raw = raw.get("items", {})
    items = {int(k): str(v) for k, v in items_raw.items()} if isinstance(items_raw, dict) else {}
    return fields, items


def screening_map(maps: list[str]) -> tuple[dict[str, str] | None, dict[int, str] | None]:
    """``--map field=header`` items of the command line: fields (学籍号 …) and items (``item:9=表头`` or ``9=表头``)."""
    fields: dict[str, str] = {}
    items: dict[int, str] = {}
    for entry in maps:
        key, sep, header = entry.partition("=")
        key, header = key.strip(), header.strip()
        num = key.removeprefix("item:")
        if sep and header and key in FIELD_LABELS:
            fields[key] = header
        elif sep and header and num.isdigit() and int(num) >= 1:
            items[int(num)] = header
        else:
            raise InputRejected(f"--map “{entry}”格式不正确，应为 字段=表头（字段：{'、'.join(FIELD_LABELS)}）"
                                "或 item:题号=表头，如 item:9=有不如死掉或用某种方式伤害自己的念头。")
    return fields or None, items or None


def save_import_profile(session: Session, name: str, fields: dict[str, str], items: dict[int, str]) -> None:
    """A platform's column and item mapping, saved under ``can_manage_screening`` and audited (see
    ``app.tabular.profiles.save_profile``)."""
    mapping: dict[str, object] = {k: v for k, v in fields.items() if k in FIELD_LABELS}
    mapping["items"] = {str(k): v for k, v in items.items()}
    save_profile(session, PROFILE_KIND, name, mapping)


def preview_screening(session: Session, path: Path, scale_id: str, *, campaign: str | None = None,
                      profile: str | None = None, sheet: str | None = None,
                      mapping: dict[str, str] | None = None, item_mapping: dict[int, str] | None = None,
                      progress: Progress | None = None, coding: str | None = None) -> ScreeningPreview:
    """Read and check a result file without writing anything. ``progress(done, total)`` is called now and then
    (it may raise to stop the work). ``coding`` ("score", "option" or "text") overrides the detected answer coding;
    when it is None and the file cannot tell, ``NeedsChoice`` is raised (the dialog asks, the command line exits 3).
    """
    require(session, can_counsel, "导入测评结果")  # the preview shows scores
    scale = get_scale(scale_id, session.db)
    if coding is not None and coding not in CODINGS:
        raise InputRejected(f"答案编码“{coding}”无效，可选：score（分值）、option（选项序号，从 1 起）、text（选项文字）。")
    path = Path(path)
    table, matches = _read(session, path, scale, profile, sheet, mapping, item_mapping)
    item_cols = {n: m.column for n, m in matches.items()}
    if "registry_no" not in table.columns and "name" not in table.columns and "id_number" not in table.columns:
        raise TableError(f"{path.name}（第 {table.header_row} 行表头）：缺少“学籍号”或“姓名”列，无法对应学生。")
    if not item_cols and "total" not in table.columns:
        raise TableError(f"{path.name}（第 {table.header_row} 行表头）：既没有各题作答列（按题目文字、第1题 / Q1 …），"
                         "也没有“总分”列。")
    mode = "items" if item_cols else "totals"
    if mode == "items" and len(item_cols) < scale.n_items:
        missing = "、".join(f"第 {i.n} 题“{i.text}”" for i in scale.items if i.n not in item_cols)
        raise TableError(f"{path.name}：{scale.short_name} 共 {scale.n_items} 题，表中缺少{missing}的列，不能计分。"
                         "请在“列对应关系”中指定这些题对应的列（命令行：--map item:题号=表头），"
                         "或导入含全部题目的文件。")
    guess = CodingGuess(coding or "score", (), 0)
    if mode == "items" and coding is None:
        guess = detect_coding(scale, item_cols, (cells for _r, cells in nonblank_rows(table)))
        if guess.coding is None:
            shown = "、".join(str(n) for n in guess.numbers)
            lo = min(o.value for it in scale.items for o in it.options)
            raise NeedsChoice(
                f"{path.name}：无法判断答案的编码。各题答案只有 {shown}，既可能是分值（从 {lo} 起），也可能是选项序号"
                f"（从 1 起），两种读法的总分不同。请加 --coding score（按分值）或 --coding option（按选项序号）重新导入。",
                option="coding",
                question=f"{path.name} 中各题答案只有 {shown}：既可能是{scale.short_name}的分值（从 {lo} 起），"
                         "也可能是选项序号（第 1 个选项记为 1）。两种读法的总分不同，请按测评平台的导出设置选择：",
                choices=[(f"分值（从 {lo} 起）", "score"), ("选项序号（从 1 起）", "option")])
    preview = ScreeningPreview(path.name, table.sheet, table.header_row, scale.id,
                               {f: table.header_of(f) for f in table.columns},
                               {n: table.headers[c] for n, c in item_cols.items()}, mode,
                               file_hash=hashlib.sha256(path.read_bytes()).hexdigest(),
                               headers=[h for h in table.headers if h],
                               item_how={n: m.how for n, m in matches.items()},
                               coding=guess.coding or "score", coding_detected=coding is None,
                               item_texts={i.n: i.text for i in scale.items})
    matcher = StudentMatcher.load(session)
    consent: dict[int, str] = {}   # students whose consent slip is pending or was refused: results are held
    if campaign:
        found = find_campaign(session.db, campaign)
        if found is not None:
            consent = {r[0]: r[1] for r in session.db.query(
                "SELECT student_id, consent FROM screening_targets WHERE campaign_id = :c"
                " AND consent IN ('pending', 'refused')", {"c": found.id})}
    seen: dict[int, ParsedRow] = {}
    total = len(table.rows)
    for done, (sheet_row, cells) in enumerate(nonblank_rows(table)):
        if progress is not None and done % 200 == 0:
            progress(done, total)
        row, errors, warnings = _parse_row(table, scale, item_cols, sheet_row, cells, matcher, preview.coding)
        preview.warnings.extend(warnings)
        if row is None:
            preview.errors.extend(errors)
            continue
        if row.student_id in consent:
            row.held = consent[row.student_id]
            preview.held.append(RowError(sheet_row, _label(table, "name"), HELD_REASONS[row.held], row.name))
        first = seen.get(row.student_id)
        if first is not None:
            if first.result.answers == row.result.answers and first.result.total == row.result.total:
                preview.duplicates.append(sheet_row)
            else:
                preview.errors.append(RowError(sheet_row, _label(table, "registry_no"),
                                               f"{row.name} 在第 {first.sheet_row} 行已有一份不同的结果（重复）",
                                               row.registry_no))
            continue
        seen[row.student_id] = row
        preview.rows.append(row)
    preview.errors.sort(key=lambda e: e.row)
    return preview


class _HeaderCells:
    """What read_table counts when it looks for the header row: item headers by number or by text, and field
    synonyms behind a platform's question number ("1、您的姓名："). Bare numbers count only as a run (see
    ``_HeaderRowItems``)."""

    def __init__(self, scale: Scale, mapped: re.Pattern[str] | None, bare_numbers: bool) -> None:
        self.scale = scale
        self.mapped = mapped
        self.bare = _HeaderRowItems(NAMED_ITEM_RE) if bare_numbers else None
        self.fields = {normalize_header(n) for names in SYNONYMS.values() for n in names}

    def match(self, text: str) -> bool:
        if not text:
            return False
        if self.mapped is not None and self.mapped.match(text):
            return True
        if _HeaderRowItems.BARE.match(text):
            return self.bare.match(text) if self.bare is not None else False
        if NAMED_ITEM_RE.match(text) and number_of(text) is not None:
            return True
        key = field_key(text)
        if key in self.fields or key.removeprefix("您的") in self.fields or key.removeprefix("所在") in self.fields:
            return True
        return any(text_score(text, item) >= 0.9 for item in self.scale.items)


def _read(session: Session, path: Path, scale: Scale, profile: str | None, sheet: str | None,
          mapping: dict[str, str] | None, item_mapping: dict[int, str] | None) -> tuple[Table, dict[int, ItemMatch]]:
    prof_fields, prof_items = _profile(session, profile)
    fields = {**prof_fields, **(mapping or {})}
    items_map = {**prof_items, **(item_mapping or {})}
    alts = "|".join(re.escape(normalize_header(h)) for h in items_map.values())
    mapped = re.compile(f"^(?:{alts})$") if items_map else None
    # Find the header row by named item columns, item texts and prefixed fields first; bare numbers only when
    # that finds none.
    try:
        table = read_table(path, SYNONYMS, [], FIELD_LABELS, fields, sheet,
                           extra_columns=_HeaderCells(scale, mapped, False))  # type: ignore[arg-type]
    except TableError:
        try:
            table = read_table(path, SYNONYMS, [], FIELD_LABELS, fields, sheet,
                               extra_columns=_HeaderCells(scale, mapped, True))  # type: ignore[arg-type]
        except HeaderNotFound as e:
            raise HeaderNotFound(f"{path.name}：前 {HEADER_SCAN_ROWS} 行中找不到表头行。表头应有“学籍号”或“姓名”列，"
                                 "以及各题作答列（题目文字、第1题 / Q1 …）或“总分”列；列名不同时请指定列对应关系。"
                                 + sheets_hint(e.other_sheets), other_sheets=e.other_sheets) from None
    # Fields behind a platform's prefix ("1、您的姓名：", "3、所在班级"), unless the user mapped them.
    taken = {c for cols in table.columns.values() for c in cols}
    wanted = [f for f in FIELD_LABELS if f not in table.columns and f not in fields]
    for f, col in find_fields(table.headers, SYNONYMS, taken, wanted).items():
        table.columns[f] = [col]
    taken = {c for cols in table.columns.values() for c in cols}
    identifying = {c for f in IDENTIFYING for c in table.columns.get(f, [])}
    return table, match_items(table.headers, taken, identifying, scale, items_map)


def screening_headers(session: Session, path: Path, scale_id: str, *, profile: str | None = None,
                      sheet: str | None = None, mapping: dict[str, str] | None = None,
                      item_mapping: dict[int, str] | None = None
                      ) -> tuple[list[str], dict[str, str], dict[int, str]] | None:
    """The header cells of the likely header row, the fields and items matched so far: for the mapping editor
    when the preview fails (e.g. no 学籍号 / 姓名 column recognised). None when no header row is found."""
    try:
        table, matches = _read(session, Path(path), get_scale(scale_id, session.db), profile, sheet, mapping,
                               item_mapping)
    except TableError:
        return _likely_headers(Path(path), sheet)
    if not table.columns and not matches:  # the "header row" found is likely a row of answers
        return _likely_headers(Path(path), sheet)
    return ([h for h in table.headers if h], {f: table.header_of(f) for f in table.columns},
            {n: table.headers[m.column] for n, m in matches.items()})


def _likely_headers(path: Path, sheet: str | None) -> tuple[list[str], dict[str, str], dict[int, str]] | None:
    """No header row recognised at all: the first row of the sheet with three or more text (non-number) cells."""
    from app.tabular.reader import cell_text_header
    from app.tabular.sheets import sheet_rows

    try:
        _name, raw = sheet_rows(path, sheet)
    except (TableError, OSError):
        return None
    for row in raw[:HEADER_SCAN_ROWS]:
        cells = [cell_text_header(c) for c in row]
        texts = [c for c in cells if c and not re.fullmatch(r"[0-9.+-]+", c)]
        if len(texts) >= 3:
            return [c for c in cells if c], {}, {}
    return None


def _label(table: Table, fieldname: str) -> str:
    return table.header_of(fieldname) or FIELD_LABELS[fieldname]


def _parse_row(table: Table, scale: Scale, item_cols: dict[int, int], sheet_row: int, cells: list[Any],
               matcher: StudentMatcher, coding: str = "score") -> tuple[ParsedRow | None, list[RowError], list[RowError]]:
    errors: list[RowError] = []
    warnings: list[RowError] = []

    def err(fieldname: str, reason: str, value: Any = "") -> None:
        errors.append(RowError(sheet_row, fieldname, reason, cell_text(value)[:60]))

    found = matcher.match(registry_no=cell_text(table.value(cells, "registry_no")),
                          id_number=cell_text(table.value(cells, "id_number")),
                          name=cell_text(table.value(cells, "name")), class_text=cell_text(table.value(cells, "class")),
                          grade_text=cell_text(table.value(cells, "grade")))
    student: KnownStudent | None = None
    matched_by = BY_REGISTRY
    if isinstance(found, MatchProblem):
        err(_label(table, found.field), found.reason, found.value)
    else:
        student, matched_by = found.student, found.by
    answers: list[Answer] = []
    for item in scale.items:
        col = item_cols.get(item.n)
        raw = cells[col] if col is not None and col < len(cells) else None
        value, reason = read_answer(raw, item, coding)
        if reason:
            err(table.headers[col] if col is not None else f"第{item.n}题", reason, raw)
        answers.append(value)
    platform_total, reason = _parse_number(table.value(cells, "total"))
    if reason:
        err(_label(table, "total"), reason, table.value(cells, "total"))
    taken_raw = table.value(cells, "taken_on")
    taken_on = clock.today().isoformat()
    try:
        d = parse_date(taken_raw)
        if d is not None:
            if d > clock.today():
                err(_label(table, "taken_on"), f"测评时间 {d.isoformat()} 晚于今天", taken_raw)
            taken_on = d.isoformat()
    except ValueError as e:
        err(_label(table, "taken_on"), f"测评时间{e}", taken_raw)
    if errors:
        return None, errors, warnings
    result: ScoreResult | None = None
    if item_cols and any(a is not None for a in answers):
        problems = check_answers(scale, answers)
        for n, reason in problems:
            col = item_cols.get(n) if n else None
            err(table.headers[col] if col is not None else "作答", reason)
        if not problems:
            result = score(scale, answers)
            if platform_total is not None and abs(platform_total - result.total) > 1e-6:
                shown = int(platform_total) if platform_total.is_integer() else platform_total
                warnings.append(RowError(sheet_row, _label(table, "total"),
                                         f"平台总分 {shown} 与按各题重新计算的 {result.total_display} 不一致，"
                                         "已采用重新计算的分数", cell_text(platform_total)))
    elif platform_total is not None:
        try:
            result = score_total_only(scale, platform_total)
        except InputRejected as e:
            err(_label(table, "total"), e.message.rstrip("。"), platform_total)
    else:
        err("作答", "各题答案和总分都为空")
    if errors or result is None or student is None:
        return None, errors, warnings
    return (ParsedRow(sheet_row, student.id, student.registry_no, student.name, student.class_name, result, taken_on,
                      platform_total, matched_by), [], warnings)


@dataclass
class ScreeningImportResult:
    preview: ScreeningPreview
    campaign_id: int
    written: int
    skipped_name_matches: int
    levels: dict[int, int]
    error_report: int | None = None  # the vault's import error report (app.tabular.error_reports)
    held: int = 0


    def as_json(self) -> dict[str, Any]:
        return {"campaign_id": self.campaign_id, "written": self.written, "held": self.held,
                "skipped_name_matches": self.skipped_name_matches,
                "levels": {str(k): v for k, v in sorted(self.levels.items())},
                "error_report": self.error_report}


def apply_screening(session: Session, preview: ScreeningPreview, campaign: str, *, skip_invalid: bool = False,
                    confirm_name_matches: bool = False, confirmed_rows: set[int] | None = None) -> ScreeningImportResult:
    """Write the previewed rows in one transaction: every valid row, or nothing.

    Name-and-class matches are written only when confirmed (all of them, or the sheet rows in ``confirmed_rows``).
    """
    refuse_invalid_rows(preview, skip_invalid)
    db = session.db
    scales = all_scales(db)
    scale = scales[preview.scale_id]
    rules = load_rules(db)
    who = session.account.label
    written = 0
    skipped = 0
    levels: dict[int, int] = {}
    with db.transaction():
        camp = ensure_campaign(session, campaign, scale.id)
        counts = preview.counts()
        import_id = record_import(session, "screening", preview.file, preview.file_hash,
                                  {"campaign": camp.name, "scale": scale.id, **counts})
        rows = []
        for r in preview.rows:
            if r.matched_by == BY_NAME and not (confirm_name_matches or
                                                     (confirmed_rows is not None and r.sheet_row in confirmed_rows)):
                skipped += 1
                continue
            rows.append(r)
        held = [r for r in rows if r.held]
        rows = [r for r in rows if not r.held]
        hold_results(session, camp.id, scale, [(r.student_id, r.held, r.taken_on, r.result, r.platform_total)
                                                for r in held], import_id)
        _add_targets(db, camp.id, [r.student_id for r in rows])
        for r in rows:
            _write_result(db, campaign_id=camp.id, student_id=r.student_id, scale=scale, result=r.result,
                         taken_on=r.taken_on, source="import", who=who, platform_total=r.platform_total,
                         import_id=import_id)
            raise_if_critical(session, campaign_id=camp.id, student_id=r.student_id, scale=scale, result=r.result)
            written += 1
        for r in rows:
            lvl = regrade(session, camp.id, r.student_id, rules, scales)
            if lvl:
                levels[lvl] = levels.get(lvl, 0) + 1
        session.audit("import", preview.file, {"kind": "screening", "campaign": camp.name, "scale": scale.id,
                                               "written": written, **counts})
        report = store_error_report(session, "screening", preview.file, preview.errors) if preview.errors else None
    return ScreeningImportResult(preview, camp.id, written, skipped, levels, report, len(held))


# -- the import dialog's description ---------------------------------------------------------------------------
# The dialog's mapping is flat: the fields, then one "item:N" key per question of the chosen scale.
def _item_key(n: int) -> str:
    return f"item:{n}"


def _split(mapping: dict[str, str] | None) -> tuple[dict[str, str] | None, dict[int, str] | None]:
    if mapping is None:
        return None, None
    fields = {k: v for k, v in mapping.items() if not k.startswith("item:")}
    items = {int(k[5:]): v for k, v in mapping.items() if k.startswith("item:") and v and v != UNMAPPED}
    return fields, items


def _flat(columns: dict[str, str], items: dict[int, str]) -> dict[str, str]:
    return {**columns, **{_item_key(n): h for n, h in items.items()}}


def _fields(session: Session, options: Options) -> dict[str, str]:
    scale = get_scale(str(options.get("scale") or "phq9"), session.db)
    return {**FIELD_LABELS, **{_item_key(i.n): f"第{i.n}题" for i in scale.items}}


def _preview(session: Session, path: Path, sheet: str | None, mapping: dict[str, str] | None, options: Options,
             progress: Progress | None) -> ScreeningPreview:
    fields, items = _split(mapping)
    return preview_screening(session, path, str(options.get("scale")), campaign=str(options.get("campaign") or "")
                             or None, sheet=sheet, mapping=fields, item_mapping=items, progress=progress,
                             coding=str(options.get("coding") or "") or None)


def _headers(session: Session, path: Path, sheet: str | None, mapping: dict[str, str] | None,
             options: Options) -> tuple[list[str], dict[str, str]] | None:
    fields, items = _split(mapping)
    found = screening_headers(session, path, str(options.get("scale")), sheet=sheet, mapping=fields,
                              item_mapping=items)
    return None if found is None else (found[0], _flat(found[1], found[2]))


def _describe(p: ScreeningPreview) -> PreviewView:
    c = p.counts()
    return PreviewView(
        p.sheet, p.header_row, p.headers, _flat(p.columns, p.item_columns), c,
        f"有效 {c['valid']} 行，无效 {c['invalid']} 行，重复 {c['duplicates']} 行，需确认 {c['name_matches']} 行，"
        f"关键题阳性 {c['critical']} 人" + (f"，暂存待决定 {c['held']} 行（知情同意未回执或被拒绝）" if c['held'] else "") + "。",
        {"rows": [(r.sheet_row, r.registry_no, r.name, r.class_name, r.result.total_display, r.result.band_label,
                   "是" if r.result.critical else "") for r in p.rows],
         "duplicates": [(r, "同一结果重复列出，只计一次") for r in p.duplicates],
         "items": list(p.item_lines()),
         "held": [(h.row, h.field, h.reason, h.value) for h in p.held]},
        p.errors, p.warnings,
        [(m.sheet_row, f"第 {m.sheet_row} 行 → {m.class_name} {m.name}（学籍号 {m.registry_no}）") for m in p.name_matches],
        f"各题作答，答案按{p.coding_label}读取" if p.mode == "items" else "仅总分", bool(p.rows))


def _outcome(res: ScreeningImportResult, _options: Options) -> str:
    levels = "，".join(f"{k}级 {v} 人" for k, v in sorted(res.levels.items())) or "无预警"
    msg = f"已导入 {res.written} 份结果（{levels}）。"
    if res.held:
        msg += f"\n{res.held} 份结果因知情同意未回执或被拒绝而暂存，待决定（见工作台），不计入完成。"
    if res.skipped_name_matches:
        msg += f"\n{res.skipped_name_matches} 行按姓名对应的结果未确认，未导入。"
    if res.error_report:
        msg += f"\n无效行的错误报告已保存到心桥中（第 {res.error_report} 号，可在“导入错误报告”中查看或加密导出）。"
    return msg


def _load_profile(session: Session, name: str) -> dict[str, str] | None:
    if load_profile(session.db, PROFILE_KIND, name) is None:
        return None
    fields, items = _profile(session, name)
    return _flat(fields, items)


def _save_profile(session: Session, name: str, mapping: dict[str, str]) -> None:
    fields, items = _split(mapping)
    save_import_profile(session, name, fields or {}, items or {})


def scale_label(s: Scale) -> str:
    """"PHQ-9（患者健康问卷抑郁量表）"-style, never nesting brackets: a name that already holds the short name is
    shown as it is."""
    if s.short_name in s.name:
        return s.name
    return f"{s.short_name} · {s.name}" if "（" in s.name or "(" in s.name else f"{s.short_name}（{s.name}）"


def _scales(session: Session) -> list[tuple[str, object]]:
    return [(scale_label(s), s.id) for s in all_scales(session.db).values()]


def _codings() -> list[tuple[str, object]]:
    return [("自动识别", None), *((CODING_LABELS[c], c) for c in CODINGS)]


def _default_scale(session: Session, values: Options) -> object:
    """The campaign's own scale when the dialog is opened for a campaign."""
    name = str(values.get("campaign") or "")
    found = find_campaign(session.db, name) if name else None
    return found.scale_ids[-1] if found is not None and found.scale_ids else None


SCREENING_IMPORT = ImporterSpec(
    kind=PROFILE_KIND, title="导入测评结果", file_hint="测评平台导出的 .xlsx 或 .csv 文件",
    fields=_fields, required=(), preview=_preview, headers=_headers, describe=_describe,
    apply=lambda s, p, a: apply_screening(s, p, str(a.options.get("campaign") or "").strip(),
                                          skip_invalid=a.skip_invalid, confirmed_rows=set(a.confirmed_rows)),
    outcome=_outcome,
    tabs=(Tab("rows", "有效", ("工作表行号", "学籍号", "姓名", "班级", "总分", "等级", "关键题阳性")),
          Tab("errors", "问题行", ERROR_HEADERS), Tab("warnings", "提示", ERROR_HEADERS),
          Tab("held", "暂存待决定", ERROR_HEADERS),
          Tab("duplicates", "重复", ("工作表行号", "说明")),
          Tab("items", "题目对应", ("题号", "量表题目", "文件中的列", "依据"))),
    options=(Option("scale", "量表", choices=_scales, default=_default_scale, resets_mapping=True),
             Option("campaign", "测评活动", placeholder="不存在时自动创建", required="请填写测评活动名称。"),
             Option("coding", "答案编码", choices=lambda _s: _codings())),
    load_profile=_load_profile, save_profile=_save_profile)
