"""The people capability's figures for a period: staffing, training hours against the norms, supervision, and
duty-roster coverage (keys fixed: the monthly checklist refers to them)."""
from __future__ import annotations

from app.indicators.model import Evidence, Figure, Period
from app.people.duty import roster
from app.people.model import school_year_of
from app.people.staffing import staffing
from app.people.training import standings
from app.session import Session


def people_figures(session: Session, period: Period) -> list[Figure]:
    return [*staffing_figures(session), training_figure(session, period), supervision_figure(session, period),
            duty_figure(session, period)]


def staffing_figures(session: Session) -> list[Figure]:
    s = staffing(session)
    full = tuple(Evidence(f"{m.name}（{m.roles_label}）", "staff", m.id) for m in s.fulltime)
    part = tuple(Evidence(f"{m.name}（{m.roles_label}）", "staff", m.id) for m in s.parttime)
    fulltime = Figure(
        "staffing.fulltime", "staffing", "专职心理教师", "在职的专职心理教师人数（青岛：2025 年起每校至少 1 名）",
        len(s.fulltime), "人", 1, s.fulltime_ok,
        full or (Evidence("没有专职心理教师", missing=True),),
        {"fulltime": len(s.fulltime), "parttime": len(s.parttime)})
    ratio_evidence = full + part
    if not s.ratio_ok:
        ratio_evidence += (Evidence(f"还差 {s.needed - s.teachers} 名专兼职心理教师", missing=True),)
    ratio = Figure(
        "staffing.ratio", "staffing", "专兼职心理教师配比",
        "每 10 个班的专兼职心理教师人数（专职和兼职教师合计 × 10 ÷ 有在读学生的班级数），要求至少 1 名",
        s.per_ten_classes, "人/10班", 1, s.ratio_ok, ratio_evidence,
        {"fulltime": len(s.fulltime), "parttime": len(s.parttime), "classes": s.classes, "needed": s.needed})
    return [fulltime, ratio]


def training_figure(session: Session, period: Period) -> Figure:
    cycle, rows = standings(session, period.end)
    met = [r for r in rows if not r.hours_short]
    evidence = tuple(Evidence(f"{r.name}（{r.roles_label}，按{r.norm_label}要求）：{r.hours_label}", "staff", r.staff_id,
                              missing=True) for r in rows if r.hours_short)
    by_group: dict[str, dict[str, int]] = {}
    for r in rows:
        g = by_group.setdefault(r.norm_label, {"people": 0, "met": 0})
        g["people"] += 1
        g["met"] += 0 if r.hours_short else 1
    return Figure(
        "people.training_hours", "people", "培训学时达标",
        f"{cycle.label}内培训学时达到要求的在职教职工人数（专职 40、兼职 24、班主任 16、其他 8 学时，"
        "身兼数职的按最高要求计），截至期末",
        len(met), "人", len(rows), (len(met) == len(rows)) if rows else None, evidence,
        {"cycle_start": cycle.start.isoformat(), "cycle_end": cycle.end.isoformat(), "people": len(rows),
         "by_norm": by_group})


def supervision_figure(session: Session, period: Period) -> Figure:
    _cycle, rows = standings(session, period.end)
    full = [r for r in rows if r.supervisions_needed > 0]
    done = [r for r in full if not r.supervision_short]
    year_start, year_end = school_year_of(period.end)
    evidence = tuple(Evidence(f"{r.name}：本学年督导 {r.supervisions} 次", "staff", r.staff_id, missing=r.supervision_short)
                     for r in full)
    return Figure(
        "people.supervision", "people", "专职心理教师督导",
        f"本学年（{year_start.isoformat()} 至 {year_end.isoformat()}）截至期末至少接受 1 次督导的专职心理教师人数",
        len(done), "人", len(full), (len(done) == len(full)) if full else None, evidence,
        {"school_year_start": year_start.isoformat(), "fulltime": len(full)})


def duty_figure(session: Session, period: Period) -> Figure:
    days = [d for d in roster(session, period.start, period.end) if d.school_day]
    covered = [d for d in days if not d.uncovered]
    evidence = tuple(Evidence(f"{d.day.isoformat()}（{d.weekday_label}）无人值班"
                              + (f"（原安排的{d.person}已离校）" if d.left else ""), "duty_day", None, missing=True)
                     for d in days if d.uncovered)
    return Figure(
        "people.duty_coverage", "people", "心理辅导室值班",
        "期间的上课日中安排了值班人员的天数（上课日按学期、节假日与调休计算）",
        len(covered), "天", len(days), (len(covered) == len(days)) if days else None, evidence,
        {"school_days": len(days), "uncovered": [d.day.isoformat() for d in days if d.uncovered]})
