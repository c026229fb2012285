"""Importing a lesson and activity log (.xlsx, .xls, .ods, .csv) through the one import dialog and ``import-courses``.

Columns by synonyms: 日期, 年级, 班级, 类型, 主题, 授课/组织教师, 课时 (and, when present, 形式, 主题分类, 范围, 备注).
类型 tells a lesson (心理健康教育课, 心理课 …) from an activity (主题活动, 班会, 讲座, 5·25 …). A class may be written as
七年级（1）班, 七(1)班, 初一1班 or 7.1 (the roster's class-name parser); an activity row with only a grade (or 全校)
covers that grade (or the whole school). A row already in the vault (same day, class or scope, kind and topic) is
listed as existing and not written again."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app import clock
from app.courses.model import ACTIVITY_KINDS, FORMS, THEMES, kind_of
from app.courses.records import ActivityInput, LessonInput, _insert_activity, _insert_lesson, check_periods
from app.errors import InputRejected
from app.policy import can_keep_courses, require
from app.school.classes import list_classes
from app.school.classnames import grade_name, parse_class, parse_grade
from app.session import Session
from app.tabular import RowError, cell_text, read_table
from app.tabular.error_reports import store_error_report
from app.tabular.imports import past_date, record_import, refuse_invalid_rows
from app.tabular.reader import mapping_headers, nonblank_rows
from app.tabular.spec import ERROR_HEADERS, ImporterSpec, Options, PreviewView, Progress, Tab

PROFILE_KIND = "courses"
FIELD_LABELS = {"date": "日期", "grade": "年级", "class": "班级", "kind": "类型", "topic": "主题",
                "teacher": "授课/组织教师", "periods": "课时", "scope": "范围", "theme": "主题分类", "form": "形式",
                "note": "备注"}
SYNONYMS: dict[str, list[str]] = {
    "date": ["日期", "上课日期", "活动日期", "开展日期", "时间", "上课时间", "活动时间"],
    "grade": ["年级"],
    "class": ["班级", "班级名称", "授课班级", "参与班级", "班别"],
    "kind": ["类型", "课程类型", "活动类型", "类别", "形式类别", "课程/活动"],
    "topic": ["主题", "课题", "课程主题", "活动主题", "内容", "课程内容", "活动内容", "名称", "活动名称"],
    "teacher": ["授课/组织教师", "授课教师", "组织教师", "教师", "授课人", "组织者", "负责教师", "主讲", "主讲人",
                "执教教师", "授课/组织者"],
    "periods": ["课时", "课时数", "节数", "学时"],
    "scope": ["范围", "活动范围", "参与范围"],
    "theme": ["主题分类", "主题类别", "教育主题", "模块"],
    "form": ["形式", "授课形式", "活动形式", "教学形式"],
    "note": ["备注", "说明"],
}
REQUIRED = ["date", "kind", "topic"]
SCHOOL_WORDS = ("全校", "全体", "全校师生", "学校")
PROGRESS_EVERY = 200


@dataclass
class CourseRow:
    row: int
    kind: str                           # lesson | activity
    lesson: LessonInput | None = None
    activity: ActivityInput | None = None
    place: str = ""

    @property
    def label(self) -> str:
        return "心理课" if self.kind == "lesson" else (self.activity.kind if self.activity else "")

    @property
    def day(self) -> str:
        return self.lesson.held_on if self.lesson else self.activity.held_on if self.activity else ""

    @property
    def topic(self) -> str:
        return self.lesson.topic if self.lesson else self.activity.title if self.activity else ""

    @property
    def teacher(self) -> str:
        return self.lesson.teacher if self.lesson else self.activity.teacher if self.activity else ""

    @property
    def periods(self) -> float:
        return self.lesson.periods if self.lesson else self.activity.periods if self.activity else 0.0


@dataclass
class CoursesPreview:
    file: str
    sheet: str
    header_row: int
    columns: dict[str, str]
    rows: list[CourseRow] = field(default_factory=list)
    duplicates: list[int] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    file_hash: str = ""
    headers: list[str] = field(default_factory=list)

    @property
    def invalid_rows(self) -> list[int]:
        return sorted({e.row for e in self.errors})

    def counts(self) -> dict[str, int]:
        return {"lessons": sum(1 for r in self.rows if r.kind == "lesson"),
                "activities": sum(1 for r in self.rows if r.kind == "activity"),
                "duplicates": len(self.duplicates), "invalid": len(self.invalid_rows)}

    def as_json(self) -> dict[str, Any]:
        return {"file": self.file, "sheet": self.sheet, "header_row": self.header_row, "columns": self.columns,
                "counts": self.counts(), "errors": [e.as_json() for e in self.errors],
                "rows": [{"row": r.row, "kind": r.kind, "type": r.label, "date": r.day, "place": r.place,
                          "topic": r.topic, "teacher": r.teacher, "periods": r.periods} for r in self.rows],
                "duplicates": self.duplicates}


def _existing(session: Session) -> set[tuple[Any, ...]]:
    keys: set[tuple[Any, ...]] = set()
    for day, cid, topic in session.db.query(
            "SELECT held_on, class_id, topic FROM course_lessons WHERE deleted_at IS NULL"):
        keys.add(("lesson", day, "class", cid, None, "", topic))
    for day, scope, cid, grade, kind, title in session.db.query(
            "SELECT held_on, scope, class_id, grade, kind, title FROM course_activities WHERE deleted_at IS NULL"):
        keys.add(("activity", day, scope, cid, grade, kind, title))
    return keys


def preview_courses(session: Session, path: Path, mapping: dict[str, str] | None = None, sheet: str | None = None,
                    *, progress: Progress | None = None) -> CoursesPreview:
    """Read and check a lesson and activity log without writing anything."""
    require(session, can_keep_courses, "导入课程与活动记录")
    path = Path(path)
    table = read_table(path, SYNONYMS, REQUIRED, FIELD_LABELS, mapping, sheet)
    preview = CoursesPreview(path.name, table.sheet, table.header_row,
                             {f: table.header_of(f) for f in table.columns},
                             file_hash=hashlib.sha256(path.read_bytes()).hexdigest(),
                             headers=[h for h in table.headers if h])
    classes = {(c.grade, c.number): (c.id, c.name) for c in list_classes(session.db)}
    grades = {g for g, _n in classes}
    today = clock.today()
    existing = _existing(session)
    seen: dict[tuple[Any, ...], int] = {}
    total = len(table.rows)
    for done, (row, cells) in enumerate(nonblank_rows(table)):
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done, total)
        errors: list[RowError] = []

        def err(fieldname: str, reason: str, value: Any = "") -> None:
            errors.append(RowError(row, table.header_of(fieldname) or FIELD_LABELS[fieldname], reason,  # noqa: B023
                                   cell_text(value)[:60]))

        day = past_date(table.value(cells, "date"), today, lambda reason, value: err("date", reason, value),
                        empty="日期为空，请填写上课或活动的日期", future="：只导入已经开展的课程和活动")
        kind_text = cell_text(table.value(cells, "kind"))
        kind = kind_of(kind_text)
        if kind is None:
            err("kind", f"类型“{kind_text}”无法识别：心理课请填“心理健康教育课”，活动请填"
                        f"{'、'.join(ACTIVITY_KINDS[:-1])} 之一" if kind_text else
                "类型为空：请填“心理健康教育课”或活动类型（主题活动、主题班会、讲座……）", kind_text)
        topic = cell_text(table.value(cells, "topic"))
        if not topic:
            err("topic", "主题为空，请填写课题或活动名称")
        elif len(topic) > 200:
            err("topic", "主题超过 200 个字", topic)
        grade_text = cell_text(table.value(cells, "grade"))
        class_text = cell_text(table.value(cells, "class"))
        scope_text = cell_text(table.value(cells, "scope"))
        grade = parse_grade(grade_text) if grade_text else None
        if grade_text and grade is None and grade_text not in SCHOOL_WORDS:
            err("grade", f"年级“{grade_text}”无法识别，请写成 七年级、初一 或 7", grade_text)
        scope, class_id, place = "class", None, ""
        if class_text and class_text not in SCHOOL_WORDS and "全年级" not in class_text:
            ref = parse_class(class_text, grade)
            if ref is None:
                err("class", f"班级“{class_text}”无法识别，请写成 七年级（1）班、七(1)班、初一1班 或 7.1", class_text)
            elif grade is not None and ref.grade != grade:
                err("class", f"班级“{class_text}”与年级“{grade_text}”不一致，请核对", class_text)
            elif (ref.grade, ref.number) not in classes:
                err("class", f"学校没有{ref.name}（班级“{class_text}”），请核对班级，或先导入花名册", class_text)
            else:
                class_id, place = classes[(ref.grade, ref.number)]
        elif class_text in SCHOOL_WORDS or scope_text in SCHOOL_WORDS or grade_text in SCHOOL_WORDS:
            scope, place = "school", "全校"
        elif grade is not None:
            if grade not in grades:
                err("grade", f"学校没有{grade_name(grade)}的班级，请核对年级", grade_text)
            scope, place = "grade", grade_name(grade)
        else:
            err("class", "班级为空：心理课请填写班级；全年级或全校的活动请填写年级或“全校”")
        if kind is not None and kind[0] == "lesson" and scope != "class" and class_id is None and not any(
                e.field in (table.header_of("class") or "班级", table.header_of("grade") or "年级") for e in errors):
            err("class", "心理课要写明班级（全年级、全校只用于活动）", class_text or grade_text)
        periods: float = 1.0
        raw_periods = table.value(cells, "periods")
        if raw_periods is not None and cell_text(raw_periods):
            try:
                periods = check_periods(cell_text(raw_periods).replace("节", "").replace("课时", ""))
            except InputRejected as e:
                err("periods", str(e).rstrip("。"), raw_periods)
        theme = cell_text(table.value(cells, "theme"))
        if theme and theme not in THEMES:
            err("theme", f"主题分类“{theme}”不在列表中，可选：{'、'.join(THEMES)}", theme)
        form = cell_text(table.value(cells, "form"))
        if form and form not in FORMS:
            err("form", f"形式“{form}”不在列表中，可选：{'、'.join(FORMS)}", form)
        teacher = cell_text(table.value(cells, "teacher"))
        note = cell_text(table.value(cells, "note"))
        if errors or day is None or kind is None:
            preview.errors.extend(errors)
            continue
        if kind[0] == "lesson":
            assert class_id is not None
            key: tuple[Any, ...] = ("lesson", day.isoformat(), "class", class_id, None, "", topic)
            item = CourseRow(row, "lesson", lesson=LessonInput(day.isoformat(), class_id, topic, periods, teacher,
                                                               theme=theme, form=form, note=note), place=place)
        else:
            key = ("activity", day.isoformat(), scope, class_id, grade if scope == "grade" else None, kind[1], topic)
            item = CourseRow(row, "activity", activity=ActivityInput(
                day.isoformat(), scope, kind[1], topic, class_id, grade if scope == "grade" else None, periods,
                teacher, note=note), place=place)
        if key in existing:
            preview.duplicates.append(row)
            continue
        if key in seen:
            preview.errors.append(RowError(row, table.header_of("topic") or "主题",
                                           f"与第 {seen[key]} 行重复（同一天、同一班级、同一主题），请删除其中一行", topic))
            continue
        seen[key] = row
        preview.rows.append(item)
    preview.errors.sort(key=lambda e: e.row)
    return preview


def courses_headers(path: Path, mapping: dict[str, str] | None = None,
                    sheet: str | None = None) -> tuple[list[str], dict[str, str]] | None:
    return mapping_headers(path, SYNONYMS, FIELD_LABELS, mapping, sheet)


@dataclass
class CoursesResult:
    preview: CoursesPreview
    written: int
    error_report: int | None = None


def apply_courses(session: Session, preview: CoursesPreview, *, skip_invalid: bool = False) -> CoursesResult:
    """Write every valid row in one transaction: all of them, or nothing."""
    refuse_invalid_rows(preview, skip_invalid)
    require(session, can_keep_courses, "导入课程与活动记录")
    with session.db.transaction():
        counts = preview.counts()
        import_id = record_import(session, PROFILE_KIND, preview.file, preview.file_hash, counts)
        for item in preview.rows:
            if item.lesson is not None:
                _insert_lesson(session, item.lesson, import_id)
            elif item.activity is not None:
                _insert_activity(session, item.activity, import_id)
        session.audit("import", preview.file, {"kind": PROFILE_KIND, **counts})
        report = store_error_report(session, PROFILE_KIND, preview.file, preview.errors) if preview.errors else None
    return CoursesResult(preview, len(preview.rows), report)


def import_courses(session: Session, path: Path, *, dry_run: bool = False, skip_invalid: bool = False,
                   mapping: dict[str, str] | None = None) -> CoursesResult:
    preview = preview_courses(session, path, mapping)
    if dry_run:
        return CoursesResult(preview, 0)
    return apply_courses(session, preview, skip_invalid=skip_invalid)


def summary(p: CoursesPreview) -> str:
    c = p.counts()
    return (f"心理课 {c['lessons']} 节，活动 {c['activities']} 次，已存在 {c['duplicates']} 行，"
            f"无效 {c['invalid']} 行。")


def _describe(p: CoursesPreview) -> PreviewView:
    return PreviewView(
        p.sheet, p.header_row, p.headers, p.columns, p.counts(), summary(p),
        {"new": [(r.row, r.day, r.place, r.label, r.topic, r.teacher, f"{r.periods:g}") for r in p.rows],
         "duplicates": [(r, "系统中已有这条记录，不再导入") for r in p.duplicates]},
        p.errors, [], [], "", bool(p.rows))


def _outcome(result: CoursesResult, _options: Options) -> str:
    text = f"已写入 {result.written} 条课程与活动记录。"
    if result.error_report:
        text += (f"\n{len(result.preview.invalid_rows)} 行无效未导入，错误报告已保存到心桥中（第 {result.error_report} 号，"
                 "可在“导入错误报告”中查看或加密导出）。")
    return text


COURSES_IMPORT = ImporterSpec(
    kind=PROFILE_KIND, title="导入课程与活动记录",
    file_hint="选择心理课与主题活动登记表（.xlsx / .xls / .ods / .csv）：每节课或每次活动一行",
    fields=lambda _s, _o: dict(FIELD_LABELS), required=tuple(REQUIRED),
    preview=lambda s, path, sheet, mapping, _o, progress: preview_courses(s, path, mapping, sheet, progress=progress),
    headers=lambda _s, path, sheet, mapping, _o: courses_headers(path, mapping, sheet),
    describe=_describe,
    apply=lambda s, p, a: apply_courses(s, p, skip_invalid=a.skip_invalid),
    outcome=_outcome,
    tabs=(Tab("new", "将导入", ("工作表行号", "日期", "班级/范围", "类型", "主题", "教师", "课时")),
          Tab("errors", "无效行", ERROR_HEADERS),
          Tab("duplicates", "已存在", ("工作表行号", "说明"))))
