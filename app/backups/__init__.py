"""Backups as the signed-in user makes them: audited, and kept to ``backup_keep``. No Qt here.

The store (``app.store.backup``) copies, checks and restores files and knows nobody; this module checks the
permission, writes the audit line, and decides when to back up by itself.

On closing the window the vault is backed up if the newest backup in ``paths.backups`` is at least a day old
(``backup_due``); afterwards only the newest ``backup_keep`` backups are kept. After an integrity failure the
newest backup that opens and passes its own integrity check is offered.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from app import audit, clock
from app.errors import XinqiaoError
from app.policy import can_manage_school, require
from app.session import Session, restoring_account
from app.store import backup as store
from app.store.backup import COUNTED_TABLES, BackupInfo, backup_due, backup_key, inspect_backup, list_backups, prune
from app.store.db import open_database
from app.store.paths import VaultPaths
from app.store.quarantine import set_aside_vaults
from app.store.settings import get_setting, set_setting

__all__ = ["COUNTED_TABLES", "AutoBackupResult", "BackupInfo", "auto_backup_due", "backup_key", "backup_now",
           "inspect_backup", "keep_count", "list_backups", "make_backup", "newest_verified_backup", "restore",
           "run_auto_backup", "set_keep_count", "VaultCheck", "verify_vault"]

MIN_INTERVAL = dt.timedelta(days=1)


@dataclass(frozen=True)
class VaultCheck:
    entries: int              # audit-log entries walked
    broken_at: int | None     # the first entry whose hash does not follow, if any
    problems: list[str]       # integrity_check findings
    cut: str = ""             # rows cut or rewritten after an audit checkpoint (checked with the confidential key)

    @property
    def ok(self) -> bool:
        return self.broken_at is None and not self.problems and not self.cut


def verify_vault(session: Session) -> VaultCheck:
    """The database's integrity check and the audit chain (设置 › 审计日志 › 校验); the check itself is audited."""
    require(session, can_manage_school, "校验数据库和审计日志")
    from app.audit.checkpoint import check_checkpoints

    chain = audit.verify_chain(session.db)
    cut = check_checkpoints(session.db) if session.holds_confidential else ""
    result = VaultCheck(chain.entries, chain.broken_at, session.db.integrity_check(), cut)
    session.audit("settings", "verify", {"ok": result.ok, "entries": result.entries})
    return result


def make_backup(session: Session, dest_dir: Path, manual: bool = False) -> BackupInfo:
    """Copy the vault into ``dest_dir`` (checked before and after) and audit it under the signed-in account."""
    info = store.make_backup(session.db, session.key, session.paths, dest_dir, manual=manual)
    session.audit("backup", str(info.path), {"manual": manual, "students": info.counts.get("students", 0)})
    return info


def restore(path: Path, key: bytes, paths: VaultPaths, *, account: str) -> tuple[BackupInfo, Path | None]:
    """Replace the vault with a verified backup, as ``account`` (an enabled manager in the backup, see
    ``session.restoring_account``); the current vault is set aside, and the restored vault's audit log says who."""
    restoring_account(path, key, account)
    info, aside = store.restore_backup(path, key, paths)
    db = open_database(paths.db, key)
    try:
        audit.record(db, account, "restore", str(Path(path).resolve()), {"made_at": info.made_at})
    finally:
        db.close()
    return info, aside


def set_keep_count(session: Session, keep: int) -> None:
    """How many automatic backups to keep (settings page); audited."""
    require(session, can_manage_school, "修改备份设置")
    with session.db.transaction():
        set_setting(session.db, "backup_keep", int(keep))
        session.audit("settings", "backup_keep", str(keep))


def keep_count(session: Session) -> int:
    try:
        keep = int(get_setting(session.db, "backup_keep"))
    except (TypeError, ValueError):
        keep = 30
    return max(1, keep)


def auto_backup_due(paths: VaultPaths, now: dt.datetime | None = None) -> bool:
    return backup_due(paths.backups, now or clock.now(), MIN_INTERVAL)


@dataclass(frozen=True)
class AutoBackupResult:
    made: BackupInfo | None
    pruned: list[Path]


def run_auto_backup(session: Session, now: dt.datetime | None = None) -> AutoBackupResult:
    """Back up into the vault's own backups folder if one is due, then prune to ``backup_keep``."""
    if session.locked or not auto_backup_due(session.paths, now):
        return AutoBackupResult(None, [])
    info = make_backup(session, session.paths.backups)
    removed = prune(session.paths.backups, keep_count(session))
    return AutoBackupResult(info, removed)


def backup_now(session: Session, dest: Path | None = None) -> BackupInfo:
    """A manual backup: into the vault's backups folder (pruned) or a chosen folder such as a USB stick. For
    managers only: a backup is a full copy of the vault (the automatic backup on closing stays in the vault's
    own folder and runs for every account)."""
    require(session, can_manage_school, "备份（备份是数据库的完整副本）")
    target = Path(dest) if dest else session.paths.backups
    info = make_backup(session, target, manual=True)
    if dest is None:
        prune(session.paths.backups, keep_count(session))
    return info


def newest_verified_backup(paths: VaultPaths, username: str, password: str) -> tuple[BackupInfo, bytes] | None:
    """The newest copy this account's password opens and that passes its checks: first a vault set aside in
    quarantine/ that turns out whole (an older version set vaults aside on a full disk; it holds everything up
    to that day), then the backups in ``paths.backups``, newest first. A vault replaced by a restore is not
    offered back."""
    candidates = [d / paths.db.name for d in set_aside_vaults(paths) if not d.name.startswith("before-restore-")]
    candidates += [info.path for info in list_backups(paths.backups)]
    for path in candidates:
        try:
            key = backup_key(path, paths, username, password)
            return inspect_backup(path, key), key
        except XinqiaoError:
            continue
    return None
