"""The 工作台 (today's work): items that are due, overdue or missing, gathered from every capability.

A capability declares ``fn(session, today) -> list[WorkItem]`` in its ``Capability.workbench`` (usually written in
``app/<capability>/workbench.py``; see ``app/capability.py``). One order, ``day_plan``, which the page and
``workbench --json`` both show:

1. the "今天必须完成" band: first ``PRIORITY_CRISIS`` items, crisis steps due today or overdue (overdue first, then by
   due), then ``PRIORITY_SAME_DAY`` items, signs of risk to a student's life raised today (``app.safety.alerts``);
2. the rest, grouped by ``kind_label`` in the order of each group's most pressing item: urgent (e.g. a level-1
   alert), then overdue (red), then by due date.

``sort_key`` is that order for single items (so ``work_items`` comes back in it), and ``day_plan`` cuts it into the
band and the groups.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app import capability
from app.session import Session

PRIORITY_SAME_DAY = 3
PRIORITY_CRISIS = 2
PRIORITY_NORMAL = 0


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
    priority: int = PRIORITY_NORMAL   # PRIORITY_SAME_DAY / PRIORITY_CRISIS sort above everything else
    target: str = ""        # what completes it: a record "table:id" (a crisis step: "crisis_steps:12"), or a form
    #                         "form:<draft form key>" the window opens as it opens a draft ("form:interview:7")

    @property
    def urgency(self) -> str:
        """"same_day", "crisis", "urgent", "overdue" or "normal": how the item is shown."""
        if self.priority >= PRIORITY_SAME_DAY:
            return "same_day"
        if self.priority >= PRIORITY_CRISIS:
            return "crisis"
        if self.urgent:
            return "urgent"
        return "overdue" if self.overdue else "normal"


Provider = Callable[[Session, dt.date], list[WorkItem]]


def _rank(item: WorkItem) -> int:
    """0: a crisis step due today or overdue; 1: a same-day safety item; 2: everything else."""
    if item.priority >= PRIORITY_SAME_DAY:
        return 1
    return 0 if item.priority >= PRIORITY_CRISIS else 2


def sort_key(item: WorkItem) -> tuple[int, bool, bool, str]:
    """The one order of 工作台 items: crisis steps due now, then same-day safety items, then urgent, overdue, by due."""
    return (_rank(item), not item.urgent, not item.overdue, item.due or "9999")


def work_items(session: Session, today: dt.date) -> list[WorkItem]:
    items: list[WorkItem] = []
    for fn in capability.current().workbench_providers():
        items.extend(fn(session, today))
    items.sort(key=sort_key)
    return items


def group_items(items: list[WorkItem]) -> list[tuple[str, list[WorkItem]]]:
    """Groups by kind label, in the order of their most pressing item (``items`` sorted by ``work_items``)."""
    groups: dict[str, list[WorkItem]] = {}
    for item in sorted(items, key=sort_key):
        groups.setdefault(item.kind_label, []).append(item)
    return list(groups.items())


MUST_TODAY = "今天必须完成"
CLASS_GROUPING = 15        # a group with more items than this is split by class on the page


def must_do_today(item: WorkItem) -> bool:
    """The "今天必须完成" band: a crisis step due today or overdue, or a same-day safety alert."""
    return item.priority >= PRIORITY_CRISIS


def split_today(items: list[WorkItem]) -> tuple[list[WorkItem], list[WorkItem]]:
    """(the band, the rest): the band in ``sort_key`` order (crisis steps first, overdue then by due; then same-day
    safety items), the rest as given."""
    band = sorted((i for i in items if must_do_today(i)), key=sort_key)
    return band, [i for i in items if not must_do_today(i)]


@dataclass(frozen=True)
class DayPlan:
    band: list[WorkItem]                       # 今天必须完成, top to bottom
    groups: list[tuple[str, list[WorkItem]]]   # the rest, by kind label, most pressing group first

    def rows(self) -> list[tuple[str, WorkItem]]:
        """(heading, item) top to bottom, as the page shows them: the band under ``MUST_TODAY``, then each group."""
        return [(MUST_TODAY, i) for i in self.band] + [(label, i) for label, part in self.groups for i in part]


def day_plan(items: list[WorkItem]) -> DayPlan:
    """The day's plan in the one order the page and ``workbench --json`` share."""
    band, rest = split_today(items)
    return DayPlan(band, group_items(rest))


@dataclass(frozen=True)
class DayCount:
    day: dt.date
    due: int        # items due that day
    overdue: int    # on today's bar: items already late


def week_counts(items: list[WorkItem], today: dt.date) -> list[DayCount]:
    """The small chart of the week: items due on each of the seven days from today; late items count on today."""
    due: dict[dt.date, int] = {}
    late = 0
    for i in items:
        if not i.due:
            continue
        try:
            day = dt.date.fromisoformat(i.due[:10])
        except ValueError:
            continue
        if day < today or i.overdue:
            late += 1
        else:
            due[day] = due.get(day, 0) + 1
    days = [today + dt.timedelta(days=n) for n in range(7)]
    return [DayCount(d, due.get(d, 0), late if n == 0 else 0) for n, d in enumerate(days)]


def student_classes(session: Session, ids: list[int]) -> dict[int, tuple[str, str]]:
    """{student_id: (name, class name)} for the items' students."""
    names: dict[int, tuple[str, str]] = {}
    ids = sorted(set(ids))
    for chunk in range(0, len(ids), 500):
        part = ids[chunk:chunk + 500]
        marks = ",".join("?" * len(part))
        for r in session.db.query(f"SELECT s.id, s.name, coalesce(c.name, '') FROM students s"
                                  f" LEFT JOIN classes c ON c.id = s.class_id WHERE s.id IN ({marks})", part):
            names[int(r[0])] = (r[1], r[2])
    return names


def by_class(items: list[WorkItem], classes: dict[int, tuple[str, str]]) -> list[tuple[str, list[WorkItem]]]:
    """A long group split by the students' classes (in order of each class's most pressing item); items without a
    student go last under 其他."""
    out: dict[str, list[WorkItem]] = {}
    rest: list[WorkItem] = []
    for i in items:
        if i.student_id is None or i.student_id not in classes:
            rest.append(i)
        else:
            out.setdefault(classes[i.student_id][1] or "未分班", []).append(i)
    groups = list(out.items())
    if rest:
        groups.append(("其他", rest))
    return groups


def display_rows(session: Session, today: dt.date) -> list[dict[str, Any]]:
    """The headless 工作台, in the page's display order (``day_plan``): ``{group, category, title, student, class,
    due, urgency, source, kind}``. ``group`` is the heading the row sits under on the page (``MUST_TODAY`` for the
    band); ``category`` is the item's own kind label (当天复核, 危机干预, 一级预警 …)."""
    rows_in_order = day_plan(work_items(session, today)).rows()
    names = student_classes(session, [i.student_id for _g, i in rows_in_order if i.student_id is not None])
    rows = []
    for label, i in rows_in_order:
        name, cls = names.get(i.student_id, ("", "")) if i.student_id is not None else ("", "")
        rows.append({"group": label, "category": i.kind_label, "title": i.title, "student": name, "class": cls,
                     "due": i.due, "urgency": i.urgency, "source": i.source, "kind": i.kind})
    return rows
