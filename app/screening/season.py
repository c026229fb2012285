"""The screening season on 工作台: each stage's deadline (reminders two weeks and three days before, red after) and,
from October, grades of the school year that no campaign has screened yet. No student's data: the lines name
campaigns, grades and counts, for the counselor."""
from __future__ import annotations

import datetime as dt

from app.policy import can_counsel
from app.school.classnames import grade_name
from app.screening.campaigns import DEADLINE_STAGES, deadline_stage, list_campaigns
from app.session import Session
from app.workbench import WorkItem

REMIND_DAYS = (14, 3)   # a reminder from two weeks before a deadline, a sharper one from three days before
UNSCREENED_FROM_MONTH = 10


def _school_year_start(today: dt.date) -> dt.date:
    return dt.date(today.year if today.month >= 8 else today.year - 1, 8, 1)


def season_items(session: Session, today: dt.date) -> list[WorkItem]:
    if not can_counsel(session.account):   # the counselor runs the season; an administrator's 工作台 stays empty
        return []
    return deadline_items(session, today) + unscreened_items(session, today)


def _unfinished(session: Session, campaign_id: int) -> dict[str, int]:
    """Students not yet screened (not refused, not absent, no result) per deadline stage."""
    out: dict[str, int] = {}
    for grade, n in session.db.query(
            "SELECT c.grade, count(*) FROM screening_targets t JOIN students s ON s.id = t.student_id"
            " JOIN classes c ON c.id = s.class_id WHERE t.campaign_id = :c AND t.consent != 'refused'"
            " AND t.absent = 0 AND s.status = '在读' AND NOT EXISTS (SELECT 1 FROM screening_results r"
            " WHERE r.campaign_id = t.campaign_id AND r.student_id = t.student_id) GROUP BY c.grade",
            {"c": campaign_id}):
        stage = deadline_stage(int(grade))
        out[stage] = out.get(stage, 0) + int(n)
    return out


def deadline_items(session: Session, today: dt.date) -> list[WorkItem]:
    items: list[WorkItem] = []
    start = _school_year_start(today).isoformat()
    for camp in list_campaigns(session.db):
        if camp.closed or camp.window_start < start:
            continue
        left = _unfinished(session, camp.id)
        for stage, n in sorted(left.items()):
            if not n:
                continue
            due = dt.date.fromisoformat(camp.deadline_for(stage))
            days = (due - today).days
            label = DEADLINE_STAGES[stage]
            if days < 0:
                items.append(WorkItem("screening_deadline", "测评截止",
                                      f"{camp.name}：{label}测评已过截止日期 {due.isoformat()}，还有 {n} 人未完成",
                                      due.isoformat(), overdue=True, source=f"screening_campaigns:{camp.id}"))
            elif days <= REMIND_DAYS[0]:
                when = "今天截止" if days == 0 else f"还有 {days} 天截止"
                sharp = "（三天内）" if days <= REMIND_DAYS[1] else ""
                items.append(WorkItem("screening_deadline", "测评截止",
                                      f"{camp.name}：{label}测评{when}{sharp}（{due.isoformat()}），还有 {n} 人未完成",
                                      due.isoformat(), source=f"screening_campaigns:{camp.id}"))
    return items


def unscreened_items(session: Session, today: dt.date) -> list[WorkItem]:
    """From October to the school year's end: grades with no screening result this school year."""
    if 8 <= today.month < UNSCREENED_FROM_MONTH:
        return []
    start = _school_year_start(today).isoformat()
    screened = {int(r[0]) for r in session.db.query(
        "SELECT DISTINCT c.grade FROM screening_results r JOIN screening_campaigns k ON k.id = r.campaign_id"
        " JOIN students s ON s.id = r.student_id JOIN classes c ON c.id = s.class_id WHERE k.window_start >= :s"
        " OR r.taken_on >= :s", {"s": start})}
    year = int(start[:4])
    return [WorkItem("screening_unscreened", "测评安排",
                     f"{year}–{year + 1} 学年{grade_name(g)}尚未测评（每学年至少一次）", "",
                     source=f"grade:{g}")
            for g in _grades_with_students(session) if g not in screened]


def _grades_with_students(session: Session) -> list[int]:
    return [int(r[0]) for r in session.db.query(
        "SELECT DISTINCT c.grade FROM students s JOIN classes c ON c.id = s.class_id WHERE s.status = '在读'"
        " ORDER BY c.grade")]
