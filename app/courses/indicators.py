"""The courses figures for a period: every class held its lesson, every class its activity, semester class hours,
parent school and the monthly pushes to parents.

For a month the norm is the profile's monthly one; for a semester or a year every teaching month of the period
that has begun must meet it. Targets given per semester (class hours, parent school) are taken pro rata over the
semester's teaching months when the period is a month (what is due by the month's end), and summed over the
semesters of a year."""
from __future__ import annotations

import datetime as dt

from app import clock
from app.courses.norms import Norms, current_norms
from app.courses.progress import ClassRow, Grid, class_grid, hours_target, semesters_in, share, teaching_months
from app.indicators.model import Evidence, Figure, Period
from app.session import Session

AREA = "courses"


def _months_begun(grid: Grid, today: dt.date) -> list[str]:
    return [m.label for m in grid.months if m.start <= today]


def _missing(rows: list[ClassRow]) -> tuple[Evidence, ...]:
    return tuple(Evidence(label=r.name, kind="class", ref_id=r.class_id, missing=True) for r in rows)


def _every_class(key: str, title: str, grid: Grid, today: dt.date, *, lessons: bool, period: Period,
                 semesters: int) -> Figure:
    norms = grid.norms
    begun = _months_begun(grid, today)
    monthly = (norms.lessons_for_month(20) if lessons else norms.activities_per_month) is not None
    per_semester = None if lessons else norms.activities_per_semester
    if lessons and norms.lessons_per_semester:
        per_semester = norms.lessons_per_semester
    short: list[ClassRow] = []
    by_month: dict[str, int] = {m: 0 for m in begun}
    for row in grid.rows:
        for m in begun:
            cell = row.cells[m]
            if (cell.lessons if lessons else cell.activities) > 0 and \
                    not (cell.lessons_short if lessons else cell.activities_short):
                by_month[m] += 1
        if monthly:
            failed = any((row.cells[m].lessons_short if lessons else row.cells[m].activities_short) for m in begun)
        elif per_semester and period.kind != "month":
            held = row.lessons if lessons else row.activities
            failed = held < per_semester * semesters
        else:
            failed = (row.lessons if lessons else row.activities) < 1
        if failed and begun:
            short.append(row)
    total = len(grid.rows)
    normed = monthly or (per_semester is not None and period.kind != "month")
    what = "心理健康教育课" if lessons else ("、".join(norms.activity_kinds) or "主题活动") + "（年级、全校活动计入所覆盖的班级）"
    if monthly:
        counts = f"本期每个已开始的教学月都达到“{norms.name}”规范的班级数 / 班级总数（{what}）"
    elif normed:
        counts = f"本期开展{what}达到每学期 {per_semester} 次的班级数 / 班级总数"
    else:
        counts = f"本期至少开展 1 次{what}的班级数 / 班级总数（所选规范没有每月要求）"
    return Figure(key=key, area=AREA, title=title, counts=counts, value=total - len(short), unit="个班",
                  target=total, ok=(not short) if (normed or not per_semester) else None,
                  evidence=_missing(short),
                  breakdown={"norms": norms.key, "months": begun, "by_month": by_month,
                             "short": {r.name: [m for m in begun if (r.cells[m].lessons_short if lessons
                                                                     else r.cells[m].activities_short)]
                                       for r in short}})


def _hours(session: Session, period: Period, today: dt.date, norms: Norms) -> Figure:
    db = session.db
    met: list[ClassRow] = []
    short: list[ClassRow] = []
    targets: dict[str, float] = {}
    full: dict[str, float] = {}
    rows_by_class: dict[int, list[tuple[ClassRow, float]]] = {}
    for sem in semesters_in(db, period.start, period.end):
        s_start, s_end = dt.date.fromisoformat(sem.start_date), dt.date.fromisoformat(sem.end_date)
        months = teaching_months(db, s_start, s_end)
        until = min(s_end, period.end)
        # what is due by the period's end (or today, for a semester under way): pro rata over teaching months
        done = sum(1 for m in months if m.start <= min(until, today))
        grid = class_grid(session, s_start, until, today=today, norms=norms)
        for row in grid.rows:
            target = hours_target(norms, row.grade, months)
            if target is None:
                continue
            full[row.name] = full.get(row.name, 0.0) + target
            rows_by_class.setdefault(row.class_id, []).append((row, share(target, done, len(months))))
    for pairs in rows_by_class.values():
        row = pairs[0][0]
        hours = sum(r.hours for r, _d in pairs)
        due = sum(d for _r, d in pairs)
        targets[row.name] = due
        (met if hours >= due else short).append(ClassRow(row.class_id, row.name, row.grade, hours=hours))
    total = len(met) + len(short)
    return Figure(
        key="courses.hours_semester", area=AREA, title="心理课课时达标",
        counts=("心理课课时达到所选规范（青岛：每学期小学、初中 6 课时，高中 8 课时）的班级数 / 班级数；"
                "学期未结束时按已开始的教学月折算应完成的课时"),
        value=len(met), unit="个班", target=total if total else None, ok=(not short) if total else None,
        evidence=_missing(short),
        breakdown={"norms": norms.key, "hours": {r.name: r.hours for r in met + short}, "targets": targets,
                   "semester_targets": full})


def _parent_school(session: Session, period: Period, today: dt.date, norms: Norms) -> Figure:
    db = session.db
    sessions = hours = mental = 0.0
    need_sessions = need_hours = 0.0
    evidence: list[Evidence] = []
    for sem in semesters_in(db, period.start, period.end):
        s_start, s_end = dt.date.fromisoformat(sem.start_date), dt.date.fromisoformat(sem.end_date)
        if period.kind == "month":
            months = teaching_months(db, s_start, s_end)
            done = sum(1 for m in months if m.start <= min(period.end, today))
            lo, hi = s_start, period.end
            need_sessions += share(norms.parent_sessions, done, len(months))
            need_hours += share(norms.parent_hours, done, len(months))
        else:
            lo, hi = max(s_start, period.start), min(s_end, period.end)
            need_sessions += norms.parent_sessions
            need_hours += norms.parent_hours
        for sid, day, topic, h, mh in db.query(
                "SELECT id, held_on, topic, hours, mental_health FROM parent_school_sessions WHERE deleted_at IS NULL"
                " AND held_on BETWEEN :s AND :e ORDER BY held_on", {"s": lo.isoformat(), "e": hi.isoformat()}):
            sessions += 1
            hours += float(h)
            mental += 1 if mh else 0
            evidence.append(Evidence(label=f"{day} {topic}（{float(h):g} 课时）", kind="parent_school", ref_id=int(sid)))
    ok = sessions >= need_sessions and hours >= need_hours and (mental >= 1 or need_sessions == 0)
    if sessions < need_sessions or hours < need_hours:
        evidence.append(Evidence(label=f"还差 {max(0, need_sessions - sessions):g} 次、"
                                       f"{max(0.0, need_hours - hours):g} 课时", kind="parent_school", missing=True))
    return Figure(
        key="courses.parent_school", area=AREA, title="家长学校",
        counts=(f"家长学校次数（每学期 {norms.parent_sessions} 次、{norms.parent_hours:g} 课时"
                + ("，按教学月折算到本月末" if period.kind == "month" else "") + "，且至少 1 次含心理健康内容）"),
        value=int(sessions), unit="次", target=need_sessions, ok=ok, evidence=tuple(evidence),
        breakdown={"hours": hours, "target_hours": need_hours, "mental_health_sessions": int(mental)})


def _pushes(session: Session, period: Period, today: dt.date, norms: Norms) -> Figure:
    db = session.db
    months = [m for m in teaching_months(db, period.start, period.end) if m.start <= today]
    counts = {str(m): int(n) for m, n in db.query(
        "SELECT substr(pushed_on, 1, 7), count(*) FROM parent_pushes WHERE deleted_at IS NULL"
        " AND pushed_on BETWEEN :s AND :e GROUP BY 1", {"s": period.start_iso, "e": period.end_iso})}
    need = norms.push_per_month
    done = [m.label for m in months if counts.get(m.label, 0) >= need]
    missing = tuple(Evidence(label=f"{m.label} 未推送", kind="month", missing=True)
                    for m in months if m.label not in done)
    return Figure(key="courses.parent_push", area=AREA, title="每月家长推送",
                  counts=f"已开始的教学月中，向家长推送材料达到每月 {need} 次的月数 / 教学月数",
                  value=len(done), unit="个月", target=len(months), ok=not missing if need else None,
                  evidence=missing, breakdown={"pushes": counts})


def course_figures(session: Session, period: Period) -> list[Figure]:
    """The five courses figures for ``period`` (the keys the monthly checklist refers to)."""
    today = clock.today()
    norms = current_norms(session.db)
    grid = class_grid(session, period.start, period.end, today=today, norms=norms)
    semesters = max(1, len(semesters_in(session.db, period.start, period.end)))
    return [
        _every_class("courses.lessons_every_class", "每班每月一节心理课", grid, today, lessons=True, period=period,
                     semesters=semesters),
        _every_class("courses.activities_every_class", "每班每月一次主题活动", grid, today, lessons=False,
                     period=period, semesters=semesters),
        _hours(session, period, today, norms),
        _parent_school(session, period, today, norms),
        _pushes(session, period, today, norms),
    ]

