"""Setting up a new vault for a school: the database, its first account (a counselor with manager rights), the
school's row and the current school year's calendar."""
from __future__ import annotations

import json
import os
from pathlib import Path

from app import audit, clock
from app.accounts.model import Role
from app.accounts.store import insert_account
from app.errors import XinqiaoError
from app.school.calendar import _ensure_year
from app.session import Session, restore_hint
from app.store.db import open_database
from app.store.errors import storage_errors
from app.store.keyslots import RECOVERY_SLOT, KeySlots, new_recovery_code, normalize_recovery_code
from app.store.migrate import migrate
from app.store.paths import VaultPaths
from app.store.quarantine import set_aside_vaults


def create_vault(data_dir: Path, *, school_name: str, username: str, password: str, school_code: str = "",
                 stages: list[str] | None = None, display_name: str = "", centre: bool = False
                 ) -> tuple[Session, str]:
    """Create a new vault; returns the signed-in session of the first account and the recovery code."""
    paths = VaultPaths(Path(data_dir))
    aside = set_aside_vaults(paths) if not paths.db.exists() else []
    if aside:
        raise XinqiaoError(f"文件夹 {paths.root} 的数据库已被隔离到 {aside[0]}，没有删除。不能在这里新建空的数据库："
                           f"{restore_hint(paths, aside[0])}如果确实要为另一所学校新建数据，请换一个数据文件夹。")
    if paths.db.exists() or paths.keyslots.exists():
        raise XinqiaoError(f"文件夹 {paths.root} 中已经有心桥数据，不能重复初始化。")
    if not school_name.strip():
        raise XinqiaoError("学校名称不能为空。")
    if not password:
        raise XinqiaoError("密码不能为空。")
    with storage_errors(paths.root):
        paths.root.mkdir(parents=True, exist_ok=True)
        for d in (paths.backups, paths.logs):
            d.mkdir(exist_ok=True)
    db_key = os.urandom(32)
    recovery = new_recovery_code()
    slots = KeySlots(paths.keyslots, {})
    slots.set_secret(username, password, db_key)
    slots.set_secret(RECOVERY_SLOT, normalize_recovery_code(recovery), db_key)
    db = open_database(paths.db, db_key, create=True)
    try:
        migrate(db)
        with db.transaction():
            db.execute("INSERT INTO school (id, uuid, name, code, stages, created_at) VALUES (1, :u, :n, :c, :s, :t)",
                       {"u": clock.new_uuid(), "n": school_name.strip(), "c": school_code.strip(),
                        "s": json.dumps(stages or [], ensure_ascii=False), "t": clock.now_iso()})
            if centre:
                db.execute("INSERT INTO settings (key, value) VALUES ('mode', '\"centre\"')")
            account = insert_account(db, username, Role.COUNSELOR, display_name, manager=True)
            today = clock.today()
            _ensure_year(db, today.year if today.month >= 9 else today.year - 1)
            audit.record(db, username, "account", username, "创建数据库和首个账号")
    except BaseException:
        db.close()
        for p in (paths.db, paths.db.with_name("vault.db-wal"), paths.db.with_name("vault.db-shm")):
            if p.exists():
                p.unlink()
        raise
    try:
        with storage_errors(paths.keyslots):
            slots.save()
    except BaseException:
        db.close()
        for p in (paths.db, paths.db.with_name("vault.db-wal"), paths.db.with_name("vault.db-shm")):
            p.unlink(missing_ok=True)
        raise
    return Session(paths, account, db, bytearray(db_key)), recovery
