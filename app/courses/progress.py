"""Where each class stands against the norms: teaching months, the class × month grid, semester class hours.

A teaching month is a calendar month with school days inside a semester (``app.school.calendar`` and the school's
holidays: weekends and holiday ranges are off, make-up days count). Months that have not begun by ``today`` are
shown but never counted as short."""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from app import clock
from app.courses.norms import Norms, current_norms
from app.school.calendar import Semester, list_semesters
from app.school.classes import list_classes
from app.school.holidays import list_holidays
from app.session import Session
from app.store.db import Database


@dataclass(frozen=True)
class Month:
    label: str          # 2026-11
    start: dt.date
    end: dt.date
    school_days: int    # inside a semester

    @property
    def title(self) -> str:
        return f"{self.start.month}月"


def school_days(db: Database, start: dt.date, end: dt.date) -> list[dt.date]:
    """Days from ``start`` to ``end`` that are school days inside a semester."""
    ranges = [(h.start_date, h.end_date, h.makeup) for h in list_holidays(db) if h.end_date >= start.isoformat()]
    semesters = [(s.start_date, s.end_date) for s in list_semesters(db)]
    out = []
    d = start
    while d <= end:
        iso = d.isoformat()
        if any(s <= iso <= e for s, e in semesters):
            hit = next((makeup for s, e, makeup in ranges if s <= iso <= e), None)
            if (hit if hit is not None else d.weekday() < 5):
                out.append(d)
        d += dt.timedelta(days=1)
    return out


def _month_end(day: dt.date) -> dt.date:
    nxt = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return nxt - dt.timedelta(days=1)


def teaching_months(db: Database, start: dt.date, end: dt.date) -> list[Month]:
    """The teaching months that overlap ``start``..``end`` (whole months, in order)."""
    days = school_days(db, start.replace(day=1), _month_end(end))
    counts: dict[str, int] = {}
    for d in days:
        counts[d.strftime("%Y-%m")] = counts.get(d.strftime("%Y-%m"), 0) + 1
    out = []
    for label, n in sorted(counts.items()):
        first = dt.date.fromisoformat(label + "-01")
        out.append(Month(label, first, _month_end(first), n))
    return out


def semesters_in(db: Database, start: dt.date, end: dt.date) -> list[Semester]:
    return [s for s in list_semesters(db) if s.start_date <= end.isoformat() and s.end_date >= start.isoformat()]


@dataclass
class Cell:
    lessons: int = 0
    periods: float = 0.0
    activities: int = 0
    need_lessons: int | None = None
    need_activities: int | None = None
    counted: bool = True     # the month has begun: a shortfall counts

    @property
    def lessons_short(self) -> bool:
        return self.counted and self.need_lessons is not None and self.lessons < self.need_lessons

    @property
    def activities_short(self) -> bool:
        return self.counted and self.need_activities is not None and self.activities < self.need_activities


@dataclass
class ClassRow:
    class_id: int
    name: str
    grade: int
    cells: dict[str, Cell] = field(default_factory=dict)
    lessons: int = 0              # over the whole range
    hours: float = 0.0            # class hours of lessons over the whole range
    activities: int = 0           # counting activities (the profile's kinds) over the whole range
    hours_target: float | None = None

    @property
    def short_months(self) -> list[str]:
        return [m for m, c in self.cells.items() if c.lessons_short or c.activities_short]


@dataclass
class Grid:
    months: list[Month]
    rows: list[ClassRow]
    norms: Norms
    start: dt.date
    end: dt.date


def _counts(db: Database, start: str, end: str, norms: Norms,
            classes: list[tuple[int, int]]) -> tuple[dict[tuple[int, str], list[float]], dict[tuple[int, str], int]]:
    lessons: dict[tuple[int, str], list[float]] = {}
    for cid, month, n, periods in db.query(
            "SELECT class_id, substr(held_on, 1, 7), count(*), sum(periods) FROM course_lessons"
            " WHERE deleted_at IS NULL AND held_on BETWEEN :s AND :e GROUP BY 1, 2", {"s": start, "e": end}):
        lessons[(int(cid), str(month))] = [int(n), float(periods)]
    by_grade: dict[int, list[int]] = {}
    for cid, grade in classes:
        by_grade.setdefault(grade, []).append(cid)
    acts: dict[tuple[int, str], int] = {}
    for scope, cid, grade, kind, month, n in db.query(
            "SELECT scope, class_id, grade, kind, substr(held_on, 1, 7), count(*) FROM course_activities"
            " WHERE deleted_at IS NULL AND held_on BETWEEN :s AND :e GROUP BY 1, 2, 3, 4, 5", {"s": start, "e": end}):
        if not norms.counts_activity(str(kind)):
            continue
        covered = [cid] if scope == "class" else by_grade.get(grade, []) if scope == "grade" else \
            [c for c, _g in classes]
        for c in covered:
            acts[(int(c), str(month))] = acts.get((int(c), str(month)), 0) + int(n)
    return lessons, acts


def class_grid(session: Session, start: dt.date, end: dt.date, *, today: dt.date | None = None,
               norms: Norms | None = None) -> Grid:
    """Every class × every teaching month from ``start`` to ``end``: lessons, class hours, activities (grade- and
    school-wide ones count for every class they cover) and what the profile asks."""
    db = session.db
    today = today or clock.today()
    norms = norms or current_norms(db)
    months = teaching_months(db, start, end)
    classes = list_classes(db)
    lessons, acts = _counts(db, start.isoformat(), end.isoformat(), norms, [(c.id, c.grade) for c in classes])
    rows = []
    for c in classes:
        row = ClassRow(c.id, c.name, c.grade)
        for m in months:
            n, periods = lessons.get((c.id, m.label), [0, 0.0])
            cell = Cell(int(n), float(periods), acts.get((c.id, m.label), 0),
                        norms.lessons_for_month(m.school_days), norms.activities_per_month,
                        counted=m.start <= today)
            row.cells[m.label] = cell
        row.lessons = int(sum(v[0] for (cid, _m), v in lessons.items() if cid == c.id))
        row.hours = sum(v[1] for (cid, _m), v in lessons.items() if cid == c.id)
        row.activities = sum(v for (cid, _m), v in acts.items() if cid == c.id)
        rows.append(row)
    return Grid(months, rows, norms, start, end)


def hours_target(norms: Norms, grade: int, months: list[Month]) -> float | None:
    """Class hours a class needs over ``months`` of one semester: the profile's semester hours by stage, else the
    lessons its monthly norm asks for (one class hour each), else none."""
    by_stage = norms.hours_for(grade)
    if by_stage is not None:
        return by_stage
    needs = [norms.lessons_for_month(m.school_days) for m in months]
    if needs and all(n is not None for n in needs):
        return float(sum(n for n in needs if n is not None))
    return None


def share(target: float, done_months: int, all_months: int) -> float:
    """The part of a semester's target due after ``done_months`` of ``all_months`` teaching months (rounded up)."""
    if all_months <= 0:
        return target
    return float(math.ceil(target * min(done_months, all_months) / all_months - 1e-9))


@dataclass(frozen=True)
class SemesterProgress:
    class_id: int
    name: str
    lessons: int
    hours: float
    target: float | None     # the whole semester's class hours
    due_now: float | None    # what is due by today (pro rata over teaching months)
    activities: int
    short_months: tuple[str, ...]

    @property
    def behind(self) -> bool:
        return bool(self.short_months) or (self.due_now is not None and self.hours < self.due_now)


def semester_progress(session: Session, semester: Semester, *, today: dt.date | None = None) -> list[SemesterProgress]:
    """Per class: lessons and class hours so far this semester against the profile, and the months it fell short."""
    today = today or clock.today()
    start, end = dt.date.fromisoformat(semester.start_date), dt.date.fromisoformat(semester.end_date)
    grid = class_grid(session, start, end, today=today)
    begun = sum(1 for m in grid.months if m.start <= today)
    out = []
    for row in grid.rows:
        target = hours_target(grid.norms, row.grade, grid.months)
        due = share(target, begun, len(grid.months)) if target is not None else None
        out.append(SemesterProgress(row.class_id, row.name, row.lessons, row.hours, target, due, row.activities,
                                    tuple(row.short_months)))
    return out


def find_semester(db: Database, text: str | None, today: dt.date | None = None) -> Semester:
    """A semester by its name (2026-2027学年第一学期), by year and term (2026-2027-1, 2026-2027-2), by a day inside
    it (2026-11-05), or, blank, the current one; refused in Chinese with the semesters there are."""
    from app.errors import InputRejected

    semesters = list_semesters(db)
    t = (text or "").strip().replace(" ", "")
    if not t:
        day = today or clock.today()
        for s in semesters:
            if s.contains(day):
                return s
        past = [s for s in semesters if s.end_date < day.isoformat()]
        if past:
            return past[-1]
    for s in semesters:
        term = "1" if s.term == "autumn" else "2"
        if t in (s.name, f"{s.year_name}-{term}", f"{s.year_name}学年第{'一' if term == '1' else '二'}学期"):
            return s
    try:
        inside: dt.date | None = dt.date.fromisoformat(t)
    except ValueError:
        inside = None
    if inside is not None:
        for s in semesters:
            if s.contains(inside):
                return s
    names = "、".join(f"{s.name}（{s.year_name}-{'1' if s.term == 'autumn' else '2'}）" for s in semesters)
    raise InputRejected(f"找不到学期“{text or '（当前）'}”。可写学期名称、学年-学期号（如 2026-2027-1）或学期中的一天。"
                        f"已设置的学期：{names or '无（请管理员在 设置 → 学校 → 学年与学期 中添加）'}。")
