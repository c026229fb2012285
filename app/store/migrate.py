"""Numbered .sql migrations, one transaction each, tracked in PRAGMA user_version.

Files are ``app/store/migrations/NNN_name.sql``. Numbers only grow: a vault at version N runs the files numbered
above N, so a new migration, of whatever capability, takes the number after the highest one in the folder.
(001 foundation, 020 screening, 040–041 casework and search, 060 crisis were laid down together.)
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from app.errors import XinqiaoError
from app.store.db import Database
from app.store.errors import storage_errors

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True)
class Migration:
    number: int
    path: Path


def available() -> list[Migration]:
    """vault.db's migrations."""
    return scan(MIGRATIONS_DIR)


def _track(folder: Path | None) -> list[Migration]:
    return available() if folder is None else scan(folder)


def scan(folder: Path) -> list[Migration]:
    """The numbered migrations in ``folder`` (a track: vault.db's or confidential.db's)."""
    found = []
    for p in folder.iterdir():
        m = _NAME.match(p.name)
        if m:
            found.append(Migration(int(m.group(1)), p))
    found.sort(key=lambda m: m.number)
    numbers = [m.number for m in found]
    if len(set(numbers)) != len(numbers):
        raise RuntimeError(f"duplicate migration numbers in {folder}")
    return found


def latest_version(folder: Path | None = None) -> int:
    migs = _track(folder)
    return migs[-1].number if migs else 0


def current_version(db: Database) -> int:
    return int(db.scalar("PRAGMA user_version") or 0)


def migrate(db: Database, folder: Path | None = None) -> list[int]:
    """Apply every migration newer than the database; refuse a database newer than this program.
    ``folder`` is the track: vault.db's (``migrations/``) or confidential.db's (``conf_migrations/``)."""
    version = current_version(db)
    if version > latest_version(folder):
        raise XinqiaoError(f"数据库 {db.path.name} 的版本（{version}）比本程序支持的版本（{latest_version(folder)}）新，"
                           "请升级心桥后再打开。")
    applied = []
    for mig in _track(folder):
        if mig.number <= version:
            continue
        sql = mig.path.read_text("utf-8")
        conn = db.conn
        with storage_errors(db.path):  # a full disk during a migration is DiskFull, like any other write
            conn.execute("BEGIN IMMEDIATE")
            try:
                for statement in split_statements(sql):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {mig.number}")
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        applied.append(mig.number)
    return applied


def split_statements(sql: str) -> list[str]:
    """Split a migration into statements, keeping CREATE TRIGGER ... END blocks whole."""
    import sqlcipher3.dbapi2 as sqlite

    statements: list[str] = []
    buf = ""
    for line in sql.splitlines(keepends=True):
        if line.strip().startswith("--") and not buf.strip():
            continue
        buf += line
        if sqlite.complete_statement(buf):
            if buf.strip():
                statements.append(buf.strip())
            buf = ""
    if buf.strip():
        statements.append(buf.strip())
    return statements
