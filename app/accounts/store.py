"""Account rows. Passwords never live here: they are key slots in keyslots.json."""
from __future__ import annotations

from app import clock
from app.accounts.model import Account, Role
from app.errors import InputRejected
from app.store.db import Database, Row


def _account(r: Row) -> Account:
    return Account(int(r["id"]), r["username"], r["display_name"], Role(r["role"]), r["class_id"],
                   bool(r["disabled"]), bool(r["manager"]))


def get_account(db: Database, username: str) -> Account | None:
    r = db.one("SELECT * FROM accounts WHERE username = :u", {"u": username})
    return _account(r) if r else None


def list_accounts(db: Database) -> list[Account]:
    return [_account(r) for r in db.query("SELECT * FROM accounts ORDER BY role, username")]


def insert_account(db: Database, username: str, role: Role, display_name: str = "",
                   class_id: int | None = None, manager: bool = False) -> Account:
    username = username.strip()
    if not username:
        raise InputRejected("用户名不能为空。")
    if role == Role.HEAD_TEACHER and class_id is None:
        raise InputRejected("班主任账号必须指定所带班级（--class）。")
    if get_account(db, username):
        raise InputRejected(f"用户名“{username}”已存在。")
    now = clock.now_iso()
    with db.transaction():
        db.execute("INSERT INTO accounts (uuid, username, display_name, role, class_id, manager, created_at,"
                   " updated_at) VALUES (:uuid, :u, :d, :r, :c, :m, :t, :t)",
                   {"uuid": clock.new_uuid(), "u": username, "d": display_name, "r": role.value, "c": class_id,
                    "m": int(manager), "t": now})
    acc = get_account(db, username)
    assert acc is not None
    return acc


def set_disabled(db: Database, username: str, disabled: bool) -> None:
    with db.transaction():
        db.execute("UPDATE accounts SET disabled = :d, updated_at = :t WHERE username = :u",
                   {"d": int(disabled), "t": clock.now_iso(), "u": username})


def set_class(db: Database, username: str, class_id: int) -> None:
    with db.transaction():
        db.execute("UPDATE accounts SET class_id = :c, updated_at = :t WHERE username = :u",
                   {"c": class_id, "t": clock.now_iso(), "u": username})
