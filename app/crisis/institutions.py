"""The referral directory (转介机构名录): name, department, phone, green channel, address.

Everyone who does student work may read it; only accounts that manage may change it. Edits keep the earlier
values in ``crisis_history`` (entity ``institution``)."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from app import clock
from app.crisis.cases import _add_history
from app.errors import InputRejected, XinqiaoError
from app.policy import can_manage_school, can_read_directory, require
from app.session import Session


@dataclass(frozen=True)
class Institution:
    id: int
    name: str
    department: str
    phone: str
    green_channel: bool
    address: str
    active: bool

    @property
    def label(self) -> str:
        text = self.name + (f"（{self.department}）" if self.department else "")
        return text + ("  [绿色通道]" if self.green_channel else "")

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


_FIELDS = ("name", "department", "phone", "green_channel", "address", "active")


def list_institutions(session: Session, *, include_inactive: bool = False) -> list[Institution]:
    require(session, can_read_directory)  # the 管理员 keeps the directory, the others look numbers up
    sql = "SELECT id, name, department, phone, green_channel, address, active FROM crisis_institutions"
    if not include_inactive:
        sql += " WHERE active = 1"
    sql += " ORDER BY green_channel DESC, name"
    return [Institution(r[0], r[1], r[2], r[3], bool(r[4]), r[5], bool(r[6])) for r in session.db.query(sql)]


def get_institution(session: Session, inst_id: int) -> Institution:
    for i in list_institutions(session, include_inactive=True):
        if i.id == inst_id:
            return i
    raise XinqiaoError("找不到该转介机构。")


def add_institution(session: Session, name: str, *, department: str = "", phone: str = "",
                    green_channel: bool = False, address: str = "") -> int:
    require(session, can_manage_school, "维护转介机构")
    if not name.strip():
        raise InputRejected("转介机构名称不能为空。")
    db = session.db
    with db.transaction():
        if db.scalar("SELECT 1 FROM crisis_institutions WHERE name = :n AND department = :d AND active = 1",
                     {"n": name.strip(), "d": department.strip()}):
            raise InputRejected(f"名录中已有“{name.strip()}{department.strip()}”。")
        cur = db.execute(
            "INSERT INTO crisis_institutions (uuid, name, department, phone, green_channel, address, created_at,"
            " created_by) VALUES (:u, :n, :d, :p, :g, :a, :at, :by)",
            {"u": clock.new_uuid(), "n": name.strip(), "d": department.strip(), "p": phone.strip(),
             "g": int(green_channel), "a": address.strip(), "at": clock.now_iso(), "by": session.account.label})
        inst_id = int(cur.lastrowid or 0)
        session.audit("edit", f"crisis_institution:{inst_id}", {"add": name.strip()})
    return inst_id


def update_institution(session: Session, inst_id: int, reason: str = "", **changes: Any) -> None:
    """Change fields (``active=False`` takes it off the list); earlier values are kept."""
    require(session, can_manage_school, "维护转介机构")
    unknown = set(changes) - set(_FIELDS)
    if unknown:
        raise ValueError(unknown)
    current = get_institution(session, inst_id)
    if "name" in changes and not str(changes["name"]).strip():
        raise InputRejected("转介机构名称不能为空。")
    db = session.db
    with db.transaction():
        changed = []
        for f, value in changes.items():
            old = getattr(current, f)
            if isinstance(old, bool):
                value = bool(value)
            else:
                value = str(value).strip()
            if value == old:
                continue
            _add_history(db, session, None, "institution", inst_id, f, str(old), str(value),
                        reason.strip() or "更新名录")
            db.execute(f"UPDATE crisis_institutions SET {f} = :v WHERE id = :i",
                       {"v": int(value) if isinstance(value, bool) else value, "i": inst_id})
            changed.append(f)
        if changed:
            session.audit("edit", f"crisis_institution:{inst_id}", {"fields": changed})
