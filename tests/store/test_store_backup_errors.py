"""Backups and restores on a disk that fills up: a typed ``DiskFull``, no half-written backup, and a restore that
cannot copy leaves the current vault exactly where and as it was (root only: a tiny tmpfs)."""
from __future__ import annotations

import os

import pytest

from app.backups import backup_now, restore
from app.errors import DiskFull
from app.session import open_session
from app.store.backup import backup_key, list_backups
from app.store.paths import VaultPaths
from tests.conftest import PASSWORD
from tests.store.conftest import assert_intact, fill, make_school, sha

pytestmark = pytest.mark.skipif(os.name != "posix", reason="tmpfs is POSIX")


def test_a_backup_to_a_full_usb_stick_is_disk_full_and_leaves_no_half_backup(tmpfs, tmp_path):
    usb = tmpfs("256k")
    vault = tmp_path / "vault"
    n = make_school(vault)
    s = open_session(vault, "counselor", PASSWORD)
    try:
        with pytest.raises(DiskFull) as exc:
            backup_now(s, usb)
        assert "没有备份" in exc.value.message and "磁盘已满" in exc.value.message and str(usb) in exc.value.message
        assert list(usb.iterdir()) == []  # no partial file a later restore could pick
        assert s.db.scalar("SELECT count(*) FROM students") == n  # the session goes on
    finally:
        s.close()
    assert_intact(vault, n)


def test_a_restore_that_cannot_copy_leaves_the_vault_as_it_was(tmpfs, tmp_path):
    disk = tmpfs("3m")
    vault = disk / "vault"
    n = make_school(vault)
    s = open_session(vault, "counselor", PASSWORD)
    info = backup_now(s, tmp_path / "usb")
    s.close()
    before = sha(vault / "vault.db")
    paths = VaultPaths(vault)
    key = backup_key(info.path, paths, "counselor", PASSWORD)
    filler = fill(disk)
    with pytest.raises(DiskFull) as exc:
        restore(info.path, key, paths, account="counselor")
    assert "磁盘已满" in exc.value.message
    assert sha(vault / "vault.db") == before
    assert sorted(p.name for p in vault.iterdir()) == ["backups", "confidential.db", "keyslots.json", "logs", "vault.db"]
    filler.unlink()
    assert_intact(vault, n)
    assert list_backups(tmp_path / "usb")[0].path == info.path
