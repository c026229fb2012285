"""A crowded day for the 工作台 tests: many 一级预警 screening rows, optionally a same-day alert, and a severe crisis
case opened now (its steps due today)."""
from __future__ import annotations

from app.session import Session


def crowd(school: Session, level1: int, *, same_day: bool = False, summary: str = "课间在走廊哭泣") -> int:
    """``level1`` students with a PHQ-9 total the school's rule makes 一级 (no item-9 answer: plain 一级预警 rows),
    with ``same_day`` one more answering item 9 (a same-day alert), then a severe case for another student; the
    case's id. The clock is the caller's."""
    from app.crisis.cases import open_case
    from app.screening.campaigns import create_campaign
    from app.screening.grading import DEFAULT_RULES, save_rules
    from app.screening.results import save_answers

    save_rules(school, {**DEFAULT_RULES, "thresholds": [{"scale": "phq9", "min": 20, "level": 1}]})
    school.db.execute("UPDATE screening_levels SET status = 'released' WHERE level = 1")   # the demo's own
    busy = {r[0] for r in school.db.query("SELECT student_id FROM crisis_cases WHERE status = 'open'")}
    sids = [r[0] for r in school.db.query("SELECT id FROM students ORDER BY id") if r[0] not in busy]
    camp = create_campaign(school, "秋季测评", {7: "phq9", 8: "phq9", 9: "phq9"})
    for sid in sids[:level1]:
        save_answers(school, camp.id, sid, "phq9", [3] * 8 + [0])
    if same_day:
        save_answers(school, camp.id, sids[level1 + 1], "phq9", [0] * 8 + [1])   # item 9: a same-day alert
    return open_case(school, sids[level1 + (2 if same_day else 0)], "severe", "teacher", summary=summary)
