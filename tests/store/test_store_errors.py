"""The sorting itself: SQLite result codes and errno values to typed app errors; a bug stays a bug."""
from __future__ import annotations

import errno
import os
import sqlite3

import pytest
import sqlcipher3.dbapi2 as sqlite

from app.errors import (
    CannotOpen,
    DiskFull,
    NotADatabase,
    StorageIOError,
    StorageReadOnly,
    VaultCorrupt,
    XinqiaoError,
)
from app.store.errors import from_sqlite, sqlite_code, storage_error


@pytest.mark.parametrize(("number", "cls", "words"), [
    (errno.ENOSPC, DiskFull, "磁盘已满"),
    (getattr(errno, "EDQUOT", errno.ENOSPC), DiskFull, "磁盘已满"),
    (errno.EFBIG, DiskFull, "最大大小"),
    (errno.EROFS, StorageReadOnly, "只读"),
    (errno.EACCES, StorageReadOnly, "没有权限"),
    (errno.EIO, StorageIOError, "读写磁盘时出错"),
])
def test_os_errors_by_errno(tmp_path, number, cls, words):
    typed = storage_error(OSError(number, os.strerror(number), str(tmp_path / "vault.db")))
    assert type(typed) is cls and words in typed.message and "没有丢失" in typed.message
    assert typed.exit_code == 6


def test_other_os_errors_are_not_sorted(tmp_path):
    assert storage_error(FileNotFoundError(errno.ENOENT, "missing", str(tmp_path / "x"))) is None
    assert storage_error(ValueError("a bug")) is None


def test_a_constraint_violation_stays_a_bug(session):
    session.db.execute("INSERT INTO settings (key, value) VALUES ('k', '1')")
    with pytest.raises(sqlite.IntegrityError) as exc:
        session.db.execute("INSERT INTO settings (key, value) VALUES ('k', '2')")
    assert not isinstance(exc.value, XinqiaoError) and storage_error(exc.value) is None


def test_damage_codes_from_real_files(session, data_dir, corrupt_vault, tmp_path):
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database " * 500)
    con = sqlite.connect(str(garbage))
    with pytest.raises(sqlite.DatabaseError) as exc:
        con.execute("SELECT count(*) FROM sqlite_master").fetchone()
    con.close()
    assert isinstance(from_sqlite(exc.value, garbage), NotADatabase)

    key = session.key
    session.close()
    corrupt_vault(data_dir / "vault.db", key)
    from app.store.db import open_database

    db = open_database(data_dir / "vault.db", key)
    try:
        with pytest.raises(VaultCorrupt) as damaged:
            db.query("PRAGMA quick_check")
        assert damaged.value.exit_code == 5 and "verify" in damaged.value.message
        assert db.quick_check() != ["ok"]  # damage is a finding of the check, not an exception
    finally:
        db.close()


def test_cannot_open_a_missing_folder(tmp_path):
    con = sqlite.connect(":memory:")
    with pytest.raises(sqlite.OperationalError) as exc:
        con.execute("ATTACH DATABASE :p AS x", {"p": str(tmp_path / "no" / "such" / "x.db")})
    con.close()
    assert isinstance(from_sqlite(exc.value, tmp_path / "no" / "such" / "x.db"), CannotOpen)


def test_extended_codes_of_the_stdlib_module_sort_like_primary_ones(tmp_path):
    """The stdlib module reports extended codes (SQLITE_CONSTRAINT_UNIQUE = 2067): the low byte decides."""
    con = sqlite3.connect(":memory:")
    con.execute("CREATE TABLE t (x UNIQUE)")
    con.execute("INSERT INTO t VALUES (1)")
    with pytest.raises(sqlite3.IntegrityError) as exc:
        con.execute("INSERT INTO t VALUES (1)")
    con.close()
    assert exc.value.sqlite_errorcode == 2067 and sqlite_code(exc.value) == 19
