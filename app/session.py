"""A signed-in session over one vault folder: create, open, lock, unlock, recover.

The database key lives only in this object while unlocked; ``lock()`` closes the connection and overwrites the
key bytes. A wrong password touches neither the database nor the key slots: failures are counted in
``lockout.json`` and written to the audit log at the next successful sign-in.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from app import audit, clock
from app.accounts.model import Account, Role
from app.accounts.store import get_account, normalize_username
from app.audit.checkpoint import check_checkpoints, ensure_audit_triggers, take_checkpoint
from app.errors import (
    InputRejected,
    IntegrityFailure,
    LockedOut,
    NotADatabase,
    PermissionDenied,
    VaultCorrupt,
    VaultFileMissing,
    VaultMissing,
    VaultSetAside,
    WrongPassword,
    XinqiaoError,
)
from app.passwords import require_acceptable
from app.policy import can_manage_school
from app.store import confidential, tier_move
from app.store.db import Database, open_database
from app.store.errors import storage_error as storage_error  # re-exported: ui never imports app.store
from app.store.errors import storage_errors
from app.store.keyslots import CONFIDENTIAL, RECOVERY_SLOT, KeySlots, TierKeys, normalize_recovery_code
from app.store.lockout import Lockout
from app.store.migrate import migrate
from app.store.paths import VaultPaths, make_private, private_umask
from app.store.quarantine import set_aside, set_aside_vaults

_log = logging.getLogger(__name__)


@dataclass
class Session:
    paths: VaultPaths
    account: Account
    _db: Database | None
    _key: bytearray | None
    on_lock: list[Callable[[], None]] = field(default_factory=list)
    _conf_key: bytearray | None = None     # held only when the slot holds it and the account is a counselor
    _identity: str | None = None           # the account's X25519 secret (a password change keeps it)
    notices: list[str] = field(default_factory=list)   # what the person signing in must be told (tampering ...)

    # -- access ------------------------------------------------------------------------------------
    @property
    def db(self) -> Database:
        if self._db is None:
            raise XinqiaoError("心桥已锁定，请先解锁。")
        return self._db

    @property
    def locked(self) -> bool:
        return self._db is None

    @property
    def key(self) -> bytes:
        if self._key is None:
            raise XinqiaoError("心桥已锁定，请先解锁。")
        return bytes(self._key)

    @property
    def holds_confidential(self) -> bool:
        """The confidential key is in this session (then confidential.db is attached as ``conf``)."""
        return self._conf_key is not None and self._db is not None

    @property
    def conf_key(self) -> bytes:
        if self._conf_key is None:
            raise PermissionDenied("这个账号的密钥槽不含保密密钥：保密记录只对心理教师开放。")
        return bytes(self._conf_key)

    def require_confidential(self) -> None:
        if not self.holds_confidential:
            raise PermissionDenied("这需要心理教师的保密密钥：请由持有保密密钥的心理教师登录后操作。")

    def audit(self, action: str, target: str = "", detail: str | dict = "") -> None:
        """Append to the audit log; an export or a backup by a counselor also checkpoints the chain's head in
        ``conf``."""
        audit.record(self.db, self.account.username, action, target, detail)
        if action in ("export", "backup") and self.holds_confidential:
            take_checkpoint(self.db, self.account.username, action)

    def school_name(self) -> str:
        return school_name(self.db)

    @property
    def is_centre(self) -> bool:
        """A county centre's vault (``init --centre``): the window shows the centre's pages instead of a school's."""
        return self.db.scalar("SELECT value FROM settings WHERE key = 'mode'") == '"centre"'

    # -- lock / unlock -----------------------------------------------------------------------------
    def lock(self) -> None:
        if self._db is not None:
            try:
                self.audit("sign_out", detail="锁定")
            except Exception:  # noqa: BLE001 - locking must always succeed
                pass
            self._db.close()
            self._db = None
        for buf in (self._key, self._conf_key):
            if buf is not None:
                for i in range(len(buf)):
                    buf[i] = 0
        self._key = self._conf_key = None
        self._identity = None
        for cb in list(self.on_lock):
            cb()

    def unlock(self, password: str) -> None:
        """Re-open the vault as the same account (after an idle lock)."""
        fresh = open_session(self.paths.root, self.account.username, password)
        self._db, self._key, self.account = fresh._db, fresh._key, fresh.account
        self._conf_key, self._identity, self.notices = fresh._conf_key, fresh._identity, fresh.notices
        fresh._db = None
        fresh._key = fresh._conf_key = None

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
        self._key = self._conf_key = None


def vault_exists(data_dir: Path) -> bool:
    return VaultPaths(Path(data_dir)).exists()


def school_name(db: Database) -> str:
    return str(db.scalar("SELECT name FROM school WHERE id = 1") or "")


def restore_hint(paths: VaultPaths, aside: Path | None = None) -> str:
    """What to do next, naming the newest backup when there is one (and a set-aside vault to try first)."""
    from app.store.backup import list_backups

    backups = list_backups(paths.backups)
    if not backups:
        hint = "请从 U 盘等处的备份恢复（restore 备份文件）。"
    else:
        hint = f"请从最近的备份恢复：restore {backups[0].path}（{backups[0].made_at}）。"
    if aside is not None:
        hint += (f"如果它是因磁盘已满等原因被误隔离的，也可以先试：restore {aside / paths.db.name}"
                 "（恢复前会先校验，损坏的文件不会被放回）。")
    return hint


_DAMAGED = "数据库完整性检查未通过：数据库文件已损坏（部分数据页读不出或校验不符）"


def _set_aside_damaged(paths: VaultPaths, what: str) -> IntegrityFailure:
    """Set a damaged vault aside; the error to raise says where it went and how to get the school back."""
    try:
        where = quarantine(paths)
    except OSError as e:
        # Damaged, and the folder cannot take it (full, read-only): nothing moved, the file stays untouched.
        why = storage_error(e, paths.quarantine)
        _log.warning("could not set %s aside: %r", paths.db, e)
        reason = why.message if why is not None else "无法移动文件"
        return IntegrityFailure(f"{what}。它没能移到 quarantine 文件夹（{reason}），原文件留在原处，没有改动。"
                                + restore_hint(paths))
    return IntegrityFailure(f"{what}。原文件已原样移到 {where}。{restore_hint(paths)}")


def _open_db_with_key(paths: VaultPaths, key: bytes) -> Database:
    """Open the vault with a key its slot proved. Only damage sets it aside; a full disk, a read-only folder or
    a vault another program holds is raised as its ``StorageError`` with the vault where it is."""
    try:
        db = open_database(paths.db, key)
    except (WrongPassword, NotADatabase):
        # The key was authenticated by its key slot (AES-GCM), so a database it cannot read is damaged in its
        # first page (or is not this vault's file): an integrity failure, set aside like any other.
        raise _set_aside_damaged(paths, "数据库文件无法用本数据文件夹的密钥读取（文件头已损坏或不是本数据库）") from None
    except VaultCorrupt as e:
        _log.warning("vault %s failed its check while opening: %s", paths.db, e.__cause__ or e)
        raise _set_aside_damaged(paths, _DAMAGED) from e
    try:
        problems = [p for p in db.quick_check() if p != "ok"]
    except BaseException:
        db.close()
        raise
    if problems:
        db.close()
        # One log line: quick_check may answer with one row of many lines (every damaged page of a tree).
        first = " | ".join(problems[0].splitlines()[:3])
        _log.warning("vault %s failed quick_check (%d rows): %s", paths.db, len(problems), first[:300])
        raise _set_aside_damaged(paths, _DAMAGED)
    try:
        migrate(db)
    except BaseException:
        db.close()  # e.g. a vault newer than this program: refused, and not left open
        raise
    return db


def quarantine(paths: VaultPaths) -> Path:
    """Set a damaged vault aside, never deleting or rewriting it: all files move, or none (``OSError``)."""
    return set_aside(paths, clock.now().strftime("%Y%m%d-%H%M%S"))


def _missing(paths: VaultPaths) -> VaultMissing:
    aside = set_aside_vaults(paths) if not paths.db.exists() else []
    if aside:
        return VaultSetAside(f"在 {paths.root} 没有找到数据库文件：它已被移到 {aside[0]}（隔离保存，没有删除）。"
                             f"请不要运行 init，那会新建一个空的数据库。{restore_hint(paths, aside[0])}")
    if paths.keyslots.exists() and not paths.db.exists():
        return VaultFileMissing(f"{paths.root} 中缺少数据库文件 {paths.db.name}（密钥文件 {paths.keyslots.name} 还在）："
                                "数据库文件被移走或删除了。请不要运行 init，那会新建一个空的数据库。"
                                f"如果知道它被移到了哪里，把它放回这个文件夹即可；否则{restore_hint(paths)}")
    return VaultMissing(f"在 {paths.root} 没有找到心桥数据。请先运行 init 或在窗口中完成初始设置。")


def open_session(data_dir: Path, username: str, password: str,
                 lockout_clock: Callable[[], float] | None = None) -> Session:
    paths = VaultPaths(Path(data_dir))
    if not paths.exists():
        raise _missing(paths)
    username = normalize_username(username)
    private_umask()
    lockout = Lockout(paths.lockout, lockout_clock) if lockout_clock else Lockout(paths.lockout)
    keys = unlock_counted(paths, lockout, username, password)
    db = _open_db_with_key(paths, keys.ordinary)
    notices: list[str] = []
    try:
        account = get_account(db, username)
        if account is None or account.disabled:
            lockout.fail(username)
            raise WrongPassword("该账号已停用，请联系管理员。" if account else "用户名或密码不正确。")
        restored = ensure_audit_triggers(db, username)
        if restored:
            notices.append(restored)
        if keys.legacy:
            keys = _upgrade_slot(paths, db, account, password, keys, notices)
        if account.role == Role.COUNSELOR and not keys.holds_confidential:
            # The role comes from the keys: a row that says counselor without the confidential key gets nothing.
            audit.record(db, username, "sign_in_refused", username, "账号记录为心理教师，但其密钥槽不含保密密钥")
            raise PermissionDenied(
                f"账号“{username}”在数据库中是心理教师，但它的密钥槽没有保密密钥，不能以心理教师身份登录。"
                "如果这是刚升级或刚重设过密码的心理教师账号：请让另一位已持有保密密钥的心理教师登录一次"
                "（会自动授予），或由其运行 user grant 授予；否则请检查账号是否被篡改。")
        conf_key = keys.confidential if account.role == Role.COUNSELOR else None
        if conf_key is not None:
            confidential.prepare(paths.confidential, conf_key)
            confidential.attach(db, paths.confidential, conf_key)
        failed = lockout.load(username)
        if failed.failures:
            audit.record(db, username, "sign_in_failed", username,
                         {"failures": failed.failures,
                          "last": dt.datetime.fromtimestamp(failed.last_failure).isoformat(timespec="seconds")})
        lockout.clear(username)
        audit.record(db, username, "sign_in", username)  # a write: a full disk or a busy vault fails here
        _drop_disabled_slots(paths, db, username)
        if conf_key is not None:
            _grant_pending(paths, db, username, conf_key)
            moved = tier_move.move_to_conf(db)   # confidential text still in vault.db: into confidential.db
            if moved:
                audit.record(db, username, "tier_move", "confidential.db", {"moved": moved})
            finding = check_checkpoints(db, since_last_finding=True)
            if finding:
                notices.append(finding)
                audit.record(db, username, "audit_tampered", "audit_log", finding)
            take_checkpoint(db, username, "sign_in", finding)
    except BaseException:
        db.close()
        raise
    make_private(paths.root)
    return Session(paths, account, db, bytearray(keys.ordinary),
                   _conf_key=bytearray(conf_key) if conf_key is not None else None,
                   _identity=keys.identity, notices=notices)


def _upgrade_slot(paths: VaultPaths, db: Database, account: Account, password: str, keys: TierKeys,
                  notices: list[str]) -> TierKeys:
    """A format-1 slot (the password wrapped the one database key) becomes an identity slot at this sign-in.

    The vault's first counselor to sign in after the upgrade creates the confidential key and confidential.db;
    the other counselors (and the recovery code) are listed in ``conf.pending_grants`` and receive the key at a
    counselor's sign-in once they have an identity (their own first sign-in makes it). Head teachers and
    administrators get the ordinary key only."""
    slots = KeySlots.load(paths.keyslots)
    conf_key: bytes | None = None
    if account.role == Role.COUNSELOR and not slots.holders(CONFIDENTIAL) and not paths.confidential.exists():
        from app.accounts.store import list_accounts

        conf_key = os.urandom(32)
        confidential.create(paths.confidential, conf_key)
        pending = [a.username for a in list_accounts(db)
                   if a.role == Role.COUNSELOR and not a.disabled and a.username != account.username]
        pending.append(RECOVERY_SLOT)
        cdb = open_database(paths.confidential, conf_key)
        try:
            with cdb.transaction():
                cdb.executemany("INSERT OR IGNORE INTO pending_grants (username, since) VALUES (?, ?)",
                                [(n, clock.now_iso()) for n in pending])
        finally:
            cdb.close()
        notices.append("已为本数据库生成保密密钥。恢复码暂时只能打开普通数据：请尽快生成新的恢复码（recovery rotate，"
                       "或在“设置 › 账号”中），它会同时持有保密密钥。")
    identity = slots.enroll(account.username, password, keys.ordinary, conf_key)
    with storage_errors(paths.keyslots):
        slots.save()
    audit.record(db, account.username, "account", account.username, "密钥槽升级为身份密钥（分级密钥）")
    return TierKeys(keys.ordinary, conf_key, identity)


def _grant_pending(paths: VaultPaths, db: Database, signed_in: str, conf_key: bytes) -> None:
    """Grant the confidential key to the counselors (and recovery code) an upgrade left waiting, once each has
    an identity slot; a row edited to say counselor afterwards is never on this list (only conf can write it)."""
    from app.accounts.store import get_account as account_of

    waiting = [r[0] for r in db.query("SELECT username FROM conf.pending_grants ORDER BY username")]
    if not waiting:
        return
    slots = KeySlots.load(paths.keyslots)
    granted = []
    for name in waiting:
        slot = slots.slots.get(name)
        if slot is None or slot.legacy:
            continue
        if name != RECOVERY_SLOT:
            acc = account_of(db, name)
            if acc is None or acc.disabled or acc.role != Role.COUNSELOR:
                continue
        slots.grant(CONFIDENTIAL, name, conf_key)
        granted.append(name)
    if not granted:
        return
    with storage_errors(paths.keyslots):
        slots.save()
    with db.transaction():
        db.executemany("DELETE FROM conf.pending_grants WHERE username = ?", [(n,) for n in granted])
        audit.record(db, signed_in, "account", ",".join(granted), "授予保密密钥（升级后）")


def _drop_disabled_slots(paths: VaultPaths, db: Database, signed_in: str) -> None:
    """Accounts disabled by an earlier version of the program kept their key slots: remove them at the next
    sign-in (audited under the account signing in), so a disabled account's password opens nothing here either."""
    from app.accounts.store import list_accounts

    slots = KeySlots.load(paths.keyslots)
    stale = sorted(a.username for a in list_accounts(db) if a.disabled and a.username in slots.slots)
    if not stale:
        return
    for name in stale:
        slots.remove(name, disabled=True)
    try:
        slots.save()
    except OSError:
        return  # a read-only folder: signing in still works; the next sign-in tries again
    audit.record(db, signed_in, "account", ",".join(stale), "删除已停用账号遗留的密钥槽")


def unlock_counted(paths: VaultPaths, lockout: Lockout, username: str, password: str,
                   slots_file: Path | None = None) -> TierKeys:
    """The keys from ``username``'s slot, under the lockout: refused while the account must wait, and a wrong
    password counts as a failure (the command line's restore and backup go through here too)."""
    wait = lockout.remaining(username)
    if wait > 0:
        raise LockedOut(wait)
    slots = KeySlots.load(slots_file or paths.keyslots)
    try:
        return slots.unlock_keys(username, password)
    except WrongPassword:
        state = lockout.fail(username)
        wait = state.wait_remaining(lockout.clock())
        if wait:
            raise LockedOut(wait) from None
        raise


def restoring_account(path: Path, key: bytes, username: str) -> None:
    """A restore is a manager's act: ``username`` must be an enabled account passing ``can_manage_school`` (a
    管理员 or the managing 心理教师) in the backup that would replace the vault, so a restore cannot bring back an
    account's old rights."""
    db = open_database(Path(path), key)
    try:
        acc = get_account(db, username)
    finally:
        db.close()
    if acc is None or acc.disabled or not can_manage_school(acc):
        raise PermissionDenied(f"只有启用中的管理员账号可以从备份恢复，“{username}”在这份备份中不是。"
                               "请让管理员登录后恢复。")


def restore_sign_in(paths: VaultPaths, backup: Path, username: str, password: str,
                    lockout_clock: Callable[[], float] | None = None) -> tuple[str, bytes]:
    """Sign in for a restore when there is no vault to sign in to: the password must open a key slot (the
    vault's keyslots.json if it is still there, else the backup's own copy), under the lockout, and the account
    must be an enabled manager in the backup. Returns the account name and the backup's key."""
    from app.store.backup import sidecar

    username = normalize_username(username)
    paths.root.mkdir(parents=True, exist_ok=True)
    lockout = Lockout(paths.lockout, lockout_clock) if lockout_clock else Lockout(paths.lockout)
    slots_file = paths.keyslots if paths.keyslots.exists() else sidecar(Path(backup), "keyslots")
    if not slots_file.exists():
        raise XinqiaoError(f"找不到可以打开备份 {Path(backup).name} 的密钥文件（{slots_file.name}）。"
                           "请把备份旁的 .keyslots.json 文件一起复制过来。")
    key = unlock_counted(paths, lockout, username, password, slots_file).ordinary
    try:
        restoring_account(backup, key, username)
    except PermissionDenied:
        lockout.fail(username)
        raise
    except WrongPassword:
        raise IntegrityFailure(f"备份文件 {Path(backup).name} 无法用这个密钥打开（已损坏或不属于本数据库）。") from None
    lockout.clear(username)
    return username, key


def reset_password_with_recovery(data_dir: Path, code: str, username: str, new_password: str) -> None:
    """Any account's password can be reset with the recovery code."""
    paths = VaultPaths(Path(data_dir))
    username = normalize_username(username)
    slots = KeySlots.load(paths.keyslots)
    keys = slots.unlock_recovery_keys(code)
    key = keys.ordinary
    db = _open_db_with_key(paths, key)
    try:
        acc = get_account(db, username)
        if acc is None:
            raise XinqiaoError(f"没有名为“{username}”的账号。")
        if acc.disabled:
            raise InputRejected(f"账号“{username}”已停用，不能用恢复码重设密码。请由管理员重新启用它，启用时会设置新密码。")
        require_acceptable(new_password, account=username, school=school_name(db))
        if keys.legacy:   # the recovery code of a format-1 vault: it becomes an identity slot now
            slots.enroll(RECOVERY_SLOT, normalize_recovery_code(code), key)
        conf = keys.confidential if acc.role == Role.COUNSELOR else None
        slots.set_account_secret(username, new_password, key, conf)
        slots.save()
        audit.record(db, username, "account", username, "用恢复码重设密码")
    finally:
        db.close()
    Lockout(paths.lockout).clear(username)


def password_strength(password: str) -> tuple[int, str]:
    """0–4 and a Chinese hint, for the live label under a new password (the rules are app/passwords.py)."""
    score = 0
    if len(password) >= 10:
        score += 1
    if len(password) >= 14:
        score += 1
    kinds = sum([any(c.islower() for c in password), any(c.isupper() for c in password),
                 any(c.isdigit() for c in password), any(not c.isalnum() for c in password)])
    if kinds >= 3:
        score += 1
    if kinds == 4 or len(password) >= 16:
        score += 1
    if len(set(password)) <= 3:
        score = 0
    hints = ["太弱：至少 10 位，并混合字母、数字和符号", "较弱：建议 14 位以上", "一般：再加入大写字母或符号",
             "较强", "很强"]
    return score, hints[score]
