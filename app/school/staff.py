"""Staff: head teachers, full- and part-time psychological teachers, leaders."""
from __future__ import annotations

from dataclasses import dataclass

from app import clock
from app.store.db import Database

STAFF_ROLES = {"head_teacher": "班主任", "psych_fulltime": "专职心理教师", "psych_parttime": "兼职心理教师",
               "leader": "学校领导", "teacher": "任课教师"}


@dataclass(frozen=True)
class StaffMember:
    id: int
    name: str
    role: str
    phone: str
    active: bool

    @property
    def role_label(self) -> str:
        return STAFF_ROLES.get(self.role, self.role)


def add_staff(db: Database, name: str, role: str, phone: str = "") -> int:
    if role not in STAFF_ROLES:
        raise ValueError(role)
    with db.transaction():
        cur = db.execute("INSERT INTO staff (uuid, name, role, phone, created_at) VALUES (:u, :n, :r, :p, :t)",
                         {"u": clock.new_uuid(), "n": name, "r": role, "p": phone, "t": clock.now_iso()})
        return int(cur.lastrowid or 0)


def list_staff(db: Database) -> list[StaffMember]:
    return [StaffMember(r[0], r[1], r[2], r[3], bool(r[4]))
            for r in db.query("SELECT id, name, role, phone, active FROM staff ORDER BY role, name")]
