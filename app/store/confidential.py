"""The confidential tier's database: confidential.db under its own key, ATTACHed as schema ``conf``.

Only a session whose key slot holds the confidential key (counselors; the recovery code) attaches it; a head
teacher's or administrator's connection never has a ``conf`` schema, so nothing they run can name it. Its
migrations are their own track (``conf_migrations/``, numbers only grow, PRAGMA user_version of the file).
"""
from __future__ import annotations

from pathlib import Path

from app.errors import IntegrityFailure, WrongPassword
from app.store.db import Database, open_database
from app.store.errors import storage_errors
from app.store.migrate import migrate
from app.store.paths import create_private_file

CONF_MIGRATIONS = Path(__file__).with_name("conf_migrations")
SCHEMA = "conf"


def create(path: Path, key: bytes) -> None:
    """A new, migrated confidential.db under ``key``."""
    create_private_file(path)
    db = open_database(path, key, create=True)
    try:
        migrate(db, CONF_MIGRATIONS)
    finally:
        db.close()


def prepare(path: Path, key: bytes) -> None:
    """Bring confidential.db to this program's schema (opened on its own, then closed)."""
    if not path.exists():
        raise IntegrityFailure(f"找不到保密数据库 {path}，但这个账号持有保密密钥。请不要新建数据：从最近的备份恢复"
                               "（备份里的 .confidential.db 与数据库一起恢复）。")
    try:
        db = open_database(path, key)
    except WrongPassword:
        raise IntegrityFailure(f"保密数据库 {path.name} 无法用这个账号的保密密钥打开（已损坏或不是本数据库的文件）。"
                               "请从最近的备份恢复。") from None
    try:
        migrate(db, CONF_MIGRATIONS)
    finally:
        db.close()


def attach(db: Database, path: Path, key: bytes) -> None:
    """ATTACH confidential.db to ``db`` as ``conf`` (after ``prepare``)."""
    with storage_errors(path):
        db.conn.execute(f"ATTACH DATABASE ? AS {SCHEMA} KEY \"x'{key.hex()}'\"", (str(path),))
        db.conn.execute(f"PRAGMA {SCHEMA}.journal_mode = WAL")
        db.conn.execute(f"PRAGMA {SCHEMA}.synchronous = FULL")
        db.conn.execute(f"PRAGMA {SCHEMA}.secure_delete = ON")


def attached(db: Database) -> bool:
    return any(r[1] == SCHEMA for r in db.query("PRAGMA database_list"))
