"""Shorthands for the courses tests."""
from __future__ import annotations

import datetime as dt

from app.courses.records import ActivityInput, LessonInput, add_activity, add_lesson
from app.indicators.model import Period


def lesson(session, class_id: int, day: str, periods: float = 1, teacher: str = "王老师") -> int:  # type: ignore[no-untyped-def]
    return add_lesson(session, LessonInput(day, class_id, "认识情绪", periods, teacher, theme="情绪调适"))


def activity(session, day: str, scope: str = "class", class_id: int | None = None,  # type: ignore[no-untyped-def]
             grade: int | None = None, kind: str = "主题班会", teacher: str = "") -> int:
    return add_activity(session, ActivityInput(day, scope, kind, "情绪漂流瓶", class_id, grade, teacher=teacher))


def month(label: str) -> Period:
    start = dt.date.fromisoformat(label + "-01")
    end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return Period("month", start, end, label)


SEMESTER = Period("semester", dt.date(2026, 9, 1), dt.date(2027, 1, 31), "2026-2027 第一学期")
