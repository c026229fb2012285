"""The workload sheet: per teacher per semester, the lessons taught, the group sessions, lectures, talks and
individual sessions held, with their minutes (the policies count this work as teaching load).

Lessons and activities come from this capability's records (by the teacher named on them); group sessions, talks
and individual sessions from casework (``app.casework.workload``, by the author of the record). A person is known
by name: a staff member's name and the name of their account should agree. Exported as an .xlsx (encrypted with
the export password unless the plain choice is made) and printed as a PDF (reportlab, the bundled CJK font)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.casework.workload import work_by_person
from app.courses.progress import find_semester
from app.policy import can_read_workload, require
from app.school.calendar import Semester
from app.session import Session
from app.tabular.writing import append_row, new_workbook, save_named_workbook

LESSON_MINUTES = 40   # one class hour, for the total
HEADERS = ("教师", "心理课（节）", "心理课（课时）", "团体辅导（次）", "团体辅导（分钟）", "讲座（次）", "主题活动（次）",
           "谈心谈话（次）", "谈心谈话（分钟）", "个体咨询（次）", "个体咨询（分钟）", "合计（分钟）")


@dataclass
class TeacherLoad:
    teacher: str
    lessons: int = 0
    lesson_periods: float = 0.0
    group_sessions: int = 0
    group_minutes: int = 0
    lectures: int = 0
    activities: int = 0
    talks: int = 0
    talk_minutes: int = 0
    individual: int = 0
    individual_minutes: int = 0

    @property
    def total_minutes(self) -> int:
        return int(round(self.lesson_periods * LESSON_MINUTES)) + self.group_minutes + self.talk_minutes + \
            self.individual_minutes

    def cells(self) -> tuple[Any, ...]:
        return (self.teacher, self.lessons, self.lesson_periods, self.group_sessions, self.group_minutes,
                self.lectures, self.activities, self.talks, self.talk_minutes, self.individual,
                self.individual_minutes, self.total_minutes)

    def as_json(self) -> dict[str, Any]:
        return {"teacher": self.teacher, "lessons": self.lessons, "lesson_periods": self.lesson_periods,
                "group_sessions": self.group_sessions, "group_minutes": self.group_minutes,
                "lectures": self.lectures, "activities": self.activities, "talks": self.talks,
                "talk_minutes": self.talk_minutes, "individual_sessions": self.individual,
                "individual_minutes": self.individual_minutes, "total_minutes": self.total_minutes}


@dataclass
class WorkloadSheet:
    semester: Semester
    rows: list[TeacherLoad] = field(default_factory=list)

    @property
    def total(self) -> TeacherLoad:
        t = TeacherLoad("合计")
        for r in self.rows:
            for name in ("lessons", "lesson_periods", "group_sessions", "group_minutes", "lectures", "activities",
                         "talks", "talk_minutes", "individual", "individual_minutes"):
                setattr(t, name, getattr(t, name) + getattr(r, name))
        return t

    def as_json(self) -> dict[str, Any]:
        return {"semester": self.semester.name, "start": self.semester.start_date, "end": self.semester.end_date,
                "teachers": [r.as_json() for r in self.rows], "total": self.total.as_json()}


def workload(session: Session, semester: Semester) -> WorkloadSheet:
    """Every teacher's work in ``semester``, by name, in name order (a record without a teacher is 未填写教师)."""
    require(session, can_read_workload, "查看工作量统计")
    db = session.db
    s, e = semester.start_date, semester.end_date
    loads: dict[str, TeacherLoad] = {}

    def of(name: str) -> TeacherLoad:
        key = (name or "").strip() or "未填写教师"
        if key not in loads:
            loads[key] = TeacherLoad(key)
        return loads[key]

    for teacher, n, periods in db.query(
            "SELECT teacher, count(*), sum(periods) FROM course_lessons WHERE deleted_at IS NULL"
            " AND held_on BETWEEN :s AND :e GROUP BY 1", {"s": s, "e": e}):
        load = of(str(teacher))
        load.lessons += int(n)
        load.lesson_periods += float(periods)
    for teacher, kind, n in db.query(
            "SELECT teacher, kind, count(*) FROM course_activities WHERE deleted_at IS NULL"
            " AND held_on BETWEEN :s AND :e GROUP BY 1, 2", {"s": s, "e": e}):
        load = of(str(teacher))
        if kind == "讲座":
            load.lectures += int(n)
        else:
            load.activities += int(n)
    for speaker, n in db.query(
            "SELECT speaker, count(*) FROM parent_school_sessions WHERE deleted_at IS NULL AND speaker != ''"
            " AND held_on BETWEEN :s AND :e GROUP BY 1", {"s": s, "e": e}):
        of(str(speaker)).lectures += int(n)
    for w in work_by_person(session, s, e):
        load = of(w.person)
        if w.kind == "group":
            load.group_sessions += w.records
            load.group_minutes += w.minutes
        elif w.kind == "talk":
            load.talks += w.records
            load.talk_minutes += w.minutes
        else:
            load.individual += w.records
            load.individual_minutes += w.minutes
    return WorkloadSheet(semester, sorted(loads.values(), key=lambda r: (r.teacher == "未填写教师", r.teacher)))


def workload_for(session: Session, semester_text: str | None) -> WorkloadSheet:
    return workload(session, find_semester(session.db, semester_text))


def export_workload(session: Session, sheet: WorkloadSheet, path: Path, *, password: str | None = None,
                    plain: bool = False) -> Path:
    """The sheet as an .xlsx: encrypted with ``password``, or plain by the explicit choice; audited."""
    require(session, can_read_workload, "导出工作量统计")
    wb, ws = new_workbook("工作量", HEADERS)
    for r in sheet.rows:
        append_row(ws, r.cells())
    append_row(ws, sheet.total.cells())
    return save_named_workbook(session, wb, Path(path), password=password, plain=plain, target="workload",
                               detail={"semester": sheet.semester.name, "teachers": len(sheet.rows)})


def print_workload(session: Session, sheet: WorkloadSheet, path: Path) -> Path:
    """A printable PDF of the sheet (A4 landscape, one line per teacher, a signature line); audited as a print."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen.canvas import Canvas

    from app.pdf.text import Writer

    require(session, can_read_workload, "打印工作量统计")
    path = Path(path)
    size = landscape(A4)
    canvas = Canvas(str(path), pagesize=size)
    width, height = size
    page = Writer(canvas)
    widths = [90] + [(width - 60 - 90) / (len(HEADERS) - 1)] * (len(HEADERS) - 1)

    def header(y: float) -> float:
        page.size = 15
        page.centred(width / 2, y, f"{session.school_name()} 心理健康教育工作量统计表")
        y -= 22
        page.size = 10
        page.centred(width / 2, y, f"{sheet.semester.name}（{sheet.semester.start_date} 至 {sheet.semester.end_date}）")
        y -= 26
        page.size = 8
        x = 30.0
        for w, h in zip(widths, HEADERS, strict=True):
            page.text(x + 2, y, h)
            x += w
        canvas.line(30, y - 4, width - 30, y - 4)
        return y - 18

    y = header(height - 40)
    rows = [*sheet.rows, sheet.total]
    for r in rows:
        if y < 70:
            canvas.showPage()
            y = header(height - 40)
        page.size = 9
        x = 30.0
        for w, value in zip(widths, r.cells(), strict=True):
            page.text(x + 2, y, f"{value:g}" if isinstance(value, float) else str(value))
            x += w
        y -= 16
    page.size = 9
    page.text(30, 45, f"说明：合计分钟按每课时 {LESSON_MINUTES} 分钟折算心理课，加团体辅导、谈心谈话、个体咨询的记录时长。")
    page.text(width - 300, 25, "统计人：__________    审核：__________    日期：__________")
    canvas.showPage()
    canvas.save()
    session.audit("print", path.name, {"kind": "workload", "semester": sheet.semester.name, "teachers": len(sheet.rows)})
    return path
