"""Staff: head teachers, full- and part-time psychological teachers, leaders."""
from __future__ import annotations

from dataclasses import dataclass

from app import clock
from app.errors import InputRejected
from app.policy import can_manage_school, require
from app.session import Session
from app.store.db import Database
from app.text import normalize_text

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


def _check(name: str, role: str) -> str:
    name = normalize_text(name).strip()
    if not name:
        raise InputRejected("请填写教职工姓名。")
    if role not in STAFF_ROLES:
        raise InputRejected(f"未知的身份“{role}”。可选：{'、'.join(STAFF_ROLES.values())}。")
    return name


def add_staff(session: Session, name: str, role: str, phone: str = "") -> int:
    require(session, can_manage_school, "修改教职工")
    with session.db.transaction():
        staff_id = _add_staff(session.db, name, role, phone)
        session.audit("settings", "staff", {"add": _check(name, role), "role": role})
    return staff_id


def _add_staff(db: Database, name: str, role: str, phone: str = "") -> int:
    name = _check(name, role)
    with db.transaction():
        cur = db.execute("INSERT INTO staff (uuid, name, role, phone, created_at) VALUES (:u, :n, :r, :p, :t)",
                         {"u": clock.new_uuid(), "n": name, "r": role, "p": phone, "t": clock.now_iso()})
        return int(cur.lastrowid or 0)


def list_staff(db: Database) -> list[StaffMember]:
    return [StaffMember(r[0], r[1], r[2], r[3], bool(r[4]))
            for r in db.query("SELECT id, name, role, phone, active FROM staff ORDER BY role, name")]


def get_staff(db: Database, staff_id: int) -> StaffMember:
    r = db.one("SELECT id, name, role, phone, active FROM staff WHERE id = :i", {"i": staff_id})
    if r is None:
        raise InputRejected("找不到该教职工。")
    return StaffMember(r[0], r[1], r[2], r[3], bool(r[4]))


def update_staff(session: Session, staff_id: int, name: str, role: str, phone: str = "") -> None:
    """Change a staff member's name, role (e.g. part-time → full-time psychological teacher) or phone."""
    require(session, can_manage_school, "修改教职工")
    name = _check(name, role)
    get_staff(session.db, staff_id)
    with session.db.transaction():
        session.db.execute("UPDATE staff SET name = :n, role = :r, phone = :p WHERE id = :i",
                           {"n": name, "r": role, "p": phone.strip(), "i": staff_id})
        session.audit("settings", f"staff:{staff_id}", {"name": name, "role": role})


def set_staff_active(session: Session, staff_id: int, active: bool) -> None:
    """Someone who left is marked inactive (kept for the records that name them), never deleted."""
    require(session, can_manage_school, "修改教职工")
    get_staff(session.db, staff_id)
    with session.db.transaction():
        session.db.execute("UPDATE staff SET active = :a WHERE id = :i", {"a": int(active), "i": staff_id})
        session.audit("settings", f"staff:{staff_id}", "恢复在职" if active else "已离校")


def psych_teachers(db: Database) -> dict[str, int]:
    """Active full- and part-time psychological teachers (the staffing figure the county asks for)."""
    counts = {"psych_fulltime": 0, "psych_parttime": 0}
    for role, n in db.query("SELECT role, count(*) FROM staff WHERE active = 1 AND role IN"
                            " ('psych_fulltime', 'psych_parttime') GROUP BY role"):
        counts[role] = int(n)
    return counts
