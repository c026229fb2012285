"""Numbered .sql migrations tracked in user_version."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from app.errors import XinqiaoError
from app.store import migrate as migmod
from app.store.db import open_database
from app.store.migrate import available, current_version, latest_version, migrate, split_statements


def test_fresh_vault_is_at_latest_version(session):
    assert current_version(session.db) == latest_version() >= 1
    tables = {r[0] for r in session.db.query("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"students", "audit_log", "focus_tags", "support_plans", "accounts", "classes"} <= tables


def test_migration_files_are_numbered_and_in_their_ranges():
    numbers = [m.number for m in available()]
    assert numbers == sorted(set(numbers))
    assert 1 in numbers
    for m in available():
        assert m.path.suffix == ".sql"


def test_migrate_twice_applies_nothing(session):
    assert migrate(session.db) == []


def test_newer_database_is_refused(session, data_dir):
    from app.session import open_session
    from tests.conftest import PASSWORD

    session.db.execute(f"PRAGMA user_version = {latest_version() + 1}")
    session.close()
    with pytest.raises(XinqiaoError) as exc:
        open_session(data_dir, "counselor", PASSWORD)
    assert "升级" in exc.value.message
    db = open_database(data_dir / "vault.db", _key_of(data_dir))
    assert current_version(db) == latest_version() + 1  # refused, not rewritten
    db.close()


def _key_of(data_dir):  # type: ignore[no-untyped-def]
    from app.store.keyslots import KeySlots
    from tests.conftest import PASSWORD

    return KeySlots.load(data_dir / "keyslots.json").unlock("counselor", PASSWORD)


@pytest.fixture
def migrations_copy(tmp_path, monkeypatch):
    folder = tmp_path / "migrations"
    shutil.copytree(migmod.MIGRATIONS_DIR, folder)
    monkeypatch.setattr(migmod, "MIGRATIONS_DIR", folder)
    return folder


def test_failing_migration_rolls_back(session, migrations_copy):
    db = session.db
    before = current_version(db)
    number = latest_version() + 1
    (migrations_copy / f"{number:03d}_broken.sql").write_text(
        "CREATE TABLE half_done (id INTEGER PRIMARY KEY);\n"
        "INSERT INTO half_done (id) VALUES (1);\n"
        "ALTER TABLE students ADD COLUMN nickname TEXT;\n"
        "INSERT INTO no_such_table VALUES (1);\n", "utf-8")
    with pytest.raises(Exception, match="no_such_table"):
        migrate(db)
    assert current_version(db) == before
    assert db.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'") == 0
    cols = [r[1] for r in db.query("PRAGMA table_info(students)")]
    assert "nickname" not in cols
    assert not db.conn.in_transaction


def test_good_migration_with_trigger_applies(session, migrations_copy):
    db = session.db
    number = latest_version() + 1
    (migrations_copy / f"{number:03d}_notes.sql").write_text(
        "-- a test migration\n"
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL, edited INTEGER NOT NULL DEFAULT 0);\n"
        "CREATE TRIGGER notes_mark BEFORE UPDATE ON notes\n"
        "BEGIN\n"
        "    SELECT RAISE(ABORT, 'read-only; really');\n"
        "END;\n", "utf-8")
    assert migrate(db) == [number]
    assert current_version(db) == number
    db.execute("INSERT INTO notes (body) VALUES ('a;b')")
    with pytest.raises(Exception, match="read-only"):
        db.execute("UPDATE notes SET body = 'x'")


def test_split_statements_keeps_triggers_whole():
    sql = (
        "-- header comment\n"
        "CREATE TABLE a (x TEXT DEFAULT 'semi;colon');\n"
        "CREATE TRIGGER a_no_delete BEFORE DELETE ON a\n"
        "BEGIN\n"
        "    INSERT INTO log VALUES ('one;');\n"
        "    SELECT RAISE(ABORT, 'no');\n"
        "END;\n"
        "\n"
        "INSERT INTO a VALUES ('x');\n")
    parts = split_statements(sql)
    assert len(parts) == 3
    assert parts[0].startswith("CREATE TABLE a")
    assert parts[1].startswith("CREATE TRIGGER") and parts[1].endswith("END;")
    assert "SELECT RAISE" in parts[1]
    assert parts[2] == "INSERT INTO a VALUES ('x');"


def test_foundation_migration_splits_into_whole_statements():
    sql = (migmod.MIGRATIONS_DIR / "001_foundation.sql").read_text("utf-8")
    parts = split_statements(sql)
    triggers = [p for p in parts if p.upper().startswith("CREATE TRIGGER")]
    assert len(triggers) == 2 and all(t.rstrip().endswith("END;") for t in triggers)


def test_migrations_on_plain_sqlite(tmp_path):
    """The benchmark baseline: the same schema on plain SQLite."""
    from app.store.db import open_plain

    db = open_plain(tmp_path / "plain.db")
    migrate(db)
    assert current_version(db) == latest_version()
    db.close()
    assert (tmp_path / "plain.db").read_bytes()[:15] == b"SQLite format 3"
    assert os.path.getsize(tmp_path / "plain.db") > 0



def _open_handles(path) -> int:  # type: ignore[no-untyped-def]
    fds = Path("/proc/self/fd")
    n = 0
    for fd in fds.iterdir():
        try:
            if os.readlink(fd).startswith(str(path)):
                n += 1
        except OSError:
            pass
    return n


@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="Linux /proc")
def test_refused_newer_vault_is_not_left_open(session, data_dir):
    from app.session import open_session
    from tests.conftest import PASSWORD

    session.db.execute(f"PRAGMA user_version = {latest_version() + 1}")
    session.close()
    assert _open_handles(data_dir / "vault.db") == 0
    for _ in range(3):
        with pytest.raises(XinqiaoError):
            open_session(data_dir, "counselor", PASSWORD)
    assert _open_handles(data_dir / "vault.db") == 0
