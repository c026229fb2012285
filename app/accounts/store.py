"""Account rows. Passwords never live here: they are key slots in keyslots.json."""
from __future__ import annotations

import unicodedata

from app import clock
from app.accounts.model import Account, Role
from app.errors import InputRejected
from app.store.db import Database, Row

# Names that belong to the key-slot file itself (the recovery slot is ``__recovery__``): never an account.
RESERVED_PREFIX = "__"


def normalize_username(name: str) -> str:
    """The one spelling of an account name: Unicode NFC, no surrounding spaces."""
    return unicodedata.normalize("NFC", name).strip()


def check_new_username(name: str) -> str:
    """Normalise a new account's name and refuse an empty, reserved or unprintable one."""
    name = normalize_username(name)
    if not name:
        raise InputRejected("用户名不能为空。")
    if name.startswith(RESERVED_PREFIX):
        raise InputRejected(f"用户名“{name}”不可用：以“__”开头的名称留给恢复码等内部用途。请换一个用户名。")
    if any(unicodedata.category(ch)[0] == "C" for ch in name):
        raise InputRejected("用户名中有不可见的控制字符，请重新输入。")
    if len(name) > 64:
        raise InputRejected("用户名太长（最多 64 个字符）。")
    return name


def _account(r: Row) -> Account:
    return Account(int(r["id"]), r["username"], r["display_name"], Role(r["role"]), r["class_id"],
                   bool(r["disabled"]), bool(r["manager"]))


def get_account(db: Database, username: str) -> Account | None:
    r = db.one("SELECT * FROM accounts WHERE username = :u", {"u": normalize_username(username)})
    return _account(r) if r else None


def list_accounts(db: Database) -> list[Account]:
    return [_account(r) for r in db.query("SELECT * FROM accounts ORDER BY role, username")]


def insert_account(db: Database, username: str, role: Role, display_name: str = "",
                   class_id: int | None = None, manager: bool = False) -> Account:
    username = check_new_username(username)
    if role == Role.HEAD_TEACHER and class_id is None:
        raise InputRejected("班主任账号必须指定所带班级（--class）。")
    if get_account(db, username):
        raise InputRejected(f"用户名“{username}”已存在。")
    folded = username.casefold()
    clash = next((a.username for a in list_accounts(db) if a.username.casefold() == folded), None)
    if clash:
        raise InputRejected(f"用户名“{username}”与已有的“{clash}”只差大小写，容易混淆。请换一个用户名。")
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
