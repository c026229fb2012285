"""工作台 items: level-1 alerts at once, follow-up interviews due (red when passed), re-screens due, and a confirmed
level still without a current 一生一策 plan."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.archive.plans import current_plans, is_current_since
from app.policy import can_read_confidential
from app.screening.grading import level_label
from app.screening.stored import basis_source
from app.session import Session
from app.workbench import WorkItem

RESCREEN_NOTICE_DAYS = 7


def work_items(session: Session, today: dt.date) -> list[WorkItem]:
    if not can_read_confidential(session.account):
        return []
    from app.safety.alerts import open_alert_students

    iso = today.isoformat()
    same_day = open_alert_students(session.db)  # their level-1 row is the same-day item (app.safety.alerts)
    items: list[WorkItem] = []
    basis, join = basis_source(session.db)
    for r in session.db.query(
            f"SELECT l.id, l.student_id, s.name, c.name, l.level, l.due_date, {basis} FROM screening_levels l{join}"
            " JOIN students s ON s.id = l.student_id LEFT JOIN classes c ON c.id = s.class_id"
            " WHERE l.status = 'pending_review' AND l.level IS NOT NULL ORDER BY l.level, l.due_date"):
        overdue = bool(r[5]) and r[5] < iso
        if r[4] == 1 and r[1] in same_day:
            continue
        if r[4] == 1:
            items.append(WorkItem("screening_alert", "一级预警", f"{r[2]}（{r[3] or ''}）{r[6]}：一级预警，请尽快复核访谈",
                                  r[5], overdue=overdue, urgent=True, student_id=r[1], source=f"screening_levels:{r[0]}",
                                  target=f"form:interview:{r[0]}"))
        else:
            items.append(WorkItem("follow_up", "待复核访谈", f"{r[2]}（{r[3] or ''}）{level_label(r[4])}待复核",
                                  r[5], overdue=overdue, student_id=r[1], source=f"screening_levels:{r[0]}",
                                  target=f"form:interview:{r[0]}"))
    items.extend(_plans_missing(session))
    horizon = (today + dt.timedelta(days=RESCREEN_NOTICE_DAYS)).isoformat()
    for r in session.db.query(
            "SELECT l.id, l.student_id, s.name, c.name, l.level, l.rescreen_due FROM screening_levels l"
            " JOIN students s ON s.id = l.student_id LEFT JOIN classes c ON c.id = s.class_id"
            " WHERE l.status = 'confirmed' AND l.level IN (2, 3) AND l.rescreen_due != ''"
            " AND l.rescreen_due <= :h AND NOT EXISTS (SELECT 1 FROM screening_results r WHERE r.student_id = l.student_id"
            " AND r.campaign_id > l.campaign_id)", {"h": horizon}):
        items.append(WorkItem("rescreen", "复测到期", f"{r[2]}（{r[3] or ''}）{level_label(r[4])}学生到期复测",
                              r[5], overdue=r[5] < iso, student_id=r[1], source=f"screening_levels:{r[0]}"))
    return items


def _plans_missing(session: Session) -> list[WorkItem]:
    """Every confirmed level has a current 一生一策 plan (Ningxia 004 item 5): until the plan is written, an item
    stands on 工作台 (the plan's own review date then reminds through the archive's ``plan_reviews``)."""
    items = []
    for c in confirmed_levels(session):
        if c.plan_current:
            continue
        items.append(WorkItem("plan_missing", "一生一策待制定",
                              f"{c.name}（{c.class_name}）已确认{level_label(c.level)}，请制定一生一策方案", c.since[:10],
                              student_id=c.student_id, source=f"screening_levels:{c.entry_id}",
                              target=f"form:plan:{c.student_id}"))
    return items


@dataclass(frozen=True)
class ConfirmedLevel:
    """An enrolled student whose latest screening entry is a confirmed level, and whether a plan covers it."""

    entry_id: int
    student_id: int
    level: int
    since: str
    name: str
    class_id: int | None
    class_name: str
    plan_current: bool


def confirmed_levels(session: Session) -> list[ConfirmedLevel]:
    """The one answer to "every confirmed level has a current plan" (工作台 and the indicators read it), oldest
    confirmation first."""
    plans = current_plans(session.db)
    out = []
    for eid, sid, level, since, name, cid, cls in session.db.query(
            "SELECT l.id, l.student_id, l.level, l.updated_at, s.name, s.class_id, c.name FROM screening_levels l"
            " JOIN students s ON s.id = l.student_id LEFT JOIN classes c ON c.id = s.class_id"
            " WHERE s.status = '在读' AND l.status = 'confirmed' AND l.level IS NOT NULL"
            # the latest campaign's entry decides
            " AND l.campaign_id = (SELECT max(x.campaign_id) FROM screening_levels x WHERE x.student_id = l.student_id)"
            " ORDER BY l.updated_at, l.student_id"):
        out.append(ConfirmedLevel(eid, sid, level, since, name, cid, cls or "", is_current_since(plans.get(sid), since)))
    return out
