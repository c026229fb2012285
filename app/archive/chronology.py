"""The student's timeline: one list, newest first, gathered from every capability's own tables.

A capability adds its records by registering a provider ``fn(session, student_id) -> list[TimelineEvent]`` that
reads its own tables (no rows are copied here). Providers apply the tier rules themselves: confidential text is
returned only to an account that ``sees_confidential``. Capabilities register in their package's
``timeline`` module; ``load_providers()`` imports every ``app.<capability>.timeline`` it finds.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.archive.students import get_student
from app.plugins import capability_modules
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
_providers: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    _providers[name] = provider


def load_providers() -> None:
    capability_modules("timeline")


def timeline(session: Session, student_id: int) -> list[TimelineEvent]:
    load_providers()
    get_student(session.db, session.account, student_id)  # raises if the account may not see this student
    events: list[TimelineEvent] = []
    # A 管理员 without student work sees the archive's own roster entries, not other capabilities' records.
    names = _providers if does_student_work(session.account) else [n for n in _providers if n == "archive"]
    for name in names:
        events.extend(_providers[name](session, student_id))
    for e in events:
        if e.tier == CONFIDENTIAL and not can_read_confidential(session.account):
            raise AssertionError(f"provider leaked a confidential event: {e.kind}")
    events.reverse()  # equal times: the later-written record first (the sort below is stable)
    events.sort(key=lambda e: e.at, reverse=True)
    return events


# -- banners: short lines that stand at the top of a student's archive (e.g. an open crisis case) ----------
Banner = Callable[[Session, int], list[str]]
_banners: dict[str, Banner] = {}


def register_banner(name: str, fn: Banner) -> None:
    """``fn(session, student_id) -> list of Chinese lines``; registered from a capability's timeline module."""
    _banners[name] = fn


def banners(session: Session, student_id: int) -> list[str]:
    load_providers()
    get_student(session.db, session.account, student_id)  # raises if the account may not see this student
    out: list[str] = []
    for fn in _banners.values():
        out.extend(fn(session, student_id))
    return out
