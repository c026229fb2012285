"""The vault on disk is SQLCipher: no plaintext, a wrong key is a wrong password, no build without encryption."""
from __future__ import annotations

import os

import pytest

from app.errors import IntegrityFailure, WrongPassword, XinqiaoError
from app.store import db as dbmod
from app.store.db import open_database


def _insert_student(session, name: str, registry: str) -> None:
    from app import clock

    with session.db.transaction():
        session.db.execute(
            "INSERT INTO students (uuid, registry_no, name, created_at, updated_at) VALUES (:u, :r, :n, :t, :t)",
            {"u": clock.new_uuid(), "r": registry, "n": name, "t": clock.now_iso()})


def test_no_plaintext_in_vault_or_wal(session, data_dir):
    name, registry = "欧阳明月", "G99887766554433"
    _insert_student(session, name, registry)
    wal = data_dir / "vault.db-wal"
    assert wal.exists() and wal.stat().st_size > 0
    needles = [name.encode("utf-8"), name.encode("gb18030"), registry.encode("ascii"), "测试学校".encode(),
               b"CREATE TABLE", b"SQLite format 3"]
    for path in (data_dir / "vault.db", wal):
        raw = path.read_bytes()
        for needle in needles:
            assert needle not in raw, f"{needle!r} in {path.name}"
    session.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = (data_dir / "vault.db").read_bytes()
    assert name.encode() not in raw and registry.encode() not in raw
    assert session.db.scalar("SELECT name FROM students WHERE registry_no = :r", {"r": registry}) == name


def test_cipher_version_is_present(session):
    version = session.db.scalar("PRAGMA cipher_version")
    assert version and version.split(".")[0] == "4"


def test_pragmas_in_force(session):
    db = session.db
    assert db.scalar("PRAGMA journal_mode") == "wal"
    assert db.scalar("PRAGMA synchronous") == 2  # FULL
    assert db.scalar("PRAGMA foreign_keys") == 1
    assert db.scalar("PRAGMA temp_store") == 2  # MEMORY
    assert db.scalar("PRAGMA secure_delete") == 1


def test_wrong_raw_key_is_wrong_password(session, data_dir):
    session.close()
    with pytest.raises(WrongPassword):
        open_database(data_dir / "vault.db", os.urandom(32))


def test_plain_sqlite_file_is_wrong_password(tmp_path):
    import sqlite3

    path = tmp_path / "plain.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    with pytest.raises(WrongPassword):
        open_database(path, os.urandom(32))


def test_missing_file_is_not_created(tmp_path):
    with pytest.raises(XinqiaoError):
        open_database(tmp_path / "nothing.db", os.urandom(32))
    assert not (tmp_path / "nothing.db").exists()


class _NoCipherConnection:
    """What a plain SQLite build answers: ``PRAGMA cipher_version`` returns no row."""

    def __init__(self, real) -> None:  # type: ignore[no-untyped-def]
        self.real = real
        self.closed = False
        self.row_factory = None

    def execute(self, sql, *args):  # type: ignore[no-untyped-def]
        if sql.strip().upper() == "PRAGMA CIPHER_VERSION":
            return self.real.execute("SELECT 1 WHERE 0")
        return self.real.execute(sql, *args)

    def close(self) -> None:
        self.closed = True
        self.real.close()


def test_refuses_a_build_without_encryption(monkeypatch, tmp_path):
    """The real ``_connect`` check, fed the answer a non-SQLCipher build gives."""
    real_connect = dbmod.sqlite.connect
    made: list[_NoCipherConnection] = []

    def connect(*args, **kwargs):  # type: ignore[no-untyped-def]
        conn = _NoCipherConnection(real_connect(*args, **kwargs))
        made.append(conn)
        return conn

    monkeypatch.setattr(dbmod.sqlite, "connect", connect)
    with pytest.raises(IntegrityFailure) as exc:
        open_database(tmp_path / "new.db", os.urandom(32), create=True)
    assert "cipher_version" in exc.value.message and exc.value.exit_code == 5
    assert made and made[0].closed
