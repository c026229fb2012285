"""Staffing checks: at least one full-time psychological teacher (Qingdao: every school by the end of 2024, checked
from 2025), and one full- or part-time psychological teacher per 10 classes (Qingdao, by the end of 2025).

Counted over the staff marked 在职 now (staff rows carry no dates) and the classes that hold students in school."""
from __future__ import annotations

import math
from dataclasses import dataclass

from app.school.staff import StaffMember, list_staff
from app.session import Session
from app.store.db import Database

CLASSES_PER_TEACHER = 10


@dataclass(frozen=True)
class Staffing:
    fulltime: tuple[StaffMember, ...]
    parttime: tuple[StaffMember, ...]
    classes: int

    @property
    def teachers(self) -> int:
        return len(self.fulltime) + len(self.parttime)

    @property
    def needed(self) -> int:
        """Full- or part-time teachers the classes call for (one per 10 classes, at least one)."""
        return max(1, math.ceil(self.classes / CLASSES_PER_TEACHER))

    @property
    def fulltime_ok(self) -> bool:
        return len(self.fulltime) >= 1

    @property
    def ratio_ok(self) -> bool:
        return self.teachers >= self.needed

    @property
    def per_ten_classes(self) -> float:
        """Psychological teachers per 10 classes (the norm is ≥ 1)."""
        return round(self.teachers * CLASSES_PER_TEACHER / self.classes, 2) if self.classes else float(self.teachers)

    def problems(self) -> list[str]:
        out = []
        if not self.fulltime_ok:
            out.append("没有专职心理教师（青岛：2025 年起每校至少 1 名）")
        if not self.ratio_ok:
            out.append(f"{self.classes} 个班需要专兼职心理教师至少 {self.needed} 名（每 10 个班 1 名），现有 {self.teachers} 名")
        return out

    def as_json(self) -> dict[str, object]:
        return {"fulltime": [m.name for m in self.fulltime], "parttime": [m.name for m in self.parttime],
                "classes": self.classes, "needed": self.needed, "fulltime_ok": self.fulltime_ok,
                "ratio_ok": self.ratio_ok, "per_ten_classes": self.per_ten_classes, "problems": self.problems()}


def class_count(db: Database) -> int:
    """Classes that hold at least one student in school (在读); all classes when no student is in one yet."""
    n = int(db.scalar("SELECT count(DISTINCT class_id) FROM students WHERE status = '在读' AND class_id IS NOT NULL")
            or 0)
    return n or int(db.scalar("SELECT count(*) FROM classes") or 0)


def staffing(session: Session) -> Staffing:
    """The school's psychological teachers (a person holding both roles counts as full-time) and its classes."""
    active = [m for m in list_staff(session.db) if m.active]
    full = tuple(m for m in active if m.holds("psych_fulltime"))
    part = tuple(m for m in active if m.holds("psych_parttime") and not m.holds("psych_fulltime"))
    return Staffing(full, part, class_count(session.db))
