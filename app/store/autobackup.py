"""When to back up by itself, and which backup to offer after a failed check. No Qt here.

On closing the window the vault is backed up if the newest backup in ``paths.backups`` is at least a day old
(``backup_due``); afterwards only the newest ``backup_keep`` backups are kept. After an integrity failure the
newest backup that opens and passes its own integrity check is offered.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from app import clock
from app.errors import XinqiaoError
from app.session import Session
from app.store.backup import BackupInfo, backup_due, backup_key, inspect_backup, list_backups, make_backup, prune
from app.store.paths import VaultPaths
from app.store.quarantine import set_aside_vaults
from app.store.settings import get_setting

MIN_INTERVAL = dt.timedelta(days=1)


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
    info = make_backup(session.db, session.key, session.paths, session.paths.backups, session.account.username)
    removed = prune(session.paths.backups, keep_count(session))
    return AutoBackupResult(info, removed)


def backup_now(session: Session, dest: Path | None = None) -> BackupInfo:
    """A manual backup: into the vault's backups folder (pruned) or a chosen folder such as a USB stick. For
    managers only: a backup is a full copy of the vault (the automatic backup on closing stays in the vault's
    own folder and runs for every account)."""
    session.require_manager()
    target = Path(dest) if dest else session.paths.backups
    info = make_backup(session.db, session.key, session.paths, target, session.account.username, manual=True)
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
