"""工作台: urgent signs the same day, untriaged concerns (red after the school's delay), suggested talks, classes
without committee members (or too many), rooms without an informant, missing reports and year-group reviews."""
from __future__ import annotations

import datetime as dt

from app.network.model import period_of, previous_period
from app.network.people import missing_reviews, rep_problems, rooms_without_informant
from app.network.reports import escalations, overview, red_after, untriaged
from app.policy import can_read_confidential
from app.safety.alerts import alert_for
from app.school.classnames import grade_name
from app.session import Session
from app.workbench import WorkItem


def network_items(session: Session, today: dt.date) -> list[WorkItem]:
    if not can_read_confidential(session.account):
        return []
    items: list[WorkItem] = []  # an urgent sign is already today's same-day alert (app.safety), at the very top
    for t in untriaged(session, today=today):
        alert = alert_for(session, f"network_concerns:{t.concern_id}") if t.urgent else None
        if alert is not None and alert.status == "open":
            continue  # already at the very top as today's same-day alert
        items.append(WorkItem("network_triage", "待分诊",
                              f"{t.student}（{t.class_name}）被报告：{'、'.join(t.signs)}，待分诊",
                              red_after(session.db, t.since).isoformat(), overdue=t.overdue, student_id=t.student_id,
                              source=f"network_concerns:{t.concern_id}"))
    period = period_of(today)
    for e in escalations(session, period):
        items.append(WorkItem("network_escalation", "建议约谈",
                              f"{e.student}（{e.class_name}）连续 {len(e.periods)} 期被报告，建议{e.action_label}",
                              today.isoformat(), student_id=e.student_id))
    for c in rep_problems(session, on=today.isoformat()):
        items.append(WorkItem("network_reps", "心理委员", f"{c.class_name}：{c.problem}"))
    for r in rooms_without_informant(session):
        items.append(WorkItem("network_informant", "宿舍信息员", f"{r.label}：没有宿舍心理信息员"))
    last = previous_period(period)
    for m in overview(session, last, today=today)["missing"]:
        items.append(WorkItem("network_missing", "缺报", f"{m['name']}：{last} 未报告", overdue=True))
    for grade, quarter in missing_reviews(session, today):
        items.append(WorkItem("network_review", "年级组研判", f"{grade_name(grade)} {quarter} 尚未研判"))
    return items
