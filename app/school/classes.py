"""Classes and their head teachers."""
from __future__ import annotations

from dataclasses import dataclass

from app import clock
from app.errors import InputRejected
from app.policy import can_manage_accounts, can_manage_roster, can_manage_school, require
from app.school.classnames import ClassRef, class_display_name, parse_class
from app.school.staff import _add_role, _add_staff
from app.session import Session
from app.store.db import Database


@dataclass(frozen=True)
class SchoolClass:
    id: int
    grade: int
    number: int
    name: str
    head_teacher_id: int | None
    head_teacher: str
    boarding: bool


def ensure_class(session: Session, ref: ClassRef) -> int:
    """The id of a class, created (and audited) if it does not exist; joins the caller's transaction."""
    require(session, can_manage_roster, "添加班级")
    with session.db.transaction():
        existed = find_class(session.db, ref.name) is not None
        class_id = _ensure_class(session.db, ref)
        if not existed:
            session.audit("settings", f"class:{class_id}", {"add": ref.name})
    return class_id


def _ensure_class(db: Database, ref: ClassRef) -> int:
    """The id of a class, created if it does not exist (joins the caller's transaction)."""
    row = db.one("SELECT id FROM classes WHERE grade = :g AND number = :n", {"g": ref.grade, "n": ref.number})
    if row:
        return int(row[0])
    cur = db.execute(
        "INSERT INTO classes (uuid, grade, number, name) VALUES (:u, :g, :n, :name)",
        {"u": clock.new_uuid(), "g": ref.grade, "n": ref.number, "name": class_display_name(ref.grade, ref.number)})
    return int(cur.lastrowid or 0)


def list_classes(db: Database) -> list[SchoolClass]:
    rows = db.query(
        "SELECT c.id, c.grade, c.number, c.name, c.head_teacher_id, coalesce(s.name, '') AS ht, c.boarding"
        " FROM classes c LEFT JOIN staff s ON s.id = c.head_teacher_id ORDER BY c.grade, c.number")
    return [SchoolClass(r[0], r[1], r[2], r[3], r[4], r[5], bool(r[6])) for r in rows]


def find_class(db: Database, text: str) -> SchoolClass | None:
    ref = parse_class(text)
    if ref is None:
        return None
    for c in list_classes(db):
        if (c.grade, c.number) == (ref.grade, ref.number):
            return c
    return None


def require_class(db: Database, text: str) -> SchoolClass:
    ref = parse_class(text)
    if ref is None:
        raise InputRejected(f"无法识别班级“{text}”。请写成 七年级（3）班、初一3班 或 7.3 的形式。")
    found = find_class(db, text)
    if found is None:
        raise InputRejected(f"学校里还没有 {ref.name}。请先导入花名册或在设置中添加班级。")
    return found


def _set_head_teacher(db: Database, class_id: int, staff_id: int | None) -> None:
    """Set a class's head teacher, who then holds the 班主任 role among their others (joins the caller's
    transaction)."""
    db.execute("UPDATE classes SET head_teacher_id = :s WHERE id = :c", {"s": staff_id, "c": class_id})
    if staff_id is not None:
        _add_role(db, staff_id, "head_teacher")


def set_head_teacher(session: Session, class_id: int, staff_id: int | None) -> None:
    """A class's head teacher (a staff member), or none; audited."""
    require(session, can_manage_school, "设置班主任")
    with session.db.transaction():
        _set_head_teacher(session.db, class_id, staff_id)
        session.audit("settings", f"class:{class_id}", {"head_teacher": staff_id})


def add_class(session: Session, text: str) -> SchoolClass:
    """Add a class by any of its written forms (七年级（3）班, 初一3班, 7.3); an existing class is refused."""
    require(session, can_manage_school, "添加班级")
    ref = parse_class(text)
    if ref is None:
        raise InputRejected(f"无法识别班级“{text}”。请写成 七年级（3）班、初一3班 或 7.3 的形式。")
    if find_class(session.db, text) is not None:
        raise InputRejected(f"{ref.name} 已经存在。")
    with session.db.transaction():
        class_id = _ensure_class(session.db, ref)
        session.audit("settings", f"class:{class_id}", {"add": ref.name})
    return next(c for c in list_classes(session.db) if c.id == class_id)


def link_head_teacher(session: Session, class_id: int, name: str) -> None:
    """A 班主任 account for a class without a head teacher: the class gets one (a staff row of that name,
    reused if a head teacher of that name exists), so the class list and the accounts agree. Joins the
    account's transaction; audited when the class changes."""
    require(session, can_manage_accounts)
    db = session.db
    with db.transaction():
        if db.scalar("SELECT head_teacher_id FROM classes WHERE id = :c", {"c": class_id}) is not None:
            return
        staff_id = db.scalar("SELECT s.id FROM staff s JOIN staff_roles r ON r.staff_id = s.id AND r.role ="
                             " 'head_teacher' WHERE s.name = :n AND s.active = 1 ORDER BY s.id LIMIT 1",
                             {"n": name.strip()})
        if staff_id is None:
            staff_id = _add_staff(db, name, "head_teacher")
        _set_head_teacher(db, class_id, int(staff_id))
        session.audit("settings", f"class:{class_id}", {"head_teacher": int(staff_id), "account": name})
