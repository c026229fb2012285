"""一生一策 support plans. Every save is a new version; earlier versions are kept and listed.

Storage (issue 8 (b)): vault.db's ``support_plans`` row keeps the student, the version, the review date and who
wrote it when (the 工作台's reminders); every text field and the change reason live in confidential.db
(``conf.support_plan_text``). Only counselors write plans, so vault.db's text columns are blank but for a vault
from before the move (moved at the next counselor sign-in)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from app import clock
from app.archive.students import get_student
from app.errors import InputRejected
from app.policy import can_counsel, can_read_confidential, require
from app.session import Session
from app.store import confidential
from app.store.db import Database

PLAN_FIELDS = {
    "situation": "学生基本情况",
    "family": "家庭情况",
    "difficulties": "存在的困难",
    "study_plan": "学业规划",
    "growth_advice": "成长建议",
    "further_study": "升学路径",
}


_TEXT = (*PLAN_FIELDS, "change_reason")


def plan_text_source(db: Database) -> tuple[str, str]:
    """(the text columns, the FROM clause with ``p`` for the plan): from confidential.db when attached (vault.db's
    columns win only while they still hold text from before the move), else vault.db's (blank once moved)."""
    if confidential.attached(db):
        return (", ".join(f"coalesce(nullif(p.{c}, ''), pt.{c}, '') AS {c}" for c in _TEXT),
                "support_plans p LEFT JOIN conf.support_plan_text pt ON pt.plan_id = p.id")
    return ", ".join(f"p.{c}" for c in _TEXT), "support_plans p"


@dataclass(frozen=True)
class SupportPlan:
    id: int
    student_id: int
    version: int
    situation: str
    family: str
    difficulties: str
    study_plan: str
    growth_advice: str
    further_study: str
    review_date: str
    change_reason: str
    created_at: str
    created_by: str


def save_plan(session: Session, student_id: int, *, review_date: str, change_reason: str = "",
              **content: str) -> SupportPlan:
    require(session, can_counsel, "编写一生一策方案")
    session.require_confidential()
    unknown = set(content) - set(PLAN_FIELDS)
    if unknown:
        raise ValueError(unknown)
    try:
        dt.date.fromisoformat(review_date)
    except ValueError:
        raise InputRejected(f"复查日期“{review_date}”无效，请写成 2026-12-01。") from None
    if not any(v.strip() for v in content.values()):
        raise InputRejected("方案内容不能全部为空。")
    student = get_student(session.db, session.account, student_id)
    db = session.db
    with db.transaction():
        version = int(db.scalar("SELECT coalesce(max(version), 0) FROM support_plans WHERE student_id = :s",
                                {"s": student.id})) + 1
        if version > 1 and not change_reason.strip():
            raise InputRejected("修改方案时请填写修改原因。")
        values = {k: content.get(k, "").strip() for k in PLAN_FIELDS}
        insert_plan(db, student.id, version, values, review_date, change_reason.strip(), clock.now_iso(),
                    session.account.label)
        session.audit("edit", f"student:{student.registry_no}", {"support_plan_version": version})
    plans = plan_versions(session, student_id)
    return plans[0]


def insert_plan(db: Database, student_id: int, version: int, values: dict[str, str], review_date: str,
                change_reason: str, created_at: str, created_by: str) -> int:
    """One plan version: its row in vault.db, its text in confidential.db (joins the caller's transaction)."""
    with db.transaction():
        cur = db.execute("INSERT INTO support_plans (uuid, student_id, version, review_date, created_at, created_by)"
                         " VALUES (:uuid, :s, :v, :review, :at, :by)",
                         {"uuid": clock.new_uuid(), "s": student_id, "v": version, "review": review_date,
                          "at": created_at, "by": created_by})
        plan_id = int(cur.lastrowid or 0)
        text = {k: values.get(k, "") for k in PLAN_FIELDS} | {"change_reason": change_reason}
        db.execute(f"INSERT INTO conf.support_plan_text (plan_id, {', '.join(_TEXT)})"
                   f" VALUES (:id, {', '.join(':' + c for c in _TEXT)}) ON CONFLICT (plan_id) DO UPDATE SET "
                   + ", ".join(f"{c} = excluded.{c}" for c in _TEXT), {"id": plan_id, **text})
    return plan_id


def plan_versions(session: Session, student_id: int) -> list[SupportPlan]:
    """All versions, newest first. Plans are confidential: counselors only."""
    if not can_read_confidential(session.account):
        return []
    get_student(session.db, session.account, student_id)
    text, source = plan_text_source(session.db)
    cols = ", ".join(f"p.{f.name} AS {f.name}" for f in fields(SupportPlan) if f.name not in _TEXT)
    rows = session.db.query(f"SELECT {cols}, {text} FROM {source} WHERE p.student_id = :s ORDER BY p.version DESC",
                            {"s": student_id})
    return [SupportPlan(**{k: r[k] for k in r.keys()}) for r in rows]


def view_plan(session: Session, student_id: int) -> list[SupportPlan]:
    """The plan tab was opened for a student: the confidential view is audited, then its versions returned."""
    require(session, can_read_confidential, "查看一生一策方案")
    student = get_student(session.db, session.account, student_id)
    session.audit("view_confidential", f"student:{student.registry_no}", "support_plan")
    return plan_versions(session, student_id)


def plans_due_for_review(session: Session, on: dt.date) -> list[tuple[int, str]]:
    """(student_id, review_date) of current plans whose review date has come."""
    rows = session.db.query(
        "SELECT p.student_id, p.review_date FROM support_plans p WHERE p.version ="
        " (SELECT max(version) FROM support_plans q WHERE q.student_id = p.student_id)"
        " AND p.review_date <= :d ORDER BY p.review_date", {"d": on.isoformat()})
    return [(r[0], r[1]) for r in rows]


def current_plans(db: Database) -> dict[int, tuple[str, str]]:
    """Every student's current (latest) plan version: ``{student_id: (created_at, review_date)}``."""
    return {int(r[0]): (str(r[1]), str(r[2])) for r in db.query(
        "SELECT p.student_id, p.created_at, p.review_date FROM support_plans p WHERE p.version ="
        " (SELECT max(version) FROM support_plans q WHERE q.student_id = p.student_id)")}


def is_current_since(plan: tuple[str, str] | None, since: str) -> bool:
    """Whether a plan covers a level confirmed on ``since`` (ISO): written on or after that day, or still running
    then (its review date not before it)."""
    if plan is None:
        return False
    created, review = plan
    return created[:10] >= since[:10] or review >= since[:10]
