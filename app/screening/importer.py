"""Import of screening result files from online platforms (.xlsx / .csv): per-item answers or totals only.

Preview first (nothing written), then apply in one transaction. Students are matched by app.archive.matcher:
registry number, else ID number, else name and class (such matches need the user's confirmation). Every problem is reported by sheet row, field and
reason; answers are re-scored by the app and a platform total that disagrees is reported (the app's score kept).
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app import clock
from app.archive.matcher import BY_NAME, BY_REGISTRY, KnownStudent, MatchProblem, StudentMatcher
from app.errors import InputRejected, PermissionDenied
from app.school.classnames import _cn_number, normalize_text
from app.screening.campaigns import add_targets, ensure_campaign, find_campaign
from app.screening.grading import load_rules, regrade
from app.screening.results import raise_if_critical, write_result
from app.screening.scales import Item, Scale, all_scales, get_scale
from app.screening.scoring import Answer, ScoreResult, check_answers, score, score_total_only
from app.session import Session
from app.tabular import HeaderNotFound, RowError, TableError, cell_text, parse_date, read_table
from app.tabular.profiles import load_profile, save_profile
from app.tabular.reader import HEADER_SCAN_ROWS, Table, nonblank_rows, normalize_header
from app.tabular.reader import write_error_report as tabular_report
from app.tabular.spec import ERROR_HEADERS, UNMAPPED, ImporterSpec, Option, Options, PreviewView, Progress, Tab

PROFILE_KIND = "screening"
FIELD_LABELS = {"registry_no": "学籍号", "id_number": "身份证号", "name": "姓名", "class": "班级", "grade": "年级",
                "taken_on": "测评时间", "total": "总分"}
SYNONYMS: dict[str, list[str]] = {
    "registry_no": ["全国学籍号", "学籍号", "国家学籍号", "学生学籍号", "学籍辅号", "个人标识码", "学号"],
    "id_number": ["身份证号", "身份证件号", "身份证号码", "证件号码", "身份证件号码"],
    "name": ["姓名", "学生姓名", "名字", "答题人", "被试姓名"],
    "class": ["班级", "班级名称", "所在班级", "班名", "班别"],
    "grade": ["年级", "所在年级", "年级名称"],
    "taken_on": ["测评时间", "测评日期", "提交时间", "答题时间", "完成时间", "作答时间", "交卷时间", "日期"],
    "total": ["总分", "量表总分", "总得分", "得分", "原始分", "原始总分"],
}
ITEM_RE = re.compile(r"^(?:第([0-9]{1,2}|[一二三四五六七八九十]{1,3})题|题目?([0-9]{1,2})|q([0-9]{1,2})|item([0-9]{1,2})"
                     r"|([1-9][0-9]?))(?:[.、．_\-)）].*)?$")
NAMED_ITEM_RE = re.compile(r"^(?:第([0-9]{1,2}|[一二三四五六七八九十]{1,3})题|题目?([0-9]{1,2})|q([0-9]{1,2})"
                           r"|item([0-9]{1,2}))(?:[.、．_\-)）].*)?$")
LETTERS = "ABCDEFGH"


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
    return _cn_number(raw)


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

    @property
    def name_matches(self) -> list[ParsedRow]:
        return [r for r in self.rows if r.matched_by == BY_NAME]

    @property
    def invalid_rows(self) -> list[int]:
        return sorted({e.row for e in self.errors})

    def counts(self) -> dict[str, int]:
        return {"valid": len(self.rows), "invalid": len(self.invalid_rows), "duplicates": len(self.duplicates),
                "name_matches": len(self.name_matches), "warnings": len(self.warnings),
                "critical": sum(1 for r in self.rows if r.result.critical)}

    def as_json(self) -> dict[str, Any]:
        return {"file": self.file, "sheet": self.sheet, "header_row": self.header_row, "scale": self.scale_id,
                "mode": self.mode, "columns": self.columns,
                "item_columns": {str(k): v for k, v in sorted(self.item_columns.items())}, "counts": self.counts(),
                "errors": [e.as_json() for e in self.errors], "warnings": [w.as_json() for w in self.warnings],
                "duplicates": self.duplicates, "name_matches": [r.as_json() for r in self.name_matches]}


def parse_answer(value: Any, item: Item) -> tuple[Answer, str]:
    """One answer cell -> (value or None for blank, '' or a Chinese reason)."""
    text = cell_text(value).replace(" ", "")
    if text == "":
        return None, ""
    text = text.removesuffix("分")
    values = [o.value for o in item.options]
    if re.fullmatch(r"[+-]?[0-9]+(\.0+)?", text):
        v = int(float(text))
    elif re.fullmatch(r"[+-]?[0-9]*\.[0-9]+", text):
        return None, f"答案“{text}”不是整数"
    elif len(text) == 1 and text.upper() in LETTERS:
        idx = LETTERS.index(text.upper())
        ordered = sorted(values)
        if idx >= len(ordered):
            return None, f"选项“{text}”超出范围（A–{LETTERS[len(ordered) - 1]}）"
        v = ordered[idx]
    else:
        labels = {normalize_text(o.label).replace(" ", ""): o.value for o in item.options}
        if text in labels:
            return labels[text], ""
        return None, f"无法识别的答案“{text[:20]}”，应为 {item.min}–{item.max} 的分值或选项文字"
    if v not in values:
        return None, f"答案 {v} 超出范围（{item.min}–{item.max}）"
    return v, ""


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


def save_import_profile(session: Session, name: str, fields: dict[str, str], items: dict[int, str]) -> None:
    mapping: dict[str, object] = {k: v for k, v in fields.items() if k in FIELD_LABELS}
    mapping["items"] = {str(k): v for k, v in items.items()}
    save_profile(session.db, PROFILE_KIND, name, mapping)


def preview_screening(session: Session, path: Path, scale_id: str, *, campaign: str | None = None,
                      profile: str | None = None, sheet: str | None = None,
                      mapping: dict[str, str] | None = None, item_mapping: dict[int, str] | None = None,
                      progress: Progress | None = None) -> ScreeningPreview:
    """Read and check a result file without writing anything. ``progress(done, total)`` is called now and then
    (it may raise to stop the work)."""
    if not session.account.sees_confidential:  # the preview shows scores: counselors only
        raise PermissionDenied("只有心理教师或管理员可以导入测评结果。")
    scale = get_scale(scale_id, session.db)
    path = Path(path)
    table, item_cols = _read(session, path, scale, profile, sheet, mapping, item_mapping)
    if "registry_no" not in table.columns and "name" not in table.columns:
        raise TableError(f"{path.name}（第 {table.header_row} 行表头）：缺少“学籍号”或“姓名”列，无法对应学生。")
    if not item_cols and "total" not in table.columns:
        raise TableError(f"{path.name}（第 {table.header_row} 行表头）：既没有各题得分列（第1题 / Q1 / 题1 / 1 …），"
                         "也没有“总分”列。")
    mode = "items" if item_cols else "totals"
    if mode == "items" and len(item_cols) < scale.n_items - scale.max_missing:
        missing = [str(n) for n in range(1, scale.n_items + 1) if n not in item_cols]
        raise TableError(f"{path.name}：{scale.short_name} 共 {scale.n_items} 题，表中缺少第 {'、'.join(missing)} 题的列。")
    preview = ScreeningPreview(path.name, table.sheet, table.header_row, scale.id,
                               {f: table.header_of(f) for f in table.columns},
                               {n: table.headers[c] for n, c in item_cols.items()}, mode,
                               file_hash=hashlib.sha256(path.read_bytes()).hexdigest(),
                               headers=[h for h in table.headers if h])
    matcher = StudentMatcher.load(session)
    refused: set[int] = set()
    if campaign:
        found = find_campaign(session.db, campaign)
        if found is not None:
            refused = {r[0] for r in session.db.query("SELECT student_id FROM screening_targets WHERE campaign_id = :c"
                                                      " AND consent = 'refused'", {"c": found.id})}
    seen: dict[int, ParsedRow] = {}
    total = len(table.rows)
    for done, (sheet_row, cells) in enumerate(nonblank_rows(table)):
        if progress is not None and done % 200 == 0:
            progress(done, total)
        row, errors, warnings = _parse_row(table, scale, item_cols, sheet_row, cells, matcher)
        preview.warnings.extend(warnings)
        if row is None:
            preview.errors.extend(errors)
            continue
        if row.student_id in refused:
            preview.errors.append(RowError(sheet_row, _label(table, "name"),
                                           f"{row.name} 的家长拒绝参加本次测评（知情同意：拒绝），结果不能录入"))
            continue
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


def _read(session: Session, path: Path, scale: Scale, profile: str | None, sheet: str | None,
          mapping: dict[str, str] | None, item_mapping: dict[int, str] | None) -> tuple[Table, dict[int, int]]:
    prof_fields, prof_items = _profile(session, profile)
    fields = {**prof_fields, **(mapping or {})}
    items_map = {**prof_items, **(item_mapping or {})}
    alts = "|".join(re.escape(normalize_header(h)) for h in items_map.values())
    mapped = f"^(?:{alts})$|" if items_map else ""
    # Find the header row by named item columns (第1题, Q1 …) first; bare numbers only when that finds none.
    try:
        table = read_table(path, SYNONYMS, [], FIELD_LABELS, fields, sheet,
                           extra_columns=re.compile(mapped + NAMED_ITEM_RE.pattern))
    except TableError:
        try:
            counter = _HeaderRowItems(re.compile(mapped + ITEM_RE.pattern))  # read_table only calls .match
            table = read_table(path, SYNONYMS, [], FIELD_LABELS, fields, sheet,
                               extra_columns=counter)  # type: ignore[arg-type]
        except HeaderNotFound:
            raise HeaderNotFound(f"{path.name}：前 {HEADER_SCAN_ROWS} 行中找不到表头行。表头应有“学籍号”或“姓名”列，"
                                 "以及各题得分列（第1题 / Q1 / 题1 …）或“总分”列；列名不同时请指定列对应关系。") from None
    return table, _item_columns(table, scale, items_map)


def screening_headers(session: Session, path: Path, scale_id: str, *, profile: str | None = None,
                      sheet: str | None = None, mapping: dict[str, str] | None = None,
                      item_mapping: dict[int, str] | None = None
                      ) -> tuple[list[str], dict[str, str], dict[int, str]] | None:
    """The header cells of the likely header row, the fields and items matched so far: for the mapping editor
    when the preview fails (e.g. no 学籍号 / 姓名 column recognised). None when no header row is found."""
    try:
        table, item_cols = _read(session, Path(path), get_scale(scale_id, session.db), profile, sheet, mapping,
                                 item_mapping)
    except TableError:
        return _likely_headers(Path(path), sheet)
    if not table.columns and not item_cols:  # the "header row" found is likely a row of answers
        return _likely_headers(Path(path), sheet)
    return ([h for h in table.headers if h], {f: table.header_of(f) for f in table.columns},
            {n: table.headers[c] for n, c in item_cols.items()})


def _likely_headers(path: Path, sheet: str | None) -> tuple[list[str], dict[str, str], dict[int, str]] | None:
    """No header row recognised at all: the first row of the sheet with three or more text (non-number) cells."""
    from app.tabular.reader import _raw_rows, cell_text_header

    try:
        _name, raw = _raw_rows(path, sheet)
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


def _item_columns(table: Table, scale: Scale, items_map: dict[int, str]) -> dict[int, int]:
    taken = {c for cols in table.columns.values() for c in cols}
    norm = [normalize_header(h) for h in table.headers]
    out: dict[int, int] = {}
    for n, header in items_map.items():
        target = normalize_header(header)
        if target in norm:
            out[n] = norm.index(target)
    for i, h in enumerate(table.headers):
        if i in taken or i in out.values():
            continue
        num = item_number(h)
        if num is not None and 1 <= num <= scale.n_items and num not in out:
            out[num] = i
    return out


def _parse_row(table: Table, scale: Scale, item_cols: dict[int, int], sheet_row: int, cells: list[Any],
               matcher: StudentMatcher) -> tuple[ParsedRow | None, list[RowError], list[RowError]]:
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
        value, reason = parse_answer(raw, item)
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
    error_report: Path | None = None

    def as_json(self) -> dict[str, Any]:
        return {"campaign_id": self.campaign_id, "written": self.written,
                "skipped_name_matches": self.skipped_name_matches,
                "levels": {str(k): v for k, v in sorted(self.levels.items())},
                "error_report": str(self.error_report) if self.error_report else None}


def apply_screening(session: Session, preview: ScreeningPreview, campaign: str, *, skip_invalid: bool = False,
                    confirm_name_matches: bool = False, confirmed_rows: set[int] | None = None) -> ScreeningImportResult:
    """Write the previewed rows in one transaction: every valid row, or nothing.

    Name-and-class matches are written only when confirmed (all of them, or the sheet rows in ``confirmed_rows``).
    """
    if preview.errors and not skip_invalid:
        raise InputRejected(f"{preview.file} 有 {len(preview.invalid_rows)} 行无效，未写入任何数据。"
                            "请修改后重新导入，或选择“跳过无效行”。")
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
        cur = db.execute("INSERT INTO imports (kind, file_name, file_hash, at, account, counts) VALUES"
                         " ('screening', :f, :h, :t, :a, :c)",
                         {"f": preview.file, "h": preview.file_hash, "t": clock.now_iso(), "a": who,
                          "c": json.dumps({"campaign": camp.name, "scale": scale.id, **counts}, ensure_ascii=False)})
        import_id = int(cur.lastrowid or 0)
        rows = []
        for r in preview.rows:
            if r.matched_by == BY_NAME and not (confirm_name_matches or
                                                     (confirmed_rows is not None and r.sheet_row in confirmed_rows)):
                skipped += 1
                continue
            rows.append(r)
        add_targets(db, camp.id, [r.student_id for r in rows])
        for r in rows:
            write_result(db, campaign_id=camp.id, student_id=r.student_id, scale=scale, result=r.result,
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
    report = write_error_report(session.paths.reports, preview) if preview.errors else None
    return ScreeningImportResult(preview, camp.id, written, skipped, levels, report)


def write_error_report(folder: Path, preview: ScreeningPreview) -> Path:
    return tabular_report(folder, preview.file, preview.errors, "测评导入错误")


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
                             or None, sheet=sheet, mapping=fields, item_mapping=items, progress=progress)


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
        f"关键题阳性 {c['critical']} 人。",
        {"rows": [(r.sheet_row, r.registry_no, r.name, r.class_name, r.result.total_display, r.result.band_label,
                   "是" if r.result.critical else "") for r in p.rows],
         "duplicates": [(r, "同一结果重复列出，只计一次") for r in p.duplicates]},
        p.errors, p.warnings,
        [(m.sheet_row, f"第 {m.sheet_row} 行 → {m.class_name} {m.name}（学籍号 {m.registry_no}）") for m in p.name_matches],
        "各题作答" if p.mode == "items" else "仅总分", bool(p.rows))


def _outcome(res: ScreeningImportResult, _options: Options) -> str:
    levels = "，".join(f"{k}级 {v} 人" for k, v in sorted(res.levels.items())) or "无预警"
    msg = f"已导入 {res.written} 份结果（{levels}）。"
    if res.skipped_name_matches:
        msg += f"\n{res.skipped_name_matches} 行按姓名对应的结果未确认，未导入。"
    if res.error_report:
        msg += f"\n错误报告：{res.error_report}"
    return msg


def _load_profile(session: Session, name: str) -> dict[str, str] | None:
    if load_profile(session.db, PROFILE_KIND, name) is None:
        return None
    fields, items = _profile(session, name)
    return _flat(fields, items)


def _save_profile(session: Session, name: str, mapping: dict[str, str]) -> None:
    fields, items = _split(mapping)
    save_import_profile(session, name, fields or {}, items or {})


def _scales(session: Session) -> list[tuple[str, object]]:
    return [(f"{s.short_name}（{s.name}）", s.id) for s in all_scales(session.db).values()]


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
          Tab("duplicates", "重复", ("工作表行号", "说明"))),
    options=(Option("scale", "量表", choices=_scales, default=_default_scale, resets_mapping=True),
             Option("campaign", "测评活动", placeholder="不存在时自动创建", required="请填写测评活动名称。")),
    load_profile=_load_profile, save_profile=_save_profile)
