"""Backups (verified by opening), restore (the current vault set aside), and a damaged vault at start."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path

import pytest

from app import backups, clock
from app.errors import IntegrityFailure, VaultMissing, WrongPassword
from app.session import open_session
from app.store.backup import backup_due, backup_key, inspect_backup, list_backups, make_backup, prune
from app.store.db import open_database
from app.store.paths import VaultPaths
from tests.conftest import PASSWORD


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _backup(s, dest: Path | None = None, when: dt.datetime | None = None, manual: bool = False):  # type: ignore[no-untyped-def]
    if when is not None:
        clock.set_fixed(when)
    try:
        return backups.make_backup(s, dest or s.paths.backups, manual=manual)
    finally:
        clock.set_fixed(None)


def test_backup_is_encrypted_verified_and_counted(school):
    n_students = school.db.scalar("SELECT count(*) FROM students")
    info = _backup(school)
    assert info.path.exists() and info.path.parent == school.paths.backups
    assert not list(school.paths.backups.glob("*.partial*"))
    raw = info.path.read_bytes()
    assert b"SQLite format 3" not in raw[:16]
    meta = json.loads(info.path.with_name(info.path.stem + ".meta.json").read_text("utf-8"))
    assert meta["counts"]["students"] == n_students == info.counts["students"]
    assert meta["school"] == "测试学校" and meta["manual"] is False
    assert info.path.with_name(info.path.stem + ".keyslots.json").exists()
    assert "学生 120" in info.describe()
    copy = open_database(info.path, school.key)
    assert copy.integrity_check() == []
    assert copy.scalar("SELECT count(*) FROM students") == n_students
    copy.close()
    assert school.db.scalar("SELECT count(*) FROM audit_log WHERE action = 'backup'") == 1


def test_list_prune_and_due(session):
    base = dt.datetime(2026, 3, 1, 8, 0, 0)
    for i in range(5):
        _backup(session, when=base + dt.timedelta(days=i))
    infos = list_backups(session.paths.backups)
    assert [b.made_at for b in infos] == [(base + dt.timedelta(days=i)).isoformat() for i in range(4, -1, -1)]
    removed = prune(session.paths.backups, keep=3)
    assert len(removed) == 2
    left = list_backups(session.paths.backups)
    assert len(left) == 3 and left[-1].made_at == (base + dt.timedelta(days=2)).isoformat()
    for p in removed:
        assert not p.exists() and not p.with_name(p.stem + ".meta.json").exists()
    newest = base + dt.timedelta(days=4)
    assert not backup_due(session.paths.backups, newest + dt.timedelta(hours=23))
    assert backup_due(session.paths.backups, newest + dt.timedelta(days=1))
    assert backup_due(session.paths.backups / "empty", newest)


def test_two_backups_in_the_same_second_both_kept(session):
    when = dt.datetime(2026, 3, 1, 8, 0, 0)
    a = _backup(session, when=when)
    b = _backup(session, when=when)
    assert a.path != b.path and a.path.exists() and b.path.exists()


def test_restore_sets_aside_the_current_vault_and_brings_data_back(school, data_dir):
    n = school.db.scalar("SELECT count(*) FROM students")
    info = _backup(school)
    with school.db.transaction():
        school.db.execute("DELETE FROM students WHERE id IN (SELECT id FROM students LIMIT 20)")
    school.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    school.close()
    damaged_hash = sha(data_dir / "vault.db")

    key = backup_key(info.path, VaultPaths(data_dir), "counselor", PASSWORD)
    shown = inspect_backup(info.path, key)
    assert shown.counts["students"] == n and shown.made_at == info.made_at
    restored, aside = backups.restore(info.path, key, VaultPaths(data_dir), account="counselor")
    assert aside is not None and aside.parent == data_dir / "quarantine"
    assert sha(aside / "vault.db") == damaged_hash  # set aside intact, not deleted
    s = open_session(data_dir, "counselor", PASSWORD)
    assert s.db.scalar("SELECT count(*) FROM students") == n
    assert s.db.scalar("SELECT count(*) FROM audit_log WHERE action = 'restore'") == 1
    from app.audit import verify_chain

    assert verify_chain(s.db).ok
    s.close()


def test_restore_on_a_new_machine_uses_the_sidecar_keyslots(school, tmp_path):
    usb = tmp_path / "usb"
    info = _backup(school, dest=usb, manual=True)
    n = school.db.scalar("SELECT count(*) FROM students")
    school.close()
    shutil.rmtree(school.paths.root)  # the old computer is gone
    new_dir = tmp_path / "new-computer" / "xinqiao"
    paths = VaultPaths(new_dir)
    with pytest.raises(WrongPassword):
        backup_key(info.path, paths, "counselor", "wrong")
    key = backup_key(info.path, paths, "counselor", PASSWORD)
    _, aside = backups.restore(info.path, key, paths, account="counselor")
    assert aside is None
    s = open_session(new_dir, "counselor", PASSWORD)
    assert s.db.scalar("SELECT count(*) FROM students") == n
    s.close()


def test_restore_refuses_a_damaged_backup(school):
    info = _backup(school)
    data = bytearray(info.path.read_bytes())
    mid = (len(data) // 4096 // 2) * 4096 + 500
    data[mid:mid + 32] = bytes(32)
    info.path.write_bytes(data)
    before = sha(school.paths.db)
    with pytest.raises(IntegrityFailure):
        inspect_backup(info.path, school.key)
    with pytest.raises(IntegrityFailure):
        backups.restore(info.path, school.key, school.paths, account="counselor")
    assert sha(school.paths.db) == before


def test_damaged_vault_at_start_is_set_aside_never_deleted(school, data_dir, corrupt_vault):
    school.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    good = _backup(school)
    key = school.key
    school.close()
    corrupt_vault(data_dir / "vault.db", key)
    damaged = sha(data_dir / "vault.db")
    with pytest.raises(IntegrityFailure) as exc:
        open_session(data_dir, "counselor", PASSWORD)
    assert exc.value.exit_code == 5 and "备份" in exc.value.message
    assert str(good.path) in exc.value.message  # names the newest backup to restore
    assert not (data_dir / "vault.db").exists()
    kept = list((data_dir / "quarantine").glob("*/vault.db"))
    assert len(kept) == 1 and sha(kept[0]) == damaged
    assert (kept[0].parent / "keyslots.json").exists()
    with pytest.raises(VaultMissing):
        open_session(data_dir, "counselor", PASSWORD)
    # the newest good backup brings the school back
    newest = list_backups(data_dir / "backups")[0]
    assert newest.path == good.path
    key = backup_key(newest.path, VaultPaths(data_dir), "counselor", PASSWORD)
    backups.restore(newest.path, key, VaultPaths(data_dir), account="counselor")
    s = open_session(data_dir, "counselor", PASSWORD)
    assert s.db.scalar("SELECT count(*) FROM students") == 120
    s.close()


def test_damaged_first_page_is_an_integrity_failure_not_a_wrong_password(school, data_dir):
    school.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    school.close()
    path = data_dir / "vault.db"
    data = bytearray(path.read_bytes())
    data[100:164] = bytes(64)
    path.write_bytes(data)
    damaged = sha(path)
    with pytest.raises(IntegrityFailure):
        open_session(data_dir, "counselor", PASSWORD)
    kept = list((data_dir / "quarantine").glob("*/vault.db"))
    assert len(kept) == 1 and sha(kept[0]) == damaged


def test_backup_refuses_a_damaged_vault(school, data_dir, tmp_path, corrupt_vault):
    school.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    key = school.key
    school.close()
    corrupt_vault(data_dir / "vault.db", key)
    db = open_database(data_dir / "vault.db", key)
    try:
        with pytest.raises(IntegrityFailure):
            make_backup(db, key, VaultPaths(data_dir), tmp_path / "b")
    finally:
        db.close()
    assert not list((tmp_path / "b").glob("xinqiao-*.db")) if (tmp_path / "b").exists() else True


def test_backup_to_an_unwritable_place_says_so(session, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    from app.errors import XinqiaoError

    with pytest.raises(XinqiaoError) as exc:
        _backup(session, dest=blocker / "sub")
    assert "U 盘" in exc.value.message or "备份" in exc.value.message
