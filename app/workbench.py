"""The 工作台 (today's work): items that are due, overdue or missing, gathered from every capability.

A capability declares ``fn(session, today) -> list[WorkItem]`` in its ``Capability.workbench`` (usually written in
``app/<capability>/workbench.py``; see ``app/capability.py``). The page shows overdue items in red first.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from app import capability
from app.session import Session


@dataclass(frozen=True)
class WorkItem:
    kind: str               # English id: follow_up, crisis_step, plan_review, talk_missing, ...
    kind_label: str         # Chinese group label
    title: str              # one line, Chinese; never confidential text
    due: str = ""           # ISO date, or "" when not dated
    overdue: bool = False   # shown in red
    urgent: bool = False    # e.g. a level-1 alert: shown at the very top
    student_id: int | None = None
    source: str = ""        # "table:id", so the page can open the record


Provider = Callable[[Session, dt.date], list[WorkItem]]


def work_items(session: Session, today: dt.date) -> list[WorkItem]:
    items: list[WorkItem] = []
    for fn in capability.current().workbench_providers():
        items.extend(fn(session, today))
    items.sort(key=lambda i: (not i.urgent, not i.overdue, i.due or "9999"))
    return items
