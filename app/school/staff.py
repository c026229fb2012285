"""Staff: head teachers, full- and part-time psychological teachers, leaders — each holding one or more roles.

A staff member can hold several roles (a part-time psychological teacher who is also a head teacher), kept in
``staff_roles``. ``staff.role`` is the primary role, the one with the highest training norm (``ROLE_ORDER``),
kept in step with the set by every write here; readers that want "is this person a 班主任" ask the set."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from app import clock
from app.errors import InputRejected
from app.policy import can_keep_people, can_manage_school, require
from app.session import Session
from app.store.db import Database
from app.text import normalize_text

STAFF_ROLES = {"head_teacher": "班主任", "psych_fulltime": "专职心理教师", "psych_parttime": "兼职心理教师",
               "leader": "学校领导/行政", "teacher": "任课教师"}
# The primary role is the first of a person's roles in this order (the highest training norm first).
ROLE_ORDER = ("psych_fulltime", "psych_parttime", "head_teacher", "leader", "teacher")


@dataclass(frozen=True)
class StaffMember:
    id: int
    name: str
    role: str
    phone: str
    active: bool
    roles: tuple[str, ...] = ()

    @property
    def role_label(self) -> str:
        return STAFF_ROLES.get(self.role, self.role)

    @property
    def roles_label(self) -> str:
        """Every role, primary first: '兼职心理教师、班主任'."""
        return "、".join(STAFF_ROLES.get(r, r) for r in (self.roles or (self.role,)))

    def holds(self, role: str) -> bool:
        return role in (self.roles or (self.role,))


def ordered_roles(roles: Iterable[str]) -> tuple[str, ...]:
    """The distinct roles in ``ROLE_ORDER`` (the primary first); refuses an unknown role."""
    given = set(roles)
    unknown = sorted(given - set(STAFF_ROLES))
    if unknown:
        raise InputRejected(f"未知的身份“{'、'.join(unknown)}”。可选：{'、'.join(STAFF_ROLES.values())}。")
    return tuple(r for r in ROLE_ORDER if r in given)


def _check(name: str, role: str) -> str:
    name = normalize_text(name).strip()
    if not name:
        raise InputRejected("请填写教职工姓名。")
    if role not in STAFF_ROLES:
        raise InputRejected(f"未知的身份“{role}”。可选：{'、'.join(STAFF_ROLES.values())}。")
    return name


def add_staff(session: Session, name: str, role: str, phone: str = "", *, roles: Iterable[str] = ()) -> int:
    """A new staff member with ``role`` and any further ``roles`` (managers only, audited)."""
    require(session, can_manage_school, "修改教职工")
    every = ordered_roles((role, *roles))
    with session.db.transaction():
        staff_id = _add_staff(session.db, name, role, phone)
        _write_roles(session.db, staff_id, every)
        session.audit("settings", "staff", {"add": _check(name, role), "role": role, "roles": list(every)})
    return staff_id


def _add_staff(db: Database, name: str, role: str, phone: str = "") -> int:
    name = _check(name, role)
    with db.transaction():
        cur = db.execute("INSERT INTO staff (uuid, name, role, phone, created_at) VALUES (:u, :n, :r, :p, :t)",
                         {"u": clock.new_uuid(), "n": name, "r": role, "p": phone, "t": clock.now_iso()})
        staff_id = int(cur.lastrowid or 0)
        db.execute("INSERT OR IGNORE INTO staff_roles (staff_id, role) VALUES (:s, :r)", {"s": staff_id, "r": role})
        return staff_id


def _write_roles(db: Database, staff_id: int, roles: tuple[str, ...]) -> None:
    """Replace a member's roles and set the primary role (joins the caller's transaction)."""
    db.execute("DELETE FROM staff_roles WHERE staff_id = :s", {"s": staff_id})
    for r in roles:
        db.execute("INSERT INTO staff_roles (staff_id, role) VALUES (:s, :r)", {"s": staff_id, "r": r})
    db.execute("UPDATE staff SET role = :r WHERE id = :s", {"r": roles[0], "s": staff_id})


def _add_role(db: Database, staff_id: int, role: str) -> None:
    """Give a member one more role (a class's new head teacher); joins the caller's transaction."""
    have = [str(r[0]) for r in db.query("SELECT role FROM staff_roles WHERE staff_id = :s", {"s": staff_id})]
    if role not in have:
        _write_roles(db, staff_id, ordered_roles((*have, role)))


def _roles_by_staff(db: Database) -> dict[int, tuple[str, ...]]:
    found: dict[int, set[str]] = {}
    for sid, role in db.query("SELECT staff_id, role FROM staff_roles"):
        found.setdefault(int(sid), set()).add(str(role))
    return {sid: ordered_roles(roles) for sid, roles in found.items()}


def _member(r: Any, roles: dict[int, tuple[str, ...]]) -> StaffMember:
    """A row of (id, name, role, phone, active) with the member's roles."""
    sid = int(r[0])
    return StaffMember(sid, r[1], r[2], r[3], bool(r[4]), roles.get(sid, (str(r[2]),)))


def list_staff(db: Database) -> list[StaffMember]:
    roles = _roles_by_staff(db)
    return [_member(r, roles) for r in db.query("SELECT id, name, role, phone, active FROM staff ORDER BY role, name")]


def get_staff(db: Database, staff_id: int) -> StaffMember:
    r = db.one("SELECT id, name, role, phone, active FROM staff WHERE id = :i", {"i": staff_id})
    if r is None:
        raise InputRejected("找不到该教职工。")
    roles = tuple(str(x[0]) for x in db.query("SELECT role FROM staff_roles WHERE staff_id = :s", {"s": staff_id}))
    return _member(r, {int(r[0]): ordered_roles(roles)} if roles else {})


def find_staff(db: Database, name: str, *, active_only: bool = True) -> StaffMember:
    """One staff member by name; refuses a name nobody or several people have, saying what to do."""
    name = normalize_text(name).strip()
    found = [m for m in list_staff(db) if m.name == name and (m.active or not active_only)]
    if not found:
        raise InputRejected(f"没有名为“{name}”的{'在职' if active_only else ''}教职工。请先在 设置 → 学校 → 教职工 中添加。")
    if len(found) > 1:
        raise InputRejected(f"有 {len(found)} 位教职工都叫“{name}”，请在窗口中选择。")
    return found[0]


def update_staff(session: Session, staff_id: int, name: str, role: str, phone: str = "", *,
                 roles: Iterable[str] | None = None) -> None:
    """Change a staff member's name, role (e.g. part-time → full-time psychological teacher) or phone.

    ``role`` replaces the primary role and keeps the others (a 兼职心理教师 and 班主任 made full-time stays a
    班主任); ``roles``, when given, are the member's further roles."""
    require(session, can_manage_school, "修改教职工")
    name = _check(name, role)
    old = get_staff(session.db, staff_id)
    others = tuple(roles) if roles is not None else tuple(r for r in old.roles if r != old.role)
    every = ordered_roles((role, *others))
    with session.db.transaction():
        session.db.execute("UPDATE staff SET name = :n, phone = :p WHERE id = :i",
                           {"n": name, "p": phone.strip(), "i": staff_id})
        _write_roles(session.db, staff_id, every)
        session.audit("settings", f"staff:{staff_id}", {"name": name, "role": role, "roles": list(every)})


def set_staff_roles(session: Session, staff_id: int, roles: Iterable[str]) -> tuple[str, ...]:
    """Every role a staff member holds (at least one); returns them primary first. Rule ``can_keep_people``."""
    require(session, can_keep_people, "设置教职工的身份")
    every = ordered_roles(roles)
    if not every:
        raise InputRejected("请至少选择一个身份（如 任课教师）。")
    old = get_staff(session.db, staff_id)
    with session.db.transaction():
        _write_roles(session.db, staff_id, every)
        session.audit("settings", f"staff:{staff_id}", {"roles": list(every), "before": list(old.roles)})
    return every


def set_staff_active(session: Session, staff_id: int, active: bool) -> None:
    """Someone who left is marked inactive (kept for the records that name them), never deleted."""
    require(session, can_manage_school, "修改教职工")
    get_staff(session.db, staff_id)
    with session.db.transaction():
        session.db.execute("UPDATE staff SET active = :a WHERE id = :i", {"a": int(active), "i": staff_id})
        session.audit("settings", f"staff:{staff_id}", "恢复在职" if active else "已离校")


def psych_teachers(db: Database) -> dict[str, int]:
    """Active full- and part-time psychological teachers (the staffing figure the county asks for). A person
    holding both roles counts once, as full-time."""
    counts = {"psych_fulltime": 0, "psych_parttime": 0}
    for m in list_staff(db):
        if not m.active:
            continue
        if m.holds("psych_fulltime"):
            counts["psych_fulltime"] += 1
        elif m.holds("psych_parttime"):
            counts["psych_parttime"] += 1
    return counts
