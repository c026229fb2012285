"""The demo school's people: several roles for one person, training with some people short of their norm, a
supervision for the full-time teacher, a duty roster with a few uncovered school days."""
from __future__ import annotations

import datetime as dt

from app.people.duty import uncovered_days
from app.people.training import list_training, standings
from app.school.staff import list_staff


def test_the_demo_school_has_lived_in_people_records(school):
    several = [m for m in list_staff(school.db) if len(m.roles) > 1]
    assert any(m.holds("psych_parttime") and m.holds("head_teacher") for m in several)
    _cycle, rows = standings(school, dt.date(2026, 11, 2))
    short = [r for r in rows if r.hours_short]
    assert short and len(short) < len(rows)
    assert all(not r.supervision_short for r in rows)   # the full-time teacher had this year's supervision
    assert len(list_training(school)) >= 15
    gaps = uncovered_days(school, dt.date(2026, 11, 2), dt.date(2026, 12, 31))
    assert len(gaps) == 3
