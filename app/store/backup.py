"""Encrypted backups: a full copy made with sqlcipher_export under the same key, verified by opening it.

A backup is ``xinqiao-YYYYMMDD-HHMMSS.db`` plus ``….keyslots.json`` (so it opens on a new machine with the
passwords of its day), ``….meta.json`` (date and record counts, readable before restoring) and
``….confidential`` (+ ``-wal``): the confidential tier's database copied as it is on disk, still under the
confidential key, so an administrator can back up what they cannot read.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from app import clock
from app.errors import InputRejected, IntegrityFailure, StorageError, WrongPassword, XinqiaoError
from app.store.db import Database, open_database
from app.store.errors import environment_error, storage_error, storage_errors
from app.store.fileio import atomic_write_text, fsync_dir
from app.store.keyslots import KeySlots
from app.store.migrate import current_version, latest_version
from app.store.paths import CONFIDENTIAL_FILE, VaultPaths, create_private_file, make_private
from app.store.quarantine import set_aside, vault_files

NAME_RE = re.compile(r"^xinqiao-(\d{8}-\d{6})\.db$")
COUNTED_TABLES = {"students": "学生", "focus_tags": "关注标签", "support_plans": "一生一策方案",
                  "accounts": "账号", "audit_log": "审计记录"}


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    made_at: str
    counts: dict[str, int]
    school: str
    schema: int = 0

    def describe(self) -> str:
        parts = [f"{COUNTED_TABLES.get(k, k)} {v}" for k, v in self.counts.items() if k in COUNTED_TABLES]
        return f"{self.made_at}  {self.school}  " + "，".join(parts)


def record_counts(db: Database) -> dict[str, int]:
    names = [r[0] for r in db.query("SELECT name FROM sqlite_master WHERE type = 'table'"
                                    " AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%_fts%' ORDER BY name")]
    return {n: int(db.scalar(f'SELECT count(*) FROM "{n}"')) for n in names}


def sidecar(path: Path, kind: str) -> Path:
    return path.with_name(path.stem + f".{kind}.json")


def confidential_copy(path: Path) -> Path:
    """The backup's copy of confidential.db (no ``.db`` ending, so it is never taken for a backup itself)."""
    return path.with_name(path.stem + ".confidential")


def _confidential_of(backup: Path) -> Path:
    """The confidential tier that goes with ``backup``: its ``.confidential`` copy, or, for a vault set aside
    in quarantine/ (``…/vault.db``), the confidential.db beside it."""
    copy = confidential_copy(backup)
    beside = backup.with_name(CONFIDENTIAL_FILE)
    if not copy.exists() and backup.name == "vault.db" and beside.exists():
        return beside
    return copy


def _confidential_files(db_file: Path) -> list[tuple[str, Path]]:
    return [(s, db_file.with_name(db_file.name + s)) for s in ("", "-wal")]


def _copy_confidential(db: Database, paths: VaultPaths, target: Path) -> list[Path]:
    """Copy confidential.db (and its WAL) next to the backup, encrypted as it is. A session holding the key
    folds the WAL in first; one that does not copies both files, which SQLite reads together."""
    if not paths.confidential.exists():
        return []
    if any(r[1] == "conf" for r in db.query("PRAGMA database_list")):
        db.execute("PRAGMA conf.wal_checkpoint(TRUNCATE)")
    made = []
    dest = confidential_copy(target)
    for suffix, src in _confidential_files(paths.confidential):
        if src.exists() and (suffix == "" or src.stat().st_size > 0):
            out = dest.with_name(dest.name + suffix)
            create_private_file(out)
            shutil.copyfile(src, out)
            made.append(out)
    return made


def make_backup(db: Database, key: bytes, paths: VaultPaths, dest_dir: Path, manual: bool = False) -> BackupInfo:
    """Check the vault, copy it encrypted into ``dest_dir``, and verify the copy by opening it. The audit line is
    written by the caller (``app.backups``): the store does not know who is signed in."""
    problems = db.integrity_check()
    if problems:
        raise IntegrityFailure(f"数据库完整性检查发现 {len(problems)} 处损坏，未进行备份（损坏的数据库不应覆盖好的备份）。"
                               "请运行 verify 查看详情，或从最近的备份恢复。")
    dest_dir = Path(dest_dir)
    try:
        dest_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        typed = storage_error(e, dest_dir)  # a full or read-only stick: its own error, by errno
        if isinstance(typed, StorageError):
            raise type(typed)(f"没有备份：{typed.message}") from e
        raise XinqiaoError(f"无法在 {dest_dir} 创建备份文件夹。请检查 U 盘是否插好、是否有写权限。") from e
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    target = dest_dir / f"xinqiao-{stamp}.db"
    n = 1
    while target.exists():
        target = dest_dir / f"xinqiao-{stamp}-{n}.db"
        n += 1
    tmp = target.with_name(target.name + ".partial")
    if tmp.exists():
        tmp.unlink()
    create_private_file(tmp)  # owner-only before SQLCipher writes a byte into it
    version = current_version(db)
    try:
        db.execute(f"ATTACH DATABASE :p AS backup KEY \"x'{key.hex()}'\"", {"p": str(tmp)})
        try:
            db.execute("SELECT sqlcipher_export('backup')")
            db.execute(f"PRAGMA backup.user_version = {version}")
        finally:
            db.execute("DETACH DATABASE backup")
    except Exception as e:
        for leftover in (tmp, tmp.with_name(tmp.name + "-wal"), tmp.with_name(tmp.name + "-shm")):
            leftover.unlink(missing_ok=True)
        # Sorted again for the backup's folder: the full disk may be the USB stick's, not the vault's.
        # sqlcipher_export reports a full target as plain SQLITE_ERROR: then the target's folder is looked at.
        cause = e.__cause__ if isinstance(e, StorageError) and e.__cause__ is not None else e
        typed = storage_error(cause, tmp) or environment_error(tmp)
        if isinstance(typed, StorageError):
            raise type(typed)(f"没有备份：{typed.message}") from e
        raise XinqiaoError(f"写入备份文件 {target.name} 失败，没有生成备份。请检查磁盘空间或 U 盘，然后重试。") from e
    copy = open_database(tmp, key)
    try:
        if copy.integrity_check():
            raise IntegrityFailure("备份文件校验失败，已放弃这次备份。")
        counts = record_counts(copy)
        school = str(copy.scalar("SELECT name FROM school WHERE id = 1") or "")
    finally:
        copy.close()
    for suffix in ("-wal", "-shm"):
        side = tmp.with_name(tmp.name + suffix)
        if side.exists():
            side.unlink()
    info = BackupInfo(target, clock.now_iso(), counts, school)
    try:
        with storage_errors(dest_dir):
            tmp.replace(target)
            shutil.copy2(paths.keyslots, sidecar(target, "keyslots"))
            _copy_confidential(db, paths, target)
            atomic_write_text(sidecar(target, "meta"), json.dumps(
                {"made_at": info.made_at, "counts": counts, "school": school, "schema": version, "manual": manual},
                ensure_ascii=False, indent=1))
            fsync_dir(dest_dir)
    except BaseException:
        for leftover in (tmp, target, sidecar(target, "keyslots"), sidecar(target, "meta"),
                         *(p for _, p in _confidential_files(confidential_copy(target)))):
            leftover.unlink(missing_ok=True)  # no half backup that list_backups or a restore could pick
        raise
    if dest_dir.resolve().is_relative_to(paths.root.resolve()):
        make_private(paths.root)
    return info


def list_backups(folder: Path) -> list[BackupInfo]:
    """Backups in a folder, newest first, read from their meta files (no key needed)."""
    found = []
    if not folder.exists():
        return []
    for p in folder.glob("xinqiao-*.db"):
        meta = sidecar(p, "meta")
        try:
            obj = json.loads(meta.read_text("utf-8"))
        except (OSError, ValueError):
            continue
        found.append(BackupInfo(p, obj.get("made_at", ""), dict(obj.get("counts", {})), obj.get("school", "")))
    found.sort(key=lambda b: b.made_at, reverse=True)
    return found


def prune(folder: Path, keep: int) -> list[Path]:
    removed = []
    for info in list_backups(folder)[keep:]:
        for p in (info.path, sidecar(info.path, "meta"), sidecar(info.path, "keyslots"),
                  *(f for _, f in _confidential_files(confidential_copy(info.path)))):
            if p.exists():
                p.unlink()
        removed.append(info.path)
    return removed


def backup_due(folder: Path, now: dt.datetime, min_interval: dt.timedelta = dt.timedelta(days=1)) -> bool:
    backups = list_backups(folder)
    if not backups:
        return True
    newest = dt.datetime.fromisoformat(backups[0].made_at)
    return now - newest >= min_interval


def inspect_backup(path: Path, key: bytes) -> BackupInfo:
    """Open a backup read-only to show its date and record counts before restoring."""
    path = Path(path)
    if not path.exists():
        raise XinqiaoError(f"找不到备份文件 {path}。")
    try:
        db = open_database(path, key)
    except WrongPassword:
        # The key was proven by a key slot, so a backup it cannot read is damaged (or another vault's).
        raise IntegrityFailure(f"备份文件 {path.name} 已损坏或不属于本数据库，不能用于恢复。") from None
    try:
        schema = current_version(db)
        if schema > latest_version():
            # Checked before anything is replaced: this program could not open the vault it would restore.
            raise InputRejected(f"备份 {path.name} 来自更新版本的心桥（数据库版本 {schema}，本程序支持到 "
                                f"{latest_version()}）。请先升级心桥，再恢复这份备份；当前数据没有改动。")
        if db.integrity_check():
            raise IntegrityFailure(f"备份文件 {path.name} 已损坏，不能用于恢复。")
        counts = record_counts(db)
        school = str(db.scalar("SELECT name FROM school WHERE id = 1") or "")
    finally:
        db.close()
    made = ""
    meta = sidecar(path, "meta")
    if meta.exists():
        made = json.loads(meta.read_text("utf-8")).get("made_at", "")
    if not made:
        made = dt.datetime.fromtimestamp(path.stat().st_mtime).isoformat(timespec="seconds")
    return BackupInfo(path, made, counts, school, schema)


def backup_key(path: Path, paths: VaultPaths, username: str, password: str) -> bytes:
    """The key for a backup: from the vault's key slots, else from the backup's own key-slot copy."""
    candidates = [paths.keyslots, sidecar(Path(path), "keyslots")]
    last: Exception | None = None
    for slots_path in candidates:
        if slots_path.exists():
            try:
                return KeySlots.load(slots_path).unlock(username, password)
            except XinqiaoError as e:
                last = e
    raise last or XinqiaoError("找不到可以打开此备份的密钥文件。")


def restore_backup(path: Path, key: bytes, paths: VaultPaths) -> tuple[BackupInfo, Path | None]:
    """Replace the vault with a verified backup. A backup newer than this program is refused first. The current
    vault is set aside, never deleted. Who may restore, and the audit line, are ``app.backups.restore``'s.

    The backup is copied next to the vault first: a full disk or a read-only folder stops the restore there,
    with the current vault untouched. Only then is the current vault set aside (renames, all or nothing)."""
    info = inspect_backup(path, key)
    tmp = paths.db.with_name("vault.db.restoring")
    side = sidecar(Path(path), "keyslots")
    new_slots = not paths.keyslots.exists() and side.exists()
    # The confidential tier comes back with its backup (a backup from before the tiers has none: the vault's
    # own confidential.db then stays where it is).
    conf_src = [(s, f) for s, f in _confidential_files(_confidential_of(Path(path))) if f.exists()]
    conf_tmp = [(s, paths.confidential.with_name(paths.confidential.name + s + ".restoring")) for s, _ in conf_src]
    try:
        with storage_errors(paths.root):
            paths.root.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, tmp)
            if new_slots:
                shutil.copy2(side, paths.keyslots.with_name(paths.keyslots.name + ".restoring"))
            for (_, src), (_, dst) in zip(conf_src, conf_tmp, strict=True):
                shutil.copy2(src, dst)
    except BaseException:
        tmp.unlink(missing_ok=True)
        paths.keyslots.with_name(paths.keyslots.name + ".restoring").unlink(missing_ok=True)
        for _, dst in conf_tmp:
            dst.unlink(missing_ok=True)
        raise
    aside = None
    if vault_files(paths):
        try:
            with storage_errors(paths.quarantine):
                aside = set_aside(paths, f"before-restore-{clock.now().strftime('%Y%m%d-%H%M%S')}",
                                  with_confidential=bool(conf_src))
        except BaseException:
            tmp.unlink(missing_ok=True)
            for _, dst in conf_tmp:
                dst.unlink(missing_ok=True)
            raise
    tmp.replace(paths.db)
    for (suffix, _), (_, dst) in zip(conf_src, conf_tmp, strict=True):
        dst.replace(paths.confidential.with_name(paths.confidential.name + suffix))
    if new_slots:
        paths.keyslots.with_name(paths.keyslots.name + ".restoring").replace(paths.keyslots)
    fsync_dir(paths.root)
    make_private(paths.root)
    return info, aside
