"""Roster import: preview (new / updated / unchanged / invalid) and one-transaction apply."""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app import clock
from app.errors import InputRejected
from app.pinyin import pinyin_keys
from app.policy import can_manage_roster, require
from app.school.classes import _ensure_class
from app.school.classnames import (
    MAX_CLASS_NUMBER,
    ClassRef,
    class_display_name,
    parse_class_in,
    parse_grade_in,
    parse_stage,
    school_year_of,
)
from app.school.profile import get_school
from app.session import Session
from app.tabular import RowError, cell_text, parse_bool, parse_date, read_table
from app.tabular.error_reports import store_error_report
from app.tabular.imports import record_import, refuse_invalid_rows
from app.tabular.reader import Table, mapping_headers, nonblank_rows
from app.tabular.spec import CONFIRMED, ERROR_HEADERS, ImporterSpec, Option, Options, PreviewView, Progress, Tab

FIELD_LABELS = {
    "name": "姓名", "gender": "性别", "birth_date": "出生日期", "registry_no": "学籍号", "id_number": "身份证件号",
    "grade": "年级", "class": "班级", "ethnicity": "民族", "boarding": "是否住校", "left_behind": "是否留守儿童",
    "guardian_name": "监护人姓名", "guardian_relation": "监护人关系", "guardian_phone": "监护人联系电话",
    "address": "家庭住址", "stage": "学段",
}
SYNONYMS: dict[str, list[str]] = {
    "name": ["姓名", "学生姓名", "名字"],
    "gender": ["性别", "性别码"],
    "birth_date": ["出生日期", "出生年月日", "出生年月", "生日"],
    "registry_no": ["全国学籍号", "学籍号", "国家学籍号", "学生学籍号", "学籍辅号", "个人标识码"],
    "id_number": ["身份证件号", "身份证号", "身份证号码", "证件号码", "身份证件号码"],
    "grade": ["年级", "所在年级", "年级名称"],
    "class": ["班级", "班级名称", "所在班级", "班名", "班别"],
    "ethnicity": ["民族", "民族码"],
    "boarding": ["是否住校", "住校", "是否寄宿", "住宿情况", "就读方式"],
    "left_behind": ["是否留守儿童", "留守儿童", "是否留守"],
    "guardian_name": ["监护人姓名", "监护人", "家长姓名", "监护人1姓名", "第一监护人"],
    "guardian_relation": ["监护人关系", "与学生关系", "监护人与学生关系", "关系"],
    "guardian_phone": ["监护人联系电话", "监护人电话", "联系电话", "家长电话", "家长联系电话", "手机号码", "手机号"],
    "address": ["家庭住址", "现住址", "家庭地址", "居住地址"],
    "stage": ["学段", "所在学段", "学段名称"],
}
REQUIRED = ["name", "registry_no", "class"]
REGISTRY_RE = re.compile(r"^[A-Z0-9]{6,30}$")
NAME_RE = re.compile(r"^[\u3400-\u9fffA-Za-z·•.\- ]{1,30}$")
PHONE_RE = re.compile(r"^[0-9+\-]{7,20}$")
GENDERS = {"男": "男", "女": "女", "男性": "男", "女性": "女", "1": "男", "2": "女", "m": "男", "f": "女"}
COMPARED = ["name", "gender", "birth_date", "id_number", "class_key", "ethnicity", "boarding", "left_behind",
            "address", "guardian"]
COMPARED_LABELS = {"class_key": "班级", "guardian": "监护人", **FIELD_LABELS}
ABSENT_STATUSES = ("转出", "毕业")
KEPT_WHEN_BLANK = ("gender", "birth_date", "id_number", "ethnicity", "boarding", "left_behind", "address")


@dataclass
class RosterRow:
    sheet_row: int
    registry_no: str
    name: str
    gender: str
    birth_date: str
    id_number: str
    class_ref: ClassRef
    ethnicity: str
    boarding: bool
    left_behind: bool
    address: str
    guardian: tuple[str, str, str]  # name, relation, phone
    # Optional fields this file gives no value for (no such column, or a blank cell): for a student already in
    # the archive they keep what the archive has, so a bare class list never erases birth dates or flags.
    blank: frozenset[str] = frozenset()

    @property
    def class_key(self) -> str:
        return f"{self.class_ref.grade}.{self.class_ref.number}"


@dataclass
class RosterChange:
    row: RosterRow
    student_id: int | None = None
    changed: list[str] = field(default_factory=list)


@dataclass
class RosterPreview:
    file: str
    sheet: str
    header_row: int
    columns: dict[str, str]
    new: list[RosterChange] = field(default_factory=list)
    updated: list[RosterChange] = field(default_factory=list)
    unchanged: list[RosterChange] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    duplicates: list[int] = field(default_factory=list)  # sheet rows of the same student listed again
    absent: list[tuple[int, str, str]] = field(default_factory=list)  # (student id, registry no, name)
    file_hash: str = ""
    headers: list[str] = field(default_factory=list)  # every header cell of the header row, for a mapping editor
    # Classes the vault does not have yet, with how many of the file's students would go to each: a typo in one
    # row must not create 八年级（9）班 silently. ``school_has_classes``: whether any class exists already.
    new_classes: list[tuple[ClassRef, int]] = field(default_factory=list)
    school_has_classes: bool = False

    @property
    def new_classes_text(self) -> str:
        """将新建班级：八年级（9）班（1 人）、… — empty when every class exists."""
        if not self.new_classes:
            return ""
        return "将新建班级：" + "、".join(f"{ref.name}（{n} 人）" for ref, n in self.new_classes)

    @property
    def invalid_rows(self) -> list[int]:
        return sorted({e.row for e in self.errors})

    def counts(self) -> dict[str, int]:
        return {"new": len(self.new), "updated": len(self.updated), "unchanged": len(self.unchanged),
                "invalid": len(self.invalid_rows), "duplicates": len(self.duplicates), "absent": len(self.absent)}

    def as_json(self) -> dict[str, Any]:
        return {"file": self.file, "sheet": self.sheet, "header_row": self.header_row, "columns": self.columns,
                "counts": self.counts(), "errors": [e.as_json() for e in self.errors],
                "new": [c.row.registry_no for c in self.new],
                "updated": [{"registry_no": c.row.registry_no, "changed": c.changed} for c in self.updated],
                "absent": [{"registry_no": r, "name": n} for _, r, n in self.absent],
                "new_classes": [{"class_name": ref.name, "students": n} for ref, n in self.new_classes]}


ETHNICITY_CODE = re.compile(r"^\d{1,3}\s*[-－—_.、:：]?\s*(?=\D)")  # "01-汉族", "01 汉族" -> "汉族"


@dataclass(frozen=True)
class _Context:
    """What a cohort (2024级, 2024届) needs: the school year of the import and the school's stages."""

    school_year: int
    stages: tuple[str, ...]


def _parse_row(table: Table, sheet_row: int, cells: list[Any],
               ctx: _Context) -> tuple[RosterRow | None, list[RowError]]:
    errors: list[RowError] = []
    # Each mapped cell is read and normalised once; a field without a column (or a blank cell) is "".
    raw = {f: table.value(cells, f) for f in table.columns}
    text = {f: cell_text(v) for f, v in raw.items()}

    def err(fieldname: str, reason: str, value: Any = "") -> None:
        label = table.header_of(fieldname) or FIELD_LABELS[fieldname]
        errors.append(RowError(sheet_row, label, reason, cell_text(value)))

    name = text.get("name", "")
    if not name:
        err("name", "姓名为空，请填写学生姓名")
    elif not NAME_RE.match(name):
        err("name", f"姓名“{name}”含有数字或不该出现的符号", name)
    registry = text.get("registry_no", "").replace(" ", "").upper()
    if not registry:
        err("registry_no", "学籍号为空（全国学籍号、学籍号或学籍辅号至少填一个）")
    elif not REGISTRY_RE.match(registry):
        err("registry_no", f"学籍号“{registry}”格式不正确，应为 6–30 位字母或数字", registry)
    raw_gender = text.get("gender", "").lower()
    gender = GENDERS.get(raw_gender, "")
    if raw_gender and not gender:
        err("gender", f"性别“{raw_gender}”无法识别，应为“男”或“女”", raw_gender)
    birth = ""
    raw_birth = raw.get("birth_date")
    try:
        d = parse_date(raw_birth)
        if d is not None:
            if not (dt.date(1990, 1, 1) <= d <= clock.today()):
                err("birth_date", f"出生日期 {d.isoformat()} 不在合理范围内", raw_birth)
            birth = d.isoformat()
    except ValueError as e:
        err("birth_date", f"出生日期{e}", raw_birth)
    grade_text = text.get("grade", "")
    class_text = text.get("class", "")
    stage_text = text.get("stage", "")
    stage = parse_stage(stage_text) if stage_text else None
    if stage_text and stage is None:
        err("stage", f"学段“{stage_text}”无法识别，应为 小学、初中 或 高中", stage_text)
    grade_hint = None
    if grade_text:
        try:
            grade_hint = parse_grade_in(grade_text, ctx.school_year, ctx.stages, stage)
            if grade_hint is None:
                err("grade", f"年级“{grade_text}”无法识别，请写成 七年级、初一、初中一年级 或 2024级", grade_text)
        except ValueError as e:
            err("grade", str(e), grade_text)
    class_ref = None
    if not class_text:
        err("class", "班级为空")
    else:
        try:
            class_ref = parse_class_in(class_text, grade_hint, ctx.school_year, ctx.stages, stage)
        except ValueError as e:
            err("class", str(e), class_text)
            return None, errors
        if (class_ref is None and grade_hint is not None and class_text.isascii() and class_text.isdigit()
                and 1 <= int(class_text) <= MAX_CLASS_NUMBER):
            class_ref = ClassRef(grade_hint, int(class_text))
        if class_ref is None:
            err("class", f"班级“{class_text}”无法识别，请写成 七年级（3）班、初一3班 或 7.3", class_text)
        elif grade_hint is not None and class_ref.grade != grade_hint:
            err("class", f"班级“{class_text}”与年级“{grade_text}”不一致", class_text)
            class_ref = None
    flags = {}
    for key in ("boarding", "left_behind"):
        value = raw.get(key)
        try:
            flags[key] = bool(parse_bool(value))
        except ValueError as e:
            err(key, f"{FIELD_LABELS[key]}{e}", value)
            flags[key] = False
    phone = text.get("guardian_phone", "").replace(" ", "")
    if phone and not PHONE_RE.match(phone):
        err("guardian_phone", f"电话“{phone}”格式不正确", phone)
    if errors or class_ref is None:
        return None, errors
    row = RosterRow(sheet_row, registry, name, gender, birth,
                    text.get("id_number", "").replace(" ", "").upper(), class_ref,
                    ETHNICITY_CODE.sub("", text.get("ethnicity", "")), flags["boarding"], flags["left_behind"],
                    text.get("address", ""), (text.get("guardian_name", ""), text.get("guardian_relation", ""), phone),
                    frozenset(f for f in KEPT_WHEN_BLANK if not text.get(f, "")))
    return row, []


def _existing(session: Session) -> dict[str, dict[str, Any]]:
    db = session.db
    guardians: dict[int, tuple[str, str, str]] = {}
    for r in db.query("SELECT student_id, name, relation, phone FROM guardians ORDER BY sort DESC, id DESC"):
        guardians[r[0]] = (r[1], r[2], r[3])
    out = {}
    for r in db.query("SELECT s.*, c.grade, c.number FROM students s LEFT JOIN classes c ON c.id = s.class_id"):
        out[r["registry_no"]] = {
            "id": r["id"], "name": r["name"], "gender": r["gender"], "birth_date": r["birth_date"],
            "id_number": r["id_number"], "class_key": f"{r['grade']}.{r['number']}" if r["grade"] else "",
            "ethnicity": r["ethnicity"], "boarding": bool(r["boarding"]), "left_behind": bool(r["left_behind"]),
            "address": r["address"], "guardian": guardians.get(r["id"], ("", "", "")), "status": r["status"]}
    return out


def _row_values(row: RosterRow) -> dict[str, Any]:
    return {"name": row.name, "gender": row.gender, "birth_date": row.birth_date, "id_number": row.id_number,
            "class_key": row.class_key, "ethnicity": row.ethnicity, "boarding": row.boarding,
            "left_behind": row.left_behind, "address": row.address, "guardian": row.guardian}


def preview_roster(session: Session, path: Path, mapping: dict[str, str] | None = None,
                   sheet: str | None = None, *, progress: Progress | None = None) -> RosterPreview:
    """Read and check a roster file without writing anything. ``progress(done, total)`` is called now and then
    (it may raise to stop the work)."""
    require(session, can_manage_roster, "导入花名册")
    path = Path(path)
    table = read_table(path, SYNONYMS, REQUIRED, FIELD_LABELS, mapping, sheet)
    preview = RosterPreview(path.name, table.sheet, table.header_row,
                            {f: table.header_of(f) for f in table.columns},
                            file_hash=hashlib.sha256(path.read_bytes()).hexdigest(),
                            headers=[h for h in table.headers if h])
    existing = _existing(session)
    ctx = _Context(school_year_of(clock.today()), tuple(get_school(session.db).stages))
    seen: dict[str, RosterRow] = {}
    total = len(table.rows)
    for done, (sheet_row, cells) in enumerate(nonblank_rows(table)):
        if progress is not None and done % 200 == 0:
            progress(done, total)
        row, errors = _parse_row(table, sheet_row, cells, ctx)
        if row is None:
            preview.errors.extend(errors)
            continue
        first = seen.get(row.registry_no)
        if first is not None:
            if first.name == row.name:
                preview.duplicates.append(sheet_row)
            else:
                preview.errors.append(RowError(sheet_row, table.header_of("registry_no") or "学籍号",
                                               f"学籍号 {row.registry_no} 已被第 {first.sheet_row} 行的“{first.name}”使用",
                                               row.registry_no))
            continue
        seen[row.registry_no] = row
        old = existing.get(row.registry_no)
        if old is None:
            preview.new.append(RosterChange(row))
            continue
        if old["name"] != row.name and old["birth_date"] and row.birth_date and old["birth_date"] != row.birth_date:
            preview.errors.append(RowError(sheet_row, table.header_of("registry_no") or "学籍号",
                                           f"学籍号 {row.registry_no} 在档案中属于另一名学生“{old['name']}”，请核对",
                                           row.registry_no))
            continue
        for f in row.blank:
            setattr(row, f, old[f])
        values = _row_values(row)
        changed = [k for k in COMPARED if values[k] != old[k] and not (k == "guardian" and not any(row.guardian))]
        if old["status"] != "在读":
            changed.append("status")
        change = RosterChange(row, old["id"], changed)
        (preview.updated if changed else preview.unchanged).append(change)
    for reg, old in existing.items():
        if reg not in seen and old["status"] == "在读":
            preview.absent.append((old["id"], reg, old["name"]))
    have = {(r[0], r[1]) for r in session.db.query("SELECT grade, number FROM classes")}
    preview.school_has_classes = bool(have)
    wanted: dict[ClassRef, int] = {}
    for change in (*preview.new, *preview.updated):
        ref = change.row.class_ref
        if (ref.grade, ref.number) not in have:
            wanted[ref] = wanted.get(ref, 0) + 1
    preview.new_classes = sorted(wanted.items())
    preview.errors.sort(key=lambda e: e.row)
    return preview


@dataclass
class RosterResult:
    preview: RosterPreview
    written: bool
    error_report: int | None = None  # the vault's import error report (app.tabular.error_reports)
    marked_absent: int = 0


def new_classes_refusal(preview: RosterPreview) -> str:
    return (f"{preview.new_classes_text}。学校已有的班级中没有这些班，可能是某一行写错了班级。请核对花名册；"
            "确需新建时在导入窗口中确认，命令行加 --create-classes。")


def apply_roster(session: Session, preview: RosterPreview, *, skip_invalid: bool = False,
                 mark_absent: str | None = None, create_classes: bool | None = None) -> RosterResult:
    """Write the previewed rows in one transaction: all valid rows, or nothing.

    New classes (``preview.new_classes``) are created only when confirmed: ``create_classes=True``. Left at None,
    they are created only for a school that has no class yet (its first roster is how its classes come to be);
    ``False`` refuses any new class."""
    if preview.new_classes and not (create_classes or (create_classes is None and not preview.school_has_classes)):
        raise InputRejected(new_classes_refusal(preview))
    refuse_invalid_rows(preview, skip_invalid)
    if mark_absent is not None and mark_absent not in ABSENT_STATUSES:
        raise InputRejected(f"未在名单中的学生只能标记为 {'或'.join(ABSENT_STATUSES)}。")
    db = session.db
    now = clock.now_iso()
    who = session.account.label
    with db.transaction():
        class_ids: dict[str, int] = {}

        def class_id(row: RosterRow) -> int:
            if row.class_key not in class_ids:
                class_ids[row.class_key] = _ensure_class(db, row.class_ref)
            return class_ids[row.class_key]

        for change in preview.new:
            r = change.row
            full, initials = pinyin_keys(r.name)
            cur = db.execute(
                "INSERT INTO students (uuid, registry_no, name, gender, birth_date, id_number, class_id, ethnicity,"
                " boarding, left_behind, address, pinyin_full, pinyin_initials, created_at, updated_at) VALUES"
                " (:uuid, :reg, :name, :gender, :birth, :idn, :cls, :eth, :board, :lb, :addr, :pf, :pi, :t, :t)",
                {"uuid": clock.new_uuid(), "reg": r.registry_no, "name": r.name, "gender": r.gender,
                 "birth": r.birth_date, "idn": r.id_number, "cls": class_id(r), "eth": r.ethnicity,
                 "board": int(r.boarding), "lb": int(r.left_behind), "addr": r.address, "pf": full, "pi": initials,
                 "t": now})
            sid = int(cur.lastrowid or 0)
            _write_guardian(session, sid, r)
            db.execute("INSERT INTO student_events (student_id, at, kind, summary, account) VALUES"
                       " (:s, :t, 'imported', :m, :a)",
                       {"s": sid, "t": now, "m": f"由花名册导入，编入{r.class_ref.name}", "a": who})
        for change in preview.updated:
            r = change.row
            full, initials = pinyin_keys(r.name)
            assert change.student_id is not None
            db.execute(
                "UPDATE students SET name = :name, gender = :gender, birth_date = :birth, id_number = :idn,"
                " class_id = :cls, ethnicity = :eth, boarding = :board, left_behind = :lb, address = :addr,"
                " pinyin_full = :pf, pinyin_initials = :pi, status = '在读', updated_at = :t WHERE id = :id",
                {"name": r.name, "gender": r.gender, "birth": r.birth_date, "idn": r.id_number, "cls": class_id(r),
                 "eth": r.ethnicity, "board": int(r.boarding), "lb": int(r.left_behind), "addr": r.address,
                 "pf": full, "pi": initials, "t": now, "id": change.student_id})
            if "guardian" in change.changed:
                _write_guardian(session, change.student_id, r)
            labels = "、".join(COMPARED_LABELS.get(c, "在读状态") for c in change.changed)
            summary = f"花名册更新：{labels}"
            if "class_key" in change.changed:
                summary += f"（现为{r.class_ref.name}）"
            db.execute("INSERT INTO student_events (student_id, at, kind, summary, account) VALUES"
                       " (:s, :t, 'updated', :m, :a)", {"s": change.student_id, "t": now, "m": summary, "a": who})
        marked = 0
        if mark_absent:
            for sid, _reg, _name in preview.absent:
                db.execute("UPDATE students SET status = :st, updated_at = :t WHERE id = :id",
                           {"st": mark_absent, "t": now, "id": sid})
                db.execute("INSERT INTO student_events (student_id, at, kind, summary, account) VALUES"
                           " (:s, :t, 'left', :m, :a)",
                           {"s": sid, "t": now, "m": f"未在新花名册中，标记为{mark_absent}", "a": who})
                marked += 1
        counts = preview.counts()
        record_import(session, "roster", preview.file, preview.file_hash, counts)
        session.audit("import", preview.file, {"kind": "roster", **counts, "marked_absent": marked})
        report = store_error_report(session, "roster", preview.file, preview.errors) if preview.errors else None
    return RosterResult(preview, True, report, marked)


def _write_guardian(session: Session, student_id: int, r: RosterRow) -> None:
    if not any(r.guardian):
        return
    session.db.execute("DELETE FROM guardians WHERE student_id = :s AND sort = 0", {"s": student_id})
    session.db.execute("INSERT INTO guardians (student_id, name, relation, phone, sort) VALUES (:s, :n, :r, :p, 0)",
                       {"s": student_id, "n": r.guardian[0], "r": r.guardian[1], "p": r.guardian[2]})


def import_roster(session: Session, path: Path, *, dry_run: bool = False, skip_invalid: bool = False,
                  mark_absent: str | None = None, mapping: dict[str, str] | None = None,
                  sheet: str | None = None, create_classes: bool | None = None) -> RosterResult:
    preview = preview_roster(session, path, mapping, sheet)
    if dry_run:
        return RosterResult(preview, False)
    return apply_roster(session, preview, skip_invalid=skip_invalid, mark_absent=mark_absent,
                        create_classes=create_classes)


def class_label(ref: ClassRef) -> str:
    return class_display_name(ref.grade, ref.number)


def roster_headers(path: Path, mapping: dict[str, str] | None = None,
                   sheet: str | None = None) -> tuple[list[str], dict[str, str]] | None:
    """The header cells of the most likely header row and the columns matched so far, even when a required
    column is missing (so a mapping editor can offer the file's headers). None if no header row is found."""
    return mapping_headers(path, SYNONYMS, FIELD_LABELS, mapping, sheet)


# -- the import dialog's description ---------------------------------------------------------------------------
def _describe(p: RosterPreview) -> PreviewView:
    c = p.counts()
    return PreviewView(
        p.sheet, p.header_row, p.headers, p.columns, c,
        f"新增 {c['new']} 名，更新 {c['updated']} 名，未变 {c['unchanged']} 名，无效 {c['invalid']} 行，"
        f"重复 {c['duplicates']} 行，不在名单中 {c['absent']} 名。"
        + (f"\n{p.new_classes_text}。" if p.new_classes else ""),
        {"new": [(ch.row.sheet_row, ch.row.registry_no, ch.row.name, ch.row.gender, ch.row.birth_date,
                  ch.row.class_ref.name) for ch in p.new],
         "updated": [(ch.row.sheet_row, ch.row.registry_no, ch.row.name,
                      "、".join(COMPARED_LABELS.get(k, "在读状态") for k in ch.changed)) for ch in p.updated],
         "absent": [(reg, name) for _sid, reg, name in p.absent],
         "duplicates": [(r, "同一学生重复列出，只计一次") for r in p.duplicates]},
        p.errors)


def _outcome(result: RosterResult, options: Options) -> str:
    c = result.preview.counts()
    text = f"导入完成：新增 {c['new']} 名，更新 {c['updated']} 名，未变 {c['unchanged']} 名"
    if result.marked_absent:
        text += f"，{result.marked_absent} 名标记为{options.get('mark_absent')}"
    text += "。"
    if result.error_report is not None:
        text += f"\n{c['invalid']} 行无效未导入，错误报告已保存到心桥中（第 {result.error_report} 号，可在“导入错误报告”中查看或加密导出）。"
    return text


def _import_label(p: RosterPreview, options: Options) -> str:
    mark = options.get("mark_absent")
    return f"导入并将 {len(p.absent)} 名学生标记为{mark}" if mark and p.absent else "导入"


ROSTER_IMPORT = ImporterSpec(
    kind="roster", title="导入花名册", file_hint="选择学籍系统导出的 .xlsx 或 .csv 花名册",
    fields=lambda _s, _o: dict(FIELD_LABELS), required=tuple(REQUIRED),
    preview=lambda s, path, sheet, mapping, _o, progress: preview_roster(s, path, mapping, sheet, progress=progress),
    headers=lambda _s, path, sheet, mapping, _o: roster_headers(path, mapping, sheet),
    describe=_describe,
    apply=lambda s, p, a: apply_roster(s, p, skip_invalid=a.skip_invalid, mark_absent=a.options.get("mark_absent"),
                                       create_classes=True if a.options.get(CONFIRMED) else None),
    confirm=lambda p, _o: (f"{p.new_classes_text}。\n\n请确认这些班级确实存在（不是某一行写错了班级），"
                           "再新建并导入。") if p.new_classes and p.school_has_classes else "",
    outcome=_outcome,
    tabs=(Tab("new", "新增", ("工作表行号", "学籍号", "姓名", "性别", "出生日期", "班级")),
          Tab("updated", "更新", ("工作表行号", "学籍号", "姓名", "变化的字段")),
          Tab("errors", "无效行", ERROR_HEADERS),
          Tab("absent", "不在名单中", ("学籍号", "姓名")),
          Tab("duplicates", "重复", ("工作表行号", "说明"))),
    options=(Option("mark_absent", "不在新名单中的在读学生：",
                    choices=lambda _s: [("不处理", None)] + [(f"标记为{st}", st) for st in ABSENT_STATUSES],
                    repreview=False, before_import=True),),
    import_label=_import_label)
