"""Setting up a new vault for a school: the database, its first account (a counselor with manager rights), the
school's row and the current school year's calendar."""
from __future__ import annotations

import json
import os
from pathlib import Path

from app import audit, clock
from app.accounts.model import Role
from app.accounts.store import check_new_username, insert_account
from app.audit.checkpoint import take_checkpoint
from app.config import KdfCost
from app.errors import XinqiaoError
from app.passwords import require_acceptable
from app.school.calendar import _ensure_year
from app.session import Session, restore_hint
from app.store import confidential, exchange_keys
from app.store.db import open_database
from app.store.errors import storage_errors
from app.store.keyslots import RECOVERY_SLOT, KeySlots, new_recovery_code, normalize_recovery_code
from app.store.migrate import migrate
from app.store.paths import VaultPaths, create_private_file, make_private, private_umask
from app.store.quarantine import set_aside_vaults


def create_vault(data_dir: Path, *, school_name: str, username: str, password: str, school_code: str = "",
                 stages: list[str] | None = None, display_name: str = "", centre: bool = False,
                 kdf: KdfCost | None = None) -> tuple[Session, str]:
    """Create a new vault; returns the signed-in session of the first account and the recovery code.

    The key derivation is calibrated to this PC (app/store/kdf.py) unless ``kdf`` names a cost (benchmarks)."""
    from app.store.kdf import new_vault_cost

    paths = VaultPaths(Path(data_dir))
    aside = set_aside_vaults(paths) if not paths.db.exists() else []
    if aside:
        raise XinqiaoError(f"文件夹 {paths.root} 的数据库已被隔离到 {aside[0]}，没有删除。不能在这里新建空的数据库："
                           f"{restore_hint(paths, aside[0])}如果确实要为另一所学校新建数据，请换一个数据文件夹。")
    if paths.keyslots.exists() and not paths.db.exists():
        raise XinqiaoError(f"文件夹 {paths.root} 中已经有心桥数据的密钥文件 {paths.keyslots.name}，但缺少数据库文件 "
                           f"{paths.db.name}（被移走或删除了）。不能在这里新建空的数据库：如果知道它被移到了哪里，"
                           f"把它放回这个文件夹即可；否则{restore_hint(paths)}"
                           "如果确实要为另一所学校新建数据，请换一个数据文件夹。")
    if paths.db.exists() or paths.keyslots.exists():
        raise XinqiaoError(f"文件夹 {paths.root} 中已经有心桥数据，不能重复初始化。")
    if not school_name.strip():
        raise XinqiaoError("学校名称不能为空。")
    username = check_new_username(username)
    require_acceptable(password, account=username, school=school_name)
    private_umask()
    with storage_errors(paths.root):
        paths.root.mkdir(parents=True, exist_ok=True)
        for d in (paths.backups, paths.logs):
            d.mkdir(exist_ok=True)
        make_private(paths.root)
    db_key = os.urandom(32)        # the ordinary tier (vault.db): every account and the recovery code
    conf_key = os.urandom(32)      # the confidential tier (confidential.db): counselors and the recovery code
    recovery = new_recovery_code()
    slots = KeySlots(paths.keyslots, {}, cost=kdf or new_vault_cost())
    identity = slots.enroll(username, password, db_key, conf_key)
    slots.enroll(RECOVERY_SLOT, normalize_recovery_code(recovery), db_key, conf_key)
    try:
        confidential.create(paths.confidential, conf_key)
    except BaseException:
        paths.confidential.unlink(missing_ok=True)
        raise
    try:
        create_private_file(paths.db)
        db = open_database(paths.db, db_key, create=True)
    except BaseException:
        paths.db.unlink(missing_ok=True)   # no empty vault.db left to block the next try
        paths.confidential.unlink(missing_ok=True)
        raise
    try:
        migrate(db)
        confidential.attach(db, paths.confidential, conf_key)
        with db.transaction():
            db.execute("INSERT INTO school (id, uuid, name, code, stages, created_at) VALUES (1, :u, :n, :c, :s, :t)",
                       {"u": clock.new_uuid(), "n": school_name.strip(), "c": school_code.strip(),
                        "s": json.dumps(stages or [], ensure_ascii=False), "t": clock.now_iso()})
            if centre:
                db.execute("INSERT INTO settings (key, value) VALUES ('mode', '\"centre\"')")
            # the exchange's keys, in the confidential tier: the centre's age identity, or the school's signing key
            for name in (exchange_keys.CENTRE_AGE,) if centre else (exchange_keys.SIGNING, exchange_keys.SCHOOL_AGE):
                exchange_keys.make(db, name)
            account = insert_account(db, username, Role.COUNSELOR, display_name, manager=True)
            today = clock.today()
            _ensure_year(db, today.year if today.month >= 9 else today.year - 1)
            audit.record(db, username, "account", username, "创建数据库和首个账号")
            # A new vault has no tier choices in vault.db to adopt: counselors' copy in conf decides from the start
            # (an upgraded vault adopts its school's earlier choices at the first counselor sign-in).
            db.execute("INSERT INTO conf.tag_tiers_adopted (id, at) VALUES (1, :t)", {"t": clock.now_iso()})
        take_checkpoint(db, username, "sign_in")
    except BaseException:
        db.close()
        for p in _created_files(paths):
            p.unlink(missing_ok=True)
        raise
    try:
        with storage_errors(paths.keyslots):
            slots.save()
    except BaseException:
        db.close()
        for p in _created_files(paths):
            p.unlink(missing_ok=True)
        raise
    make_private(paths.root)
    return Session(paths, account, db, bytearray(db_key), _conf_key=bytearray(conf_key), _identity=identity), recovery


def _created_files(paths: VaultPaths) -> list[Path]:
    return [f.with_name(f.name + s) for f in (paths.db, paths.confidential) for s in ("", "-wal", "-shm")]
