"""Revoking access for good: rotating the tier keys (``rekey``) and the recovery code.

``rekey`` gives vault.db (and, when the session holds it, confidential.db) a new random key with SQLCipher's
``PRAGMA rekey``, then encrypts the new keys to the accounts that still have a slot: a copy of the old
keyslots.json, or a slot removed before, opens nothing current. It needs no one else's password (their
recipients are public). It does not reach backups made before it: they keep the keys, and the passwords, of
their day. Format-1 slots (accounts not signed in since the tiers came) cannot be given the new key: they are
dropped and named, and a manager sets those accounts a new password.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

from app.errors import XinqiaoError
from app.policy import can_manage_accounts, require
from app.session import Session
from app.store.errors import storage_errors
from app.store.keyslots import (
    CONFIDENTIAL,
    ORDINARY,
    RECOVERY_SLOT,
    KeySlots,
    new_recovery_code,
    normalize_recovery_code,
)


@dataclass
class RekeyResult:
    confidential_rotated: bool
    dropped: list[str] = field(default_factory=list)   # format-1 slots that could not be given the new key


def _pragma_rekey(session: Session, schema: str, key: bytes) -> None:
    session.db.execute(f"PRAGMA {schema}.rekey = \"x'{key.hex()}'\"")


def rekey(session: Session) -> RekeyResult:
    """Rotate the ordinary key (and the confidential key when this session holds it) and re-encrypt them to
    the remaining slots only. A manager's act; audited, and checkpointed in the confidential tier."""
    from app.audit.checkpoint import take_checkpoint

    require(session, can_manage_accounts, "更换密钥")
    paths = session.paths
    slots = KeySlots.load(paths.keyslots)
    rotate_conf = session.holds_confidential
    new_ordinary = os.urandom(32)
    new_conf = os.urandom(32) if rotate_conf else None
    dropped = sorted(n for n, s in slots.slots.items() if s.legacy)
    for name in dropped:
        slots.remove(name)
    ordinary_to = sorted(n for n in slots.holders(ORDINARY) if n in slots.slots)
    conf_to = sorted(n for n in slots.holders(CONFIDENTIAL) if n in slots.slots)
    slots.grants[ORDINARY] = {}
    for name in ordinary_to:
        slots.grant(ORDINARY, name, new_ordinary)
    if new_conf is not None:
        slots.grants[CONFIDENTIAL] = {}
        for name in conf_to:
            slots.grant(CONFIDENTIAL, name, new_conf)
    old_ordinary = session.key
    old_conf = session.conf_key if rotate_conf else None
    db = session.db
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    _pragma_rekey(session, "main", new_ordinary)
    try:
        if new_conf is not None:
            db.execute("PRAGMA conf.wal_checkpoint(TRUNCATE)")
            _pragma_rekey(session, "conf", new_conf)
        with storage_errors(paths.keyslots):
            slots.save()
    except BaseException:
        # Put the old keys back so the slots on disk still open the files.
        _pragma_rekey(session, "main", old_ordinary)
        if old_conf is not None and new_conf is not None:
            try:
                _pragma_rekey(session, "conf", old_conf)
            except XinqiaoError:
                pass
        raise
    session._key = bytearray(new_ordinary)
    if new_conf is not None:
        session._conf_key = bytearray(new_conf)
    session.audit("rekey", "vault", {"confidential": rotate_conf, "accounts": ordinary_to, "dropped": dropped})
    take_checkpoint(db, session.account.username, "rekey")
    return RekeyResult(rotate_conf, dropped)


def rotate_recovery(session: Session) -> str:
    """A new recovery code (shown once): the old one opens nothing from now on. The recovery code holds the
    confidential key, so only a counselor holding it may make one."""
    require(session, can_manage_accounts, "生成新的恢复码")
    session.require_confidential()
    slots = KeySlots.load(session.paths.keyslots)
    code = new_recovery_code()
    slots.enroll(RECOVERY_SLOT, normalize_recovery_code(code), session.key, session.conf_key)
    with storage_errors(session.paths.keyslots):
        slots.save()
    with session.db.transaction():
        session.db.execute("DELETE FROM conf.pending_grants WHERE username = ?", (RECOVERY_SLOT,))
        session.audit("account", RECOVERY_SLOT, "生成新的恢复码（旧恢复码作废）")
    return code


def grant_confidential(session: Session, username: str) -> None:
    """Give a counselor account the confidential key (after an upgrade or a password reset by recovery code)."""
    from app.accounts.model import Role
    from app.accounts.store import get_account, normalize_username

    session.require_confidential()
    username = normalize_username(username)
    acc = get_account(session.db, username)
    if acc is None or acc.disabled or acc.role != Role.COUNSELOR:
        raise XinqiaoError(f"“{username}”不是启用中的心理教师账号，不能授予保密密钥。")
    slots = KeySlots.load(session.paths.keyslots)
    slots.grant(CONFIDENTIAL, username, session.conf_key)
    with storage_errors(session.paths.keyslots):
        slots.save()
    with session.db.transaction():
        session.db.execute("DELETE FROM conf.pending_grants WHERE username = ?", (username,))
        session.audit("account", username, "授予保密密钥")
