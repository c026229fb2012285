"""Talks and families for a period: 一生一谈 coverage, 一反馈 coverage and home visits to focus students, from the
one coverage computation (``app.casework.coverage``). A semester or year counts its own dates; a month counts its
semester up to the month's end and is on track when coverage keeps pace with the semester's elapsed days."""
from __future__ import annotations

from app.casework.coverage import ClassCoverage, Measure, school_coverage
from app.indicators.model import Evidence, Figure, Period
from app.indicators.periods import semester_containing
from app.policy import sees_focus_tags
from app.school.calendar import Semester
from app.session import Session

MEASURES = (("talk", "casework.talk_coverage", "一生一谈覆盖", "在读学生中本学期已有谈话记录的人数"),
            ("feedback", "casework.feedback_coverage", "一反馈覆盖", "应反馈学生中本学期已有家长会、电话或家访记录的人数"),
            ("home_visit", "casework.home_visits", "重点学生家访", "重点学生中本学期已家访的人数"))


def casework_figures(session: Session, period: Period) -> list[Figure]:
    if not sees_focus_tags(session.account):
        return []
    window, pace = _window(session, period)
    rows = school_coverage(session, window)
    figures = []
    for attr, key, title, counts in MEASURES:
        done = total = 0
        evidence: list[Evidence] = []
        for row in rows:
            m: Measure = getattr(row, attr)
            done += len(m.done)
            total += m.total
            if m.missing:
                evidence.append(Evidence(f"{row.class_name} {len(m.done)}/{m.total}", "class", row.class_id,
                                         missing=True))
        target = round(total * pace)
        figures.append(Figure(key, "talks", title, f"{counts}（{window.start_date} 至 {window.end_date}）"
                              + ("；目标按学期已过天数折算" if pace < 1 else ""), done, "人", target=target,
                              ok=done >= target, evidence=tuple(evidence),
                              breakdown=_by_class(rows, attr)))
    return figures


def _by_class(rows: list[ClassCoverage], attr: str) -> dict[str, dict[str, int]]:
    return {r.class_name: {"done": len(getattr(r, attr).done), "total": getattr(r, attr).total} for r in rows}


def _window(session: Session, period: Period) -> tuple[Semester, float]:
    """The dates coverage counts over, and the share of the target due by the period's end."""
    if period.kind != "month":
        return Semester(0, "", "", period.label, period.start_iso, period.end_iso), 1.0
    sem = semester_containing(session.db, period.start) or semester_containing(session.db, period.end)
    if sem is None:
        return Semester(0, "", "", period.label, period.start_iso, period.end_iso), 1.0
    end = min(period.end, sem.end)
    days = (sem.end - sem.start).days + 1
    pace = min(1.0, ((end - sem.start).days + 1) / days) if days > 0 else 1.0
    return Semester(0, "", "", sem.label, sem.start_iso, end.isoformat()), pace
