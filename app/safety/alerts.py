"""Same-day safety alerts: the one path by which a sign of risk to a student's life becomes today's work.

A positive critical screening item (PHQ-9 item 9, or any item a scale file marks critical), a session note marked
high risk and, later, a self-harm sign in a committee report each call :func:`raise_same_day`. The alert is due the
day it is raised (not in some school days), sits at the very top of 工作台 (``PRIORITY_SAME_DAY``), offers
"开危机个案" with the student filled in, and is closed either by a crisis case opened from it (``open_case(...,
alert_id=...)``: the case keeps the link back and shows what raised it) or by the counselor's same-day review
(:func:`review_same_day`).

``source`` names the record that raised the alert as ``"table:id"`` (``screening_results:12``,
``case_records:5``, ``network_concerns:3``); one record raises at most one alert, so importing the same file again
or saving the same note again raises nothing new. ``reason`` is a short line for the counselor ("PHQ-9 第9题阳性");
alerts are read by counselors only (a head teacher sees no machine-made label before the counselor's review).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app import clock
from app.errors import InputRejected, PermissionDenied
from app.policy import can_counsel, can_read_confidential, does_student_work, in_scope, require
from app.session import Session
from app.store.conf_text import SAFETY_TEXT
from app.store.db import Database, Row
from app.workbench import PRIORITY_SAME_DAY, WorkItem

SOURCE_LABELS = {"screening_results": "测评筛查", "case_records": "谈话记录", "network_concerns": "预警网络报告"}
# The crisis case source (app.crisis.rules.SOURCES) a case opened from an alert takes by default.
CASE_SOURCES = {"screening_results": "screening", "case_records": "teacher", "network_concerns": "committee"}
STATUS_LABELS = {"open": "待当天复核", "case_opened": "已开危机个案", "reviewed": "已复核"}
BANNER = "一级预警，请当天复核"


@dataclass(frozen=True)
class SameDayAlert:
    id: int
    student_id: int
    registry_no: str
    student_name: str
    class_name: str
    source: str
    source_label: str
    reason: str
    raised_at: str
    raised_by: str
    due_on: str
    status: str
    case_id: int | None
    resolved_at: str | None
    resolved_by: str
    outcome: str

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def case_source(self) -> str:
        """The crisis-case source ("screening", "teacher", "committee") for a case opened from this alert."""
        return CASE_SOURCES.get(self.source.split(":", 1)[0], "teacher")

    @property
    def title(self) -> str:
        return f"{self.student_name}（{self.class_name}）{self.reason} → {BANNER}"

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "student_id": self.student_id, "registry_no": self.registry_no,
                "student": self.student_name, "class": self.class_name, "source": self.source,
                "source_label": self.source_label, "reason": self.reason, "raised_at": self.raised_at,
                "due": self.due_on, "status": self.status, "case_id": self.case_id}


_SELECT = ("SELECT a.*, s.registry_no, s.name AS student_name, s.class_id, coalesce(c.name, '') AS class_name"
           " FROM safety_alerts a JOIN students s ON s.id = a.student_id LEFT JOIN classes c ON c.id = s.class_id")


def _alerts(db: Database, rows: list[Row]) -> list[SameDayAlert]:
    """The alerts of ``rows`` with their reason and outcome read back from the confidential tier."""
    return [_alert(r) for r in SAFETY_TEXT.fill(db, "safety_alerts", rows)]


def _alert(r: Mapping[str, Any]) -> SameDayAlert:
    return SameDayAlert(r["id"], r["student_id"], r["registry_no"], r["student_name"], r["class_name"], r["source"],
                        r["source_label"], r["reason"], r["raised_at"], r["raised_by"], r["due_on"], r["status"],
                        r["case_id"], r["resolved_at"], r["resolved_by"], r["outcome"])


def raise_same_day(session: Session, student_id: int, source: str, reason: str, *,
                   source_label: str = "") -> int:
    """Raise (once per ``source``) an alert due today for ``student_id``; returns its id. Joins the caller's
    transaction when there is one (an import, a saved note), so the alert stands or falls with what raised it.

    Whoever records students' work may raise one (a head teacher's note about a student of their class as well as
    the counselor's import); only counselors read them."""
    require(session, does_student_work, "记录学生的风险信息")
    table, _sep, ident = source.partition(":")
    if not table or not ident:
        raise InputRejected(f"预警来源“{source}”应写成 表名:编号。")
    if not reason.strip():
        raise InputRejected("请写明当天复核的原因。")
    db = session.db
    row = db.one("SELECT class_id FROM students WHERE id = :s", {"s": student_id})
    if row is None:
        raise InputRejected("找不到该学生。")
    if not in_scope(session.account, row["class_id"]):
        raise PermissionDenied("班主任只能为本班学生记录风险信息。")
    with db.transaction():
        existing = db.scalar("SELECT id FROM safety_alerts WHERE source = :src", {"src": source})
        if existing is not None:
            return int(existing)
        cur = db.execute(
            "INSERT INTO safety_alerts (uuid, student_id, source, source_label, reason, raised_at, raised_by, due_on)"
            " VALUES (:u, :s, :src, :sl, :r, :at, :by, :due)",
            {"u": clock.new_uuid(), "s": student_id, "src": source,
             "sl": source_label or SOURCE_LABELS.get(table, table), "r": SAFETY_TEXT.vault_value(db, reason.strip()),
             "at": clock.now_iso(), "by": session.account.label, "due": clock.today().isoformat()})
        alert_id = int(cur.lastrowid or 0)
        SAFETY_TEXT.put(db, "safety_alerts", alert_id, {"reason": reason.strip()})
        session.audit("edit", f"safety_alerts:{alert_id}", {"raise": source, "student": student_id})
    return alert_id


def get_alert(session: Session, alert_id: int) -> SameDayAlert:
    require(session, can_read_confidential, "查看当天复核事项")
    r = session.db.one(_SELECT + " WHERE a.id = :id", {"id": alert_id})
    if r is None:
        raise InputRejected("找不到该当天复核事项。")
    return _alerts(session.db, [r])[0]


def alert_for(session: Session, source: str) -> SameDayAlert | None:
    """The alert a record raised (``"table:id"``), if it raised one; counselors only."""
    if not can_read_confidential(session.account):
        return None
    r = session.db.one(_SELECT + " WHERE a.source = :src", {"src": source})
    return _alerts(session.db, [r])[0] if r is not None else None


def open_alerts(session: Session, student_id: int | None = None) -> list[SameDayAlert]:
    """Alerts still waiting for the same-day review, oldest first (counselors only; others get none)."""
    if not can_read_confidential(session.account):
        return []
    sql = _SELECT + " WHERE a.status = 'open'"
    params: dict[str, Any] = {}
    if student_id is not None:
        sql += " AND a.student_id = :s"
        params["s"] = student_id
    return _alerts(session.db, session.db.query(sql + " ORDER BY a.due_on, a.id", params))


def open_alert_students(db: Database) -> set[int]:
    """Students with an alert waiting for review (their 一级预警 row on 工作台 is the alert's)."""
    return {int(r[0]) for r in db.query("SELECT DISTINCT student_id FROM safety_alerts WHERE status = 'open'")}


def review_same_day(session: Session, alert_id: int, outcome: str) -> None:
    """The counselor reviewed the student today and opened no crisis case: record what was found."""
    require(session, can_counsel, "完成当天复核")
    if not outcome.strip():
        raise InputRejected("请填写当天复核的结果（例如：已面谈，暂无危机，转入常规跟进）。")
    alert = get_alert(session, alert_id)
    if alert.status != "open":
        raise InputRejected(f"该事项已处理（{alert.status_label}）。")
    with session.db.transaction():
        session.db.execute("UPDATE safety_alerts SET status = 'reviewed', resolved_at = :at, resolved_by = :by"
                           " WHERE id = :id", {"at": clock.now_iso(), "by": session.account.label, "id": alert_id})
        SAFETY_TEXT.write(session.db, "safety_alerts", alert_id, {"outcome": outcome.strip()})
        session.audit("edit", f"safety_alerts:{alert_id}", {"reviewed": alert.source})


def link_case(session: Session, alert_id: int, student_id: int, case_id: int) -> None:
    """Called by ``app.crisis.cases.open_case`` inside its transaction (which stores the link on the case): the
    alert is handled by that case."""
    alert = get_alert(session, alert_id)
    if alert.student_id != student_id:
        raise InputRejected("当天复核事项与个案不是同一名学生。")
    if alert.status == "case_opened":
        raise InputRejected(f"该事项已开立危机个案（编号 {alert.case_id}）。")
    session.db.execute("UPDATE safety_alerts SET status = 'case_opened', case_id = :c, resolved_at = :at,"
                       " resolved_by = :by WHERE id = :id",
                       {"c": case_id, "at": clock.now_iso(), "by": session.account.label, "id": alert_id})


def case_alert(session: Session, case_id: int) -> SameDayAlert | None:
    """What raised a case, when it was opened from a same-day alert."""
    if not can_read_confidential(session.account):
        return None
    r = session.db.one(_SELECT + " WHERE a.case_id = :c ORDER BY a.id LIMIT 1", {"c": case_id})
    return _alerts(session.db, [r])[0] if r is not None else None


def same_day_items(session: Session, today: dt.date) -> list[WorkItem]:
    """工作台: every open alert, due the day it was raised, at the very top (red once that day has passed)."""
    iso = today.isoformat()
    return [WorkItem("same_day", "当天复核", a.title, a.due_on, overdue=a.due_on < iso, urgent=True,
                     student_id=a.student_id, source=f"safety_alerts:{a.id}", priority=PRIORITY_SAME_DAY)
            for a in open_alerts(session)]
