"""The archive's 基本信息 summary card: the warning level and status, the last talk and the next due item, the
plan's review date, an open crisis case and the tags — each only as far as the account's tier allows (a head teacher
sees reviewed levels, ordinary titles and no plan; never confidential text)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.archive.chronology import TimelineEvent
from app.archive.plans import current_plans
from app.archive.students import Student
from app.policy import can_read_confidential
from app.session import Session
from app.workbench import sort_key, work_items

LEVEL_TEXT = {1: "一级预警", 2: "二级预警", 3: "三级预警"}


@dataclass(frozen=True)
class StudentSummary:
    level: str                 # "一级预警" or "无预警"
    level_value: int | None
    status: str                # 学籍状态
    last_talk: str             # "2026-10-12 个别辅导：学习压力", or "暂无谈话记录"
    next_due: str              # "2026-10-20 到期回访：…", or "暂无到期事项"
    next_due_overdue: bool
    plan_review: str           # "2026-12-01", "尚未制定"; "" when the account may not know of plans
    crisis: tuple[str, ...]    # the open crisis case(s), one line each
    tags: tuple[str, ...]


def student_summary(session: Session, student: Student, events: list[TimelineEvent], banners: list[str],
                    today: dt.date) -> StudentSummary:
    """``events`` and ``banners`` are what the archive already read for this account (``chronology.timeline`` and
    ``chronology.banners``: their tier rules and audit lines apply once, there)."""
    talks = sorted((e for e in events if e.kind == "casework"), key=lambda e: e.at, reverse=True)
    last = f"{talks[0].at[:10]} {talks[0].kind_label}：{talks[0].title}" if talks else "暂无谈话记录"
    mine = sorted((i for i in work_items(session, today) if i.student_id == student.id), key=sort_key)
    nxt = mine[0] if mine else None
    next_due = (f"{nxt.due + ' ' if nxt.due else ''}{nxt.kind_label}：{nxt.title}" if nxt else "暂无到期事项")
    review = ""
    if can_read_confidential(session.account):
        plan = current_plans(session.db).get(student.id)
        review = plan[1] if plan is not None and plan[1] else "尚未制定"
    level = student.warning_level
    return StudentSummary(
        level=LEVEL_TEXT.get(level or 0, "无预警"), level_value=level, status=student.status or "—",
        last_talk=last, next_due=next_due, next_due_overdue=bool(nxt and nxt.overdue), plan_review=review,
        crisis=tuple(line for line in banners if line.startswith("危机个案")), tags=tuple(student.tags))
