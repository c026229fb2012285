"""Due times: each open step's due time from the case's opening time (or the previous step's completion) plus
the offset for the case's level. Finished steps keep the due time they had, so lateness stays visible."""
from __future__ import annotations

import datetime as dt

from app.crisis.rules import Rules
from app.store.db import Database

WEEK = dt.timedelta(days=7)


def compute_dues(level: str, opened_at: str, follow_weeks: int, steps: list[dict], rules: Rules
                 ) -> dict[int, str | None]:
    """``steps``: the case's step rows in order (id, step_key, required, status, done_at, due_at).

    Returns the new due time of every open step (None: not required, or waiting for the previous step)."""
    opened = dt.datetime.fromisoformat(opened_at)
    out: dict[int, str | None] = {}
    prev_seen = False
    prev_done: dt.datetime | None = None
    for r in steps:
        try:
            rule = rules.step(r["step_key"])
        except KeyError:
            rule = None
        if r["status"] == "open":
            due: dt.datetime | None = None
            offset = rule.offset(level) if rule is not None else None
            if r["required"] and rule is not None and offset is not None:
                if rule.anchor == "opened" or not prev_seen:
                    base: dt.datetime | None = opened
                else:
                    base = prev_done
                if base is not None:
                    due = base + offset
                    if rule.weekly:
                        due += WEEK * (max(1, follow_weeks) - 1)
            out[int(r["id"])] = due.isoformat(timespec="seconds") if due else None
        if r["required"] or r["status"] != "open":
            prev_seen = True
            prev_done = dt.datetime.fromisoformat(r["done_at"]) if r["status"] != "open" and r["done_at"] else None
    return out


def _recompute(db: Database, case_id: int, rules: Rules) -> None:
    """Write the due times of a case's open steps (joins the caller's transaction)."""
    case = db.one("SELECT level, opened_at, follow_weeks FROM crisis_cases WHERE id = :c", {"c": case_id})
    if case is None:
        return
    rows = [dict(r) for r in db.query("SELECT id, step_key, required, status, done_at, due_at FROM crisis_steps"
                                      " WHERE case_id = :c ORDER BY seq", {"c": case_id})]
    dues = compute_dues(case["level"], case["opened_at"], case["follow_weeks"], rows, rules)
    current = {int(r["id"]): r["due_at"] for r in rows}
    for sid, due in dues.items():
        if current[sid] != due:
            db.execute("UPDATE crisis_steps SET due_at = :d WHERE id = :id", {"d": due, "id": sid})


def follow_up_dues(step_due: str | None, follow_weeks: int) -> list[str | None]:
    """The due date of each weekly follow-up: the last one is the step's due time."""
    if step_due is None:
        return [None] * follow_weeks
    last = dt.datetime.fromisoformat(step_due)
    return [(last - WEEK * (follow_weeks - k)).date().isoformat() for k in range(1, follow_weeks + 1)]
