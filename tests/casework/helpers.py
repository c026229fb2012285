"""Shared helpers for the casework tests."""
from __future__ import annotations

from app.casework.model import RecordInput
from app.school.classes import find_class
from app.session import Session


def class_students(session: Session, text: str = "7.1") -> list[int]:
    cls = find_class(session.db, text)
    assert cls is not None
    return [r[0] for r in session.db.query("SELECT id FROM students WHERE class_id = :c ORDER BY id", {"c": cls.id})]


def other_class_student(session: Session) -> int:
    return class_students(session, "8.1")[0]


def record(sid: int | list[int], kind: str = "individual", summary: str = "近期失眠，约定一周后回访。",
           confidential: str = "谈及家庭冲突，父母经常争吵。", **kw) -> RecordInput:  # type: ignore[no-untyped-def]
    ids = sid if isinstance(sid, list) else [sid]
    return RecordInput(kind, ids, kw.pop("occurred_at", "2026-10-11T14:30"), kw.pop("duration_min", 40),
                       summary=summary, confidential=confidential, **kw)
