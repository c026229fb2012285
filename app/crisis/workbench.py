"""工作台: open crisis steps that are overdue (red) or due within a day, and weekly follow-ups due.

A step due today or overdue is urgent and ranks ``PRIORITY_CRISIS``: never below screening items."""
from __future__ import annotations

import datetime as dt

from app import clock
from app.crisis.cases import list_cases
from app.crisis.due import follow_up_dues
from app.crisis.model import short
from app.crisis.rules import load_rules
from app.policy import does_student_work
from app.session import Session
from app.workbench import PRIORITY_CRISIS, WorkItem

SOON = dt.timedelta(hours=24)


def _reference(today: dt.date) -> dt.datetime:
    now = clock.now()
    return now if today == now.date() else dt.datetime.combine(today, dt.time(23, 59, 59))


def crisis_items(session: Session, today: dt.date) -> list[WorkItem]:
    if not does_student_work(session.account):
        return []
    ref = _reference(today)
    ref_iso = ref.isoformat(timespec="seconds")
    soon_iso = (ref + SOON).isoformat(timespec="seconds")
    rules = load_rules(session.db)
    names = {s.key: s.name for s in rules.steps}
    cases = {c.id: c for c in list_cases(session, open_only=True)}
    if not cases:
        return []
    marks = ",".join(str(c) for c in cases)
    items: list[WorkItem] = []
    for s in session.db.query(f"SELECT id, case_id, step_key, due_at FROM crisis_steps WHERE case_id IN ({marks})"
                              " AND status = 'open' AND required = 1 AND due_at IS NOT NULL AND due_at <= :soon"
                              " AND step_key != 'follow_up'"
                              " ORDER BY due_at", {"soon": soon_iso}):
        c = cases[s["case_id"]]
        overdue = s["due_at"] < ref_iso
        pressing = overdue or s["due_at"][:10] <= ref.date().isoformat()  # overdue, or due today
        state = "已逾期" if overdue else "即将到期"
        items.append(WorkItem(
            "crisis_step", "危机干预",
            f"{c.student_name}（{c.class_name}）{c.level_label}危机：{names.get(s['step_key'], s['step_key'])}"
            f"{state}（截止 {short(s['due_at'])}）",
            s["due_at"][:10], overdue=overdue, urgent=pressing, student_id=c.student_id,
            source=f"crisis_cases:{c.id}", priority=PRIORITY_CRISIS if pressing else 0,
            target=f"crisis_steps:{s['id']}"))
    for s in session.db.query(f"SELECT s.id, s.case_id, s.due_at, c.follow_weeks FROM crisis_steps s JOIN crisis_cases c"
                              f" ON c.id = s.case_id WHERE s.case_id IN ({marks}) AND s.step_key = 'follow_up'"
                              " AND s.status = 'open' AND s.due_at IS NOT NULL"):
        c = cases[s["case_id"]]
        done = {r[0] for r in session.db.query("SELECT week FROM crisis_follow_ups WHERE case_id = :c",
                                               {"c": c.id})}
        for week, due in enumerate(follow_up_dues(s["due_at"], s["follow_weeks"]), 1):
            if week in done or due is None or due > (ref + SOON).date().isoformat():
                continue
            items.append(WorkItem("crisis_follow_up", "危机干预",
                                  f"{c.student_name}（{c.class_name}）复学后跟踪第 {week} 周（{due}）", due,
                                  overdue=due < ref.date().isoformat(), student_id=c.student_id,
                                  source=f"crisis_cases:{c.id}", target=f"crisis_steps:{s['id']}"))
            break  # only the next week due
    return items

