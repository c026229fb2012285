"""一反馈: a 学期反馈 letter marked delivered is a feedback to the parents (casework's coverage counts it through
``Capability.parent_feedback``)."""
from __future__ import annotations

from collections.abc import Sequence

from app.letters.templates import shipped
from app.store.db import Database


def feedback_students(db: Database, class_ids: Sequence[int], start: str, end_next: str) -> set[int]:
    """Students of ``class_ids`` whose family got a feedback letter delivered in [start, end_next)."""
    templates = [t.id for t in shipped().values() if t.feedback]
    if not class_ids or not templates:
        return set()
    cmarks = ",".join("?" * len(class_ids))
    tmarks = ",".join("?" * len(templates))
    return {r[0] for r in db.query(
        f"SELECT DISTINCT l.student_id FROM letters l JOIN letter_batches b ON b.id = l.batch_id"
        f" JOIN students s ON s.id = l.student_id WHERE b.template_id IN ({tmarks}) AND l.delivered_on >= ?"
        f" AND l.delivered_on < ? AND s.class_id IN ({cmarks})", [*templates, start, end_next, *class_ids])}
