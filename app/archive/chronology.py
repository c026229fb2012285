"""The student's timeline: one list, newest first, gathered from every capability's own tables.

A capability adds its records by declaring a provider ``fn(session, student_id) -> list[TimelineEvent]`` that
reads its own tables (no rows are copied here) in its ``Capability.timeline`` (see ``app/capability.py``), and the
lines at the top of an archive in ``Capability.banners``. Providers apply the tier rules themselves: confidential
text is returned only to an account that passes ``policy.can_read_confidential``.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app import capability
from app.archive.students import get_student
from app.policy import can_read_confidential, does_student_work
from app.session import Session

ORDINARY = "ordinary"
CONFIDENTIAL = "confidential"
TIER_LABELS = {ORDINARY: "普通", CONFIDENTIAL: "保密"}


@dataclass(frozen=True)
class TimelineEvent:
    at: str            # ISO date or date-time of the event
    kind: str          # English id, e.g. roster, tag, plan, screening, session
    kind_label: str    # Chinese, shown in the list
    title: str         # one line
    detail: str        # may be longer; never confidential text for a viewer who may not see it
    tier: str = ORDINARY
    source: str = ""   # "table:id", so a view can open the record

    @property
    def tier_label(self) -> str:
        return TIER_LABELS[self.tier]


Provider = Callable[[Session, int], list[TimelineEvent]]


def timeline(session: Session, student_id: int) -> list[TimelineEvent]:
    providers = capability.current().timeline_providers()
    get_student(session.db, session.account, student_id)  # raises if the account may not see this student
    events: list[TimelineEvent] = []
    # A 管理员 without student work sees the archive's own roster entries, not other capabilities' records.
    for name, fn in providers:
        if does_student_work(session.account) or name == "archive":
            events.extend(fn(session, student_id))
    for e in events:
        if e.tier == CONFIDENTIAL and not can_read_confidential(session.account):
            raise AssertionError(f"provider leaked a confidential event: {e.kind}")
    events.reverse()  # equal times: the later-written record first (the sort below is stable)
    events.sort(key=lambda e: e.at, reverse=True)
    return events


# -- banners: short lines that stand at the top of a student's archive (e.g. an open crisis case) ----------
Banner = Callable[[Session, int], list[str]]  # declared in ``Capability.banners``


def banners(session: Session, student_id: int) -> list[str]:
    get_student(session.db, session.account, student_id)  # raises if the account may not see this student
    out: list[str] = []
    if not does_student_work(session.account):
        return out   # a 管理员 keeps the roster: no levels, tags or cases stand at the top of an archive
    for fn in capability.current().banner_providers():
        out.extend(fn(session, student_id))
    return out
