"""The demo school holds a lived-in term of courses: lessons in most classes most months with a few gaps,
activities (one school-wide on 10·10 when October has begun), parent school and the monthly pushes."""
from __future__ import annotations

import datetime as dt

from app import clock
from app.courses.progress import class_grid
from app.courses.records import list_parent_sessions, list_pushes
from app.courses.workload import workload
from app.school.calendar import semester_for


def test_a_lived_in_term(school):
    today = clock.today()
    sem = semester_for(school.db, today)
    assert sem is not None
    start = dt.date.fromisoformat(sem.start_date)
    grid = class_grid(school, start, min(today, dt.date.fromisoformat(sem.end_date)), today=today)
    cells = [c for r in grid.rows for m, c in r.cells.items() if c.counted and dt.date.fromisoformat(m + "-01") <= today]
    assert cells
    held = sum(1 for c in cells if c.lessons)
    assert 0 < held < len(cells)                       # some gaps, shown red in the grid
    assert held >= len(cells) * 0.7                    # but a lesson in most classes most months
    assert sum(1 for c in cells if c.activities) >= len(cells) * 0.7
    assert list_pushes(school, sem.start_date, sem.end_date)
    if len(grid.months) >= 2:
        assert list_parent_sessions(school, sem.start_date, sem.end_date)
    assert any(r.lessons for r in workload(school, sem).rows)
