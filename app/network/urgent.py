"""The same-day path for a self-harm or harm-to-others sign in a report.

NOTE (merge): the ``safety`` branch builds ONE same-day path for positive critical screening items; at merge this
module's ``same_day_items`` is to be switched to that path (the report's concern becomes one of its items), so both
sources share one list, one wording and one ordering on the 工作台.
"""
from __future__ import annotations

import datetime as dt

from app.network.reports import untriaged
from app.policy import can_read_confidential
from app.session import Session
from app.workbench import WorkItem


def same_day_items(session: Session, today: dt.date) -> list[WorkItem]:
    """Every untriaged concern with an urgent sign: at the very top of the 工作台, due the day it was reported."""
    if not can_read_confidential(session.account):
        return []
    return [WorkItem("network_urgent", "紧急：预警网络",
                     f"{t.student}（{t.class_name}）{'、'.join(t.signs)}：当天评估，请立即分诊", t.since,
                     overdue=True, urgent=True, student_id=t.student_id, source=f"network_concerns:{t.concern_id}")
            for t in untriaged(session, today=today) if t.urgent]
